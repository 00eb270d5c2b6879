package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The app-database module (examples/modules/app-database) applied as a team would use it: a
// `module` block whose source is the module's directory, with the provider configured by the
// caller. One configuration calls it twice, for PostgreSQL with every option and for MariaDB with
// the defaults, in one namespace; the checks look at the platform as a user would with kubectl.

var (
	regexpNonEmpty  = regexp.MustCompile(`.`)
	regexpDailyCron = regexp.MustCompile(`^\d+ \d+ \* \* \*$`)
)

// appDatabaseModuleDir is the module's directory, absolute: the test runs in internal/provider,
// terraform in a temporary directory of its own.
func appDatabaseModuleDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs(filepath.Join(wd, "..", "..", "examples", "modules", "app-database"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.tf")); err != nil {
		t.Fatalf("the module is not where the test expects it: %v", err)
	}
	return dir
}

// TestAccModuleAppDatabase is not parallel: the module requires vshn/appcat, so the in-process
// provider is announced under the namespace vshn (TF_ACC_PROVIDER_NAMESPACE) for this test,
// while every other test's configuration names no source and so means hashicorp/appcat. Go runs
// the top-level tests that are not parallel one after another, before the parallel ones, so the
// variable is never seen by another test.
func TestAccModuleAppDatabase(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "vshn")
	source := appDatabaseModuleDir(t)
	ns := customerNamespace(t)
	pg, maria := randomName("mod-pg"), randomName("mod-maria")
	hook := newWebhookReceiver(t)

	// The caller's configuration: required_providers names vshn/appcat as the module does, and
	// the provider block (the customer, in a namespace granted to them) is the caller's.
	head := `
terraform {
  required_providers {
    appcat = { source = "vshn/appcat" }
  }
}
` + userProvider(ns)
	modules := fmt.Sprintf(`
module "pg" {
  source    = %[1]q
  name      = %[2]q
  namespace = %[4]q

  deletion_protection   = false
  backup_schedule       = "15 3 * * *"
  backup_retention_days = 10
  maintenance_window    = { day_of_week = "wednesday", time_of_day = "22:30:00" }
  users = {
    app       = {}
    reporting = { database = "app" }
  }
  alert_emails  = ["dba@example.com"]
  alert_channel = { webhook_url = %[5]q }
}

# MariaDB with the module's defaults, but for what a destroy and the ephemeral path need.
module "maria" {
  source    = %[1]q
  name      = %[3]q
  namespace = %[4]q
  engine    = "mariadb"

  deletion_protection = false
  store_credentials   = false
  alert_channel = {
    email = { to = ["ops@example.com"], from = "alerts@example.com", smarthost = "smtp.example.com:587" }
  }
}

# The ephemeral path of the README: the application's credentials, never in the state. Opened
# during the apply that creates the user, and during every plan after it; it fails if it cannot
# read the user's Secret. (No postcondition to check its values: terraform show -json of
# Terraform 1.11 panics on the check result of an ephemeral resource.)
ephemeral "appcat_connection" "maria_app" {
  kind        = module.maria.kind
  instance_id = module.maria.instance_id
  user        = module.maria.users["app"].username
}

output "pg_host" {
  value     = module.pg.host
  sensitive = true
}
output "pg_port" {
  value     = module.pg.port
  sensitive = true
}
output "pg_credentials" {
  value     = module.pg.credentials
  sensitive = true
}
output "pg_users" { value = module.pg.users }
output "pg_backup_schedule" { value = module.pg.backup_schedule }
output "pg_maintenance_window" { value = module.pg.maintenance_window }
output "pg_alert_channel" { value = module.pg.alert_channel }
output "maria_instance_id" { value = module.maria.instance_id }
output "maria_credentials" {
  value     = module.maria.credentials
  sensitive = true
}
output "maria_backup_schedule" { value = module.maria.backup_schedule }
output "maria_maintenance_window" { value = module.maria.maintenance_window }
`, source, pg, maria, ns, hook.srv.URL+"/alerts")

	// Only name and namespace: what the module plans with its defaults alone.
	minimal := fmt.Sprintf(`
module "minimal" {
  source    = %q
  name      = %q
  namespace = %q
}
`, source, randomName("mod-min"), ns)

	nonEmpty := knownvalue.StringRegexp(regexpNonEmpty)
	cfg := configFile(t, "modules", head+modules)
	steps := []resource.TestStep{
		{
			// name and namespace are all the module needs: PostgreSQL, the default maintenance
			// window, one user "app", deletion protection on.
			ConfigFile:         configFile(t, "minimal", head+minimal),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		{
			ConfigFile: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				// PostgreSQL: everything set.
				claimConverged(t, appcat.PostgreSQL, ns, pg,
					specField("15 3 * * *", "parameters", "backup", "schedule"),
					specField(int64(10), "parameters", "backup", "retention"),
					specField(true, "parameters", "backup", "enabled"),
					specField("wednesday", "parameters", "maintenance", "dayOfWeek"),
					specField("22:30:00", "parameters", "maintenance", "timeOfDay"),
					specField(pg+"-alerts", "parameters", "monitoring", "alertmanagerConfigRef"),
					specField(pg+"-alerts-alert-channel", "parameters", "monitoring", "alertmanagerConfigSecretRef"),
					specField("dba@example.com", "parameters", "monitoring", "email"),
					statusMatches(`^15 3 \* \* \*$`, "schedules", "backup"),
					statusMatches(`^wednesday$`, "schedules", "maintenance", "dayOfWeek")),
				claimUsers(t, appcat.PostgreSQL, ns, pg, map[string]string{"app": "app", "reporting": "app"}),
				alertmanagerConfigField(t, ns, pg+"-alerts", hook.srv.URL+"/alerts", "spec", "receivers", 0, "webhookConfigs", 0, "url"),
				hook.received("AppCatTestNotification", "firing", 1, ns, pg),

				// MariaDB: the module's defaults.
				claimConverged(t, appcat.MariaDB, ns, maria,
					specField(int64(7), "parameters", "backup", "retention", "keepDaily"),
					specField("tuesday", "parameters", "maintenance", "dayOfWeek"),
					specField("21:00:00", "parameters", "maintenance", "timeOfDay"),
					specField(maria+"-alerts", "parameters", "monitoring", "alertmanagerConfigRef"),
					specAbsent("parameters", "backup", "schedule"),
					statusMatches(`^\d+ \d+ \* \* \*$`, "schedules", "backup")),
				claimUsers(t, appcat.MariaDB, ns, maria, map[string]string{"app": "app"}),
				alertmanagerConfigField(t, ns, maria+"-alerts", "smtp.example.com:587", "spec", "receivers", 0, "emailConfigs", 0, "smarthost"),

				// What the application gets.
				statecheck.ExpectKnownOutputValue("pg_host", nonEmpty),
				statecheck.ExpectKnownOutputValue("pg_port", knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValue("pg_credentials", knownvalue.MapExact(map[string]knownvalue.Check{
					"app":       credentialsComplete("app", "app"),
					"reporting": credentialsComplete("reporting", "app"),
				})),
				statecheck.ExpectKnownOutputValueAtPath("pg_users", tfjsonpath.New("reporting"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"username":               knownvalue.StringExact("reporting"),
					"database":               knownvalue.StringExact("app"),
					"connection_secret_name": knownvalue.StringExact(pg + "-reporting"),
				})),
				statecheck.ExpectKnownOutputValue("pg_backup_schedule", knownvalue.StringExact("15 3 * * *")),
				statecheck.ExpectKnownOutputValue("pg_maintenance_window", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"day_of_week": knownvalue.StringExact("wednesday"),
					"time_of_day": knownvalue.StringExact("22:30:00"),
				})),
				statecheck.ExpectKnownOutputValue("pg_alert_channel", knownvalue.StringExact(pg+"-alerts")),
				statecheck.ExpectKnownOutputValue("maria_instance_id", knownvalue.StringExact(ns+"/"+maria)),
				statecheck.ExpectKnownOutputValue("maria_backup_schedule", knownvalue.StringRegexp(regexpDailyCron)),
				statecheck.ExpectKnownOutputValue("maria_maintenance_window", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"day_of_week": knownvalue.StringExact("tuesday"),
					"time_of_day": knownvalue.StringExact("21:00:00"),
				})),
				// store_credentials = false: host, port, user and database, no password, and the
				// password nowhere in the state; nor the instance's own credentials.
				statecheck.ExpectKnownOutputValueAtPath("maria_credentials", tfjsonpath.New("app"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"host":     nonEmpty,
					"username": knownvalue.StringExact("app"),
					"database": knownvalue.StringExact("app"),
					"password": knownvalue.Null(),
					"url":      knownvalue.Null(),
				})),
				passwordNotInState(t, ns, maria+"-app", appcat.MariaDB),
				userStateCheck(func(req statecheck.CheckStateRequest) error {
					values, _, _, err := mariadbAcc.instanceSecretValues(context.Background(), t, ns, maria)
					if err != nil {
						return err
					}
					return nothingSecretIn(values)(req)
				}),
			},
		},
		{
			// Nothing to change: the next plan of the same configuration is empty.
			ConfigFile: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		{
			ConfigFile: cfg,
			PlanOnly:   true,
		},
		{
			// terraform destroy, and nothing is left on the platform. (A step rather than
			// CheckDestroy: the framework's own destroy at the end reads the state through a
			// shim that refuses child modules, so the test destroys before it.)
			ConfigFile: cfg,
			Destroy:    true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("module.pg.appcat_postgresql.this[0]", plancheck.ResourceActionDestroy),
				plancheck.ExpectResourceAction("module.maria.appcat_mariadb.this[0]", plancheck.ResourceActionDestroy),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				appDatabaseGone(t, ns, []kindName{{appcat.PostgreSQL, pg}, {appcat.MariaDB, maria}}),
			},
		},
	}
	// The configurations are files, and the providers are the steps' rather than the test case's:
	// only then does the testing framework run `terraform init` with the step's configuration
	// (with Config it inits the provider blocks alone), and only init installs the module.
	for i := range steps {
		steps[i].ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		Steps:                  steps,
	})
}

