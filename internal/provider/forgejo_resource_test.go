package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var forgejoAcc = accKind{resourceType: "appcat_forgejo", displayName: "Forgejo", api: appcat.Forgejo, namePrefix: "git"}

// forgejoHost matches the FORGEJO_HOST of an instance named name (without "forgejo" in it): the
// chart's HTTP service <composite>-forgejo-http.
func forgejoHost(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + name + `-[a-z]{5}-forgejo-http\.` + forgejoAcc.instanceNamespace(name) + `\.svc$`)
}

func TestAccForgejo(t *testing.T) {
	k := forgejoAcc
	fqdn := `fqdn = ["git.example.com"]`

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		host := forgejoHost(name)
		updated := []string{"deletion_protection = false", `fqdn = ["git.example.com", "code.example.com"]`, `plan = "medium"`, `disk = "250Gi"`,
			`admin_email = "admin@example.com"`, "ssh_enabled = true", `app_name = "Our Git"`,
			`settings = { service = { DISABLE_REGISTRATION = "true" }, mailer = { ENABLED = "true", PROTOCOL = "smtps" } }`,
			`labels = { team = "dev" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false", fqdn),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("14.0.0")),
					k.stateIs("current_version", knownvalue.StringExact("14.0.0")),
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("small")),
					k.stateIs("admin_email", knownvalue.StringExact("gitea@local.domain")),
					k.stateIs("ssh_enabled", knownvalue.Bool(false)),
					k.stateIs("settings", knownvalue.Null()),
					// Every key the composition writes, and nothing else.
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("username", knownvalue.StringExact("forgejo_admin")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("url", knownvalue.StringExact("git.example.com")),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					k.connectionIs("port", knownvalue.Null()),
					k.connectionIs("gateway_host", knownvalue.Null()),
					k.connectionIs("gateway_port", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField("14.0.0", "parameters", "service", "majorVersion"),
						specField("[git.example.com]", "parameters", "service", "fqdn"),
						specField(false, "parameters", "service", "ssh", "enabled"),
						statusMatches(`^[a-z]+day$`, "schedules", "maintenance", "dayOfWeek")),
				},
			},
			{
				// A second host name and SSH change the connection details in place.
				Config:           k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.connectionIs("url", knownvalue.StringExact("git.example.com,code.example.com")),
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("gateway_host", knownvalue.StringExact("tcp-gateway.appcat.localhost")),
					k.connectionIs("gateway_port", knownvalue.NotNull()),
					claimConverged(t, k.api, ns, name,
						specField("medium", "parameters", "size", "plan"),
						specField("250Gi", "parameters", "size", "disk"),
						specField("admin@example.com", "parameters", "service", "adminEmail"),
						specField(true, "parameters", "service", "ssh", "enabled"),
						specField("Our Git", "parameters", "service", "forgejoSettings", "APP_NAME"),
						specField("map[mailer:map[ENABLED:true PROTOCOL:smtps] service:map[DISABLE_REGISTRATION:true]]", "parameters", "service", "forgejoSettings", "config"),
						labelIs("team", "dev")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("version upgrade needs the guard, and never goes down", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, "deletion_protection = false", fqdn, `version = "13.0.0"`)},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", fqdn, `version = "14.0.0"`),
				PlanOnly:    true,
				ExpectError: majorUpgradeRefused("Forgejo", "13.0.0", "14.0.0"),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", fqdn, `version = "12.0.0"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`Version downgrade not possible`)),
			},
			resource.TestStep{
				Config:            k.config(ns, name, "deletion_protection = false", fqdn, `version = "13.0.1"`),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "13.0.1", "service", "majorVersion"),
			},
		)
	})

	t.Run("deletion protection refuses destroy", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, fqdn)},
			resource.TestStep{Config: k.config(ns, name, fqdn), Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Forgejo instance ` + ns + `/` + name + `\s+is protected from deletion`)},
			resource.TestStep{Config: k.config(ns, name, fqdn, "deletion_protection = false")},
		)
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("g", 28), lines: []string{fqdn}, want: `Attribute name string length must be between 1 and 27`},
			{lines: nil, want: `(?s)The argument "fqdn" is required`},
			{lines: []string{`fqdn = []`}, want: `(?s)Attribute fqdn list must contain at least 1 elements`},
			{lines: []string{`fqdn = ["not a host"]`}, want: `(?s)must be a host name`},
			{lines: []string{fqdn, `version = "14"`}, want: `(?s)must be a release number x.y.z`},
			{lines: []string{fqdn, "instances = 2"}, want: `(?s)Attribute instances value must be between 0 and 1`},
			{lines: []string{fqdn, `service_level = "guaranteed"`}, want: `(?s)guaranteed.*instances`},
			{lines: []string{fqdn, `plan = "huge"`}, want: `(?s)Plan\s+"huge"\s+is\s+not\s+offered\s+on\s+this\s+cluster`},
			{lines: []string{fqdn, `admin_email = "nobody"`}, want: `(?s)must be an e-mail address`},
			{lines: []string{fqdn, `settings = { server = { X = "1" } }`}, want: `(?s)value must be one of`},
			{lines: []string{fqdn, `settings = { mailer = { protocol = "sendmail" } }`}, want: wrapped(`Mailer protocol not allowed`)},
			{lines: []string{fqdn, `restore = { source_instance = "other" }`}, want: wrapped(`No restore for Forgejo.*Remove restore`)},
		})
	})

	t.Run("backups, users and metrics refuse a Forgejo instance at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		ref := []string{`kind = "forgejo"`, `instance_id = "` + ns + `/git"`}
		refused := func(lacks string) *regexp.Regexp {
			return regexp.MustCompile(wrapped(regexp.QuoteMeta(`Attribute kind value must be one of: [`) + `[^]]*` +
				regexp.QuoteMeta(`], got: "forgejo". Forgejo instances have no `+lacks)))
		}
		var steps []resource.TestStep
		for _, c := range []struct {
			cfg  string
			want *regexp.Regexp
		}{
			{block("resource", "appcat_backup_policy", "test", ref...), refused("backups")},
			{block("resource", "appcat_database_user", "test", append(ref, `user = "app"`)...), refused("database users")},
			{block("data", "appcat_backups", "test", ref...), refused("backups")},
			{block("data", "appcat_metrics_endpoint", "test", ref...), refused("metrics targets")},
		} {
			steps = append(steps, resource.TestStep{Config: adminProvider(ns) + c.cfg, PlanOnly: true, ExpectError: c.want})
		}
		k.test(t, steps...)
	})
}
