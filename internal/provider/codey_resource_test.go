package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var codeyAcc = accKind{resourceType: "appcat_codey", displayName: "Codey", api: appcat.Codey, namePrefix: "code",
	required: []string{`admin_email = "admin@example.com"`}}

func TestAccCodey(t *testing.T) {
	k := codeyAcc

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		changed := []string{`admin_email = "git@example.com"`, `plan = "small"`, "disable_registration = true", `labels = { team = "dev" }`}
		at := func(version string) []string {
			return append([]string{fmt.Sprintf("version = %q", version)}, changed...)
		}
		updated := at("14.0.1")
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("14.0.0")),
					k.stateIs("plan", knownvalue.StringExact("mini")),
					k.stateIs("admin_email", knownvalue.StringExact("admin@example.com")),
					k.stateIs("disable_registration", knownvalue.Bool(false)),
					k.stateIs("connection_secret_name", knownvalue.StringExact(name+"-connection")),
					// Every key the composition writes, and nothing else.
					k.connectionIs("username", knownvalue.StringExact("forgejo_admin")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("url", knownvalue.StringExact(name+".app.codey.ch")),
					k.connectionIs("host", knownvalue.Null()),
					k.connectionIs("port", knownvalue.Null()),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField("14.0.0", "parameters", "service", "majorVersion"),
						specField("admin@example.com", "parameters", "service", "adminEmail"),
						specField(false, "parameters", "service", "disableRegistration"),
						specField("mini", "parameters", "size", "plan"),
						specField(appcat.CompositionCodey, "compositionRef", "name"),
						specAbsent("parameters", "security"),
						specAbsent("parameters", "instances")),
				},
			},
			{
				// Plan, e-mail, registration and a new patch release change in place; the URL stays.
				Config:           k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("version", knownvalue.StringExact("14.0.1")),
					k.connectionIs("url", knownvalue.StringExact(name+".app.codey.ch")),
					claimConverged(t, k.api, ns, name,
						specField("14.0.1", "parameters", "service", "majorVersion"),
						specField("git@example.com", "parameters", "service", "adminEmail"),
						specField(true, "parameters", "service", "disableRegistration"),
						specField("small", "parameters", "size", "plan"),
						labelIs("team", "dev")),
				},
			},
			{
				Config:      k.config(ns, name, at("14.0.0")...),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`Version downgrade not possible`)),
			},
			{
				Config:      k.config(ns, name, at("15.0.0")...),
				PlanOnly:    true,
				ExpectError: majorUpgradeRefused("Codey", "14.0.1", "15.0.0"),
			},
		}, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("c", 28), want: `Attribute name string length must be between 1 and 27`},
			{lines: []string{`admin_email = ""`}, want: `(?s)Attribute admin_email string length must be at least 1`},
			{lines: []string{`plan = "medium"`}, want: `(?s)Attribute plan value must be one of`},
			{lines: []string{`version = "14"`}, want: `(?s)must be a Forgejo release number x.y.z`},
			// None of AppCat's common blocks: the attributes are not there at all.
			{lines: []string{"deletion_protection = false"}, want: notInSchema("deletion_protection")},
			{lines: []string{"instances = 1"}, want: notInSchema("instances")},
			{lines: []string{`service_level = "guaranteed"`}, want: notInSchema("service_level")},
			{lines: []string{"allow_all_namespaces = true"}, want: notInSchema("allow_all_namespaces")},
			{lines: []string{`node_selector = { "appuio.io/node-class" = "plus" }`}, want: notInSchema("node_selector")},
			{lines: []string{`restore = { source_instance = "other" }`}, want: notInSchema("restore")},
			{lines: []string{`alerting = { email = "ops@example.com" }`}, want: notInSchema("alerting")},
			{lines: []string{`additional_resources_config_map = "extra"`}, want: notInSchema("additional_resources_config_map")},
		})
	})

	t.Run("admin_email is required", func(t *testing.T) {
		// As in the CRD; k.config would add it.
		ns := testNamespace(t)
		k.test(t, resource.TestStep{
			Config:      adminProvider(ns) + block("resource", k.resourceType, "test", fmt.Sprintf("name = %q", k.name())),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)The argument "admin_email" is required`),
		})
	})

	t.Run("attached resources refuse it", func(t *testing.T) {
		ns := testNamespace(t)
		k.test(t, k.refusedAttachments(ns, everyAttachment...)...)
	})

	t.Run("data sources read an existing instance", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		cfg := k.config(ns, name, `plan = "small"`) + fmt.Sprintf(`
data "appcat_codey" "existing" {
  name       = appcat_codey.test.name
  depends_on = [appcat_codey.test]
}

data "appcat_instances" "codey" {
  namespace  = %q
  kinds      = ["codey"]
  depends_on = [appcat_codey.test]
}
`, ns)
		same := func(attr string) statecheck.StateCheck {
			return statecheck.CompareValuePairs(k.addr(), tfjsonpath.New(attr), k.dataAddr(), tfjsonpath.New(attr), compare.ValuesSame())
		}
		k.test(t, resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("plan"), knownvalue.StringExact("small")),
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
				same("connection_details"), same("admin_email"), same("version"), same("disable_registration"),
				// appcat_instances lists it through the registry, with nothing to attach.
				statecheck.ExpectKnownValue("data.appcat_instances.codey", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"kind":                    knownvalue.StringExact("codey"),
						"resource_type":           knownvalue.StringExact("appcat_codey"),
						"id":                      knownvalue.StringExact(ns + "/" + name),
						"ready":                   knownvalue.Bool(true),
						"composition":             knownvalue.StringExact(appcat.CompositionCodey),
						"attached_resource_types": knownvalue.ListExact(nil),
					}),
				})),
			},
		})
	})
}