// configFile writes a configuration into a directory of the test's and returns it for a test
// step's ConfigFile.
func configFile(t *testing.T, name, content string) config.TestStepConfigFunc {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".tf")
	writeFile(t, path, content)
	return config.StaticFile(path)
}

// credentialsComplete checks one user's entry of the module's credentials output.
func credentialsComplete(user, database string) knownvalue.Check {
	nonEmpty := knownvalue.StringRegexp(regexpNonEmpty)
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"host":           nonEmpty,
		"port":           knownvalue.NotNull(),
		"database":       knownvalue.StringExact(database),
		"username":       knownvalue.StringExact(user),
		"password":       nonEmpty,
		"url":            nonEmpty,
		"ca_certificate": knownvalue.NotNull(),
	})
}

// claimUsers checks the claim's access list (user → database) and that the platform wrote each
// user's Secret, <instance>-<user>, with a password.
func claimUsers(t *testing.T, kind appcat.Kind, ns, name string, want map[string]string) statecheck.StateCheck {
	return platformCheck(func(ctx context.Context) error {
		v, err := accessOf(ctx, t, kind, ns, name)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, e := range v.Users {
			got[e.User] = e.User // the platform's default database
			if e.Database != nil {
				got[e.User] = *e.Database
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("%s %s/%s: access list %v, want %v", kind.Kind, ns, name, got, want)
		}
		for user, database := range want {
			s, err := readUserSecret(ctx, t, ns, name+"-"+user, kind)
			if err != nil {
				return err
			}
			if s.user != user || s.database != database || s.password == "" {
				return fmt.Errorf("secret %s/%s-%s: user %q, database %q, password set %t", ns, name, user, s.user, s.database, s.password != "")
			}
		}
		return nil
	})
}

// passwordNotInState checks that the user's password, read from its Secret, appears nowhere in
// the state.
func passwordNotInState(t *testing.T, ns, secret string, kind appcat.Kind) statecheck.StateCheck {
	return userStateCheck(func(req statecheck.CheckStateRequest) error {
		s, err := readUserSecret(context.Background(), t, ns, secret, kind)
		if err != nil {
			return err
		}
		found, err := stateContainsString(req, s.password)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("the password of %s/%s is in the state, with store_credentials = false", ns, secret)
		}
		return nil
	})
}

