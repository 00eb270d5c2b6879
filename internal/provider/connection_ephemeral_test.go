package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The appcat_connection ephemeral resource: its values reach another provider's configuration
// (the testing framework's echo provider, which copies its configuration into its resource) and
// are nowhere in the plan or the state.

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// instanceWithUser creates a PostgreSQL instance with database user app outside Terraform, so
// that the only thing in the test's state is what the ephemeral resource passes on. It returns
// the instance's and the user's connection secrets.
func instanceWithUser(t *testing.T, ns, name string) (admin, user map[string][]byte) {
	t.Helper()
	major := "16"
	c, admin := readyClaim(t, appcat.PostgreSQL, ns, name, appcat.PostgreSQLParameters{
		Service: &appcat.PostgreSQLService{MajorVersion: &major}, Security: unprotected()})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shop := "shop"
	view, err := c.PutAccess(ctx, appcat.PostgreSQL, ns, name, "test-setup", appcat.Access{User: "app", Database: &shop}, true)
	if err != nil {
		t.Fatal(err)
	}
	if user, err = c.WaitAccess(ctx, appcat.PostgreSQL, ns, name, view.Generation, "app", appcat.WaitOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	return admin, user
}

// nothingSecretIn fails when any of the secrets appears in the state.
func nothingSecretIn(secrets map[string]string) userStateCheck {
	return func(req statecheck.CheckStateRequest) error { return secretsAbsent(req.State, secrets, "state") }
}

// userPlanCheck is a plancheck from a function.
type userPlanCheck func(req plancheck.CheckPlanRequest) error

func (c userPlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c(req)
}

func nothingSecretInPlan(secrets map[string]string) userPlanCheck {
	return func(req plancheck.CheckPlanRequest) error { return secretsAbsent(req.Plan, secrets, "plan") }
}

func TestAccConnectionEphemeral(t *testing.T) {
	ns, name := testNamespace(t), randomName("eph")
	testAccPreCheck(t)
	admin, user := instanceWithUser(t, ns, name)
	secrets := map[string]string{
		"user's password":  string(user["POSTGRESQL_PASSWORD"]),
		"user's URL":       string(user["POSTGRESQL_URL"]),
		"admin's password": string(admin["POSTGRESQL_PASSWORD"]),
		"admin's URL":      string(admin["POSTGRESQL_URL"]),
	}
	for what, s := range secrets {
		if len(s) < 16 {
			t.Fatalf("the %s %q is too short to look for", what, s)
		}
	}

	config := func(ephemerals, data string) string {
		return adminProvider(ns) + ephemerals + fmt.Sprintf(`
provider "echo" {
  data = {
    %s
  }
}

resource "echo" "test" {}
`, data)
	}
	ephemerals := fmt.Sprintf(`
ephemeral "appcat_connection" "app" {
  kind        = "postgresql"
  instance_id = "%[1]s/%[2]s"
  user        = "app"
}

ephemeral "appcat_connection" "admin" {
  kind        = "postgresql"
  instance_id = "%[1]s/%[2]s"
}
`, ns, name)
	data := `username        = ephemeral.appcat_connection.app.username
    database        = ephemeral.appcat_connection.app.database
    host            = ephemeral.appcat_connection.app.host
    port            = ephemeral.appcat_connection.app.port
    secret_name     = ephemeral.appcat_connection.app.secret_name
    has_ca          = startswith(ephemeral.appcat_connection.app.ca_certificate, "-----BEGIN CERTIFICATE-----")
    password_sha256 = sha256(ephemeral.appcat_connection.app.password)
    url_sha256      = sha256(ephemeral.appcat_connection.app.url)
    admin_username  = ephemeral.appcat_connection.admin.username
    admin_password_sha256 = sha256(ephemeral.appcat_connection.admin.password)`
	echo := func(key string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(key), check)
	}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{
			{
				Config:           config(ephemerals, data),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{nothingSecretInPlan(secrets)}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The values reached the echo provider's configuration ...
					echo("username", knownvalue.StringExact("app")),
					echo("database", knownvalue.StringExact("shop")),
					echo("host", knownvalue.StringExact(string(user["POSTGRESQL_HOST"]))),
					echo("port", knownvalue.Int64Exact(5432)),
					echo("secret_name", knownvalue.StringExact(name+"-app")),
					echo("has_ca", knownvalue.Bool(true)),
					echo("password_sha256", knownvalue.StringExact(sha256Hex(secrets["user's password"]))),
					echo("url_sha256", knownvalue.StringExact(sha256Hex(secrets["user's URL"]))),
					echo("admin_username", knownvalue.StringExact("postgres")),
					echo("admin_password_sha256", knownvalue.StringExact(sha256Hex(secrets["admin's password"]))),
					// ... and are nowhere in the state.
					nothingSecretIn(secrets),
				},
			},
			{
				Config: config(fmt.Sprintf(`
ephemeral "appcat_connection" "x" {
  kind        = "postgresql"
  instance_id = "%s/%s"
  user        = "nobody"
}
`, ns, name), `x = ephemeral.appcat_connection.x.username`),
				ExpectError: regexp.MustCompile(`has no user nobody`),
			},
			{
				Config: config(fmt.Sprintf(`
ephemeral "appcat_connection" "x" {
  kind        = "redis"
  instance_id = "%s/%s"
  user        = "app"
}
`, ns, name), `x = ephemeral.appcat_connection.x.username`),
				ExpectError: regexp.MustCompile(`Redis has no database users`),
			},
			{
				Config: config(fmt.Sprintf(`
ephemeral "appcat_connection" "x" {
  kind        = "mariadb"
  instance_id = "%s/missing"
}
`, ns), `x = ephemeral.appcat_connection.x.username`),
				ExpectError: regexp.MustCompile(`(?s)Could not read MariaDB instance.*not found`),
			},
			// Back to the working configuration (destroy uses the last one): plan again, still no change.
			{Config: config(ephemerals, data), PlanOnly: true},
		},
	})
}

// A user created in the same apply: referring to the user's connection_details (unknown until
// the platform has provisioned it) makes Terraform open the ephemeral resource during the apply,
// after the user exists, instead of during the plan.
func TestAccConnectionEphemeralSameApply(t *testing.T) {
	ns, name := testNamespace(t), randomName("ephnew")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		CheckDestroy: pgAcc.claimsGone(t),
		Steps: []resource.TestStep{{
			Config: adminProvider(ns) + userTestPostgreSQL(name) + `
resource "appcat_database_user" "migrations" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "migrations"
}

ephemeral "appcat_connection" "migrations" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = appcat_database_user.migrations.connection_details.username
}

provider "echo" {
  data = {
    username        = ephemeral.appcat_connection.migrations.username
    password_sha256 = sha256(ephemeral.appcat_connection.migrations.password)
  }
}

resource "echo" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("username"), knownvalue.StringExact("migrations")),
				userStateCheck(func(req statecheck.CheckStateRequest) error {
					s, err := readUserSecret(context.Background(), t, ns, name+"-migrations", appcat.PostgreSQL)
					if err != nil {
						return err
					}
					data, _ := stateValuesOfType(req, "echo")["echo.test"]["data"].(map[string]any)
					if data["password_sha256"] != sha256Hex(s.password) {
						return fmt.Errorf("the echo provider got a password that is not the user's")
					}
					return nil
				}),
			},
		}},
	})
}