// kindName names a claim of a kind.
type kindName struct {
	kind appcat.Kind
	name string
}

// appDatabaseGone checks after the destroy that nothing the module created is left: the claims,
// the users' Secrets, the alert channels' AlertmanagerConfigs and Secrets.
func appDatabaseGone(t *testing.T, ns string, claims []kindName) statecheck.StateCheck {
	dyn, cs := adminDynamic(t), adminClientset(t)
	return platformCheck(func(ctx context.Context) error {
		var left []string
		for _, c := range claims {
			if _, err := getClaim(ctx, dyn, c.kind, ns, c.name); !apierrors.IsNotFound(err) {
				left = append(left, fmt.Sprintf("%s %s (err %v)", c.kind.Kind, c.name, err))
			}
			if _, err := dyn.Resource(appcat.AlertmanagerConfigGVR).Namespace(ns).Get(ctx, c.name+"-alerts", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				left = append(left, fmt.Sprintf("AlertmanagerConfig %s-alerts (err %v)", c.name, err))
			}
		}
		secrets, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, s := range secrets.Items {
			for _, c := range claims {
				if strings.HasPrefix(s.Name, c.name+"-") {
					left = append(left, "Secret "+s.Name)
				}
			}
		}
		if len(left) > 0 {
			slices.Sort(left)
			return fmt.Errorf("left in %s after destroy: %s", ns, strings.Join(left, ", "))
		}
		return nil
	})
}
