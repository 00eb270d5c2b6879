package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

const pgRevision = "vshnpostgrescnpg.vshn.appcat.vshn.io-ce52f13"

func TestAccInstanceCompositionFields(t *testing.T) {
	t.Run("composition policy, pinned revision and additional resources: create, update in place, import", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		pinned := k.config(ns, name, "deletion_protection = false",
			`composition_update_policy = "Manual"`, `composition_revision = "`+pgRevision+`"`,
			`additional_resources_config_map = "extra-objects"`)
		automatic := k.config(ns, name, "deletion_protection = false",
			`composition_update_policy = "Automatic"`, `additional_resources_config_map = "more-objects"`)
		steps := []resource.TestStep{
			{
				Config:           pinned,
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("composition_update_policy", knownvalue.StringExact("Manual")),
					k.stateIs("composition_revision", knownvalue.StringExact(pgRevision)),
					k.stateIs("additional_resources_config_map", knownvalue.StringExact("extra-objects")),
					claimConverged(t, k.api, ns, name,
						specField("Manual", "compositionUpdatePolicy"),
						specField(pgRevision, "compositionRevisionRef", "name"),
						specField("extra-objects", "parameters", "additionalResources", "configMapRef")),
				},
			},
			{
				// Unpin and follow new revisions, another ConfigMap: in place.
				Config:           automatic,
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("composition_update_policy", knownvalue.StringExact("Automatic")),
					k.stateIs("composition_revision", knownvalue.Null()),
					k.stateIs("additional_resources_config_map", knownvalue.StringExact("more-objects")),
					claimConverged(t, k.api, ns, name,
						specField("Automatic", "compositionUpdatePolicy"),
						specAbsent("compositionRevisionRef"),
						specField("more-objects", "parameters", "additionalResources", "configMapRef")),
				},
			},
		}
		steps = append(steps, k.importSteps(ns, name, automatic)...)
		steps = append(steps, resource.TestStep{
			// Without the attributes the fields leave the claim; nothing is replaced.
			Config:           k.config(ns, name, "deletion_protection = false"),
			ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				k.stateIs("additional_resources_config_map", knownvalue.Null()),
				claimConverged(t, k.api, ns, name, specAbsent("compositionUpdatePolicy"), specAbsent("parameters", "additionalResources")),
			},
		})
		k.test(t, steps...)
	})

	t.Run("Redis and MariaDB", func(t *testing.T) {
		for _, k := range []accKind{redisAcc, mariadbAcc} {
			t.Run(k.displayName, func(t *testing.T) {
				ns, name := testNamespace(t), k.name()
				cfg := k.config(ns, name, "deletion_protection = false",
					`composition_update_policy = "Manual"`, `additional_resources_config_map = "extra-objects"`)
				k.test(t, append([]resource.TestStep{{
					Config: cfg,
					ConfigStateChecks: []statecheck.StateCheck{
						k.stateIs("composition_update_policy", knownvalue.StringExact("Manual")),
						k.stateIs("composition_revision", knownvalue.Null()),
						claimConverged(t, k.api, ns, name,
							specField("Manual", "compositionUpdatePolicy"),
							specField("extra-objects", "parameters", "additionalResources", "configMapRef")),
					},
				}}, k.importSteps(ns, name, cfg)...)...)
			})
		}
	})

	t.Run("bad values are refused at plan time", func(t *testing.T) {
		pgAcc.rejectedAtPlanTime(t, []badInput{
			{lines: []string{`composition_update_policy = "Sometimes"`}, want: wrapped(`Attribute composition_update_policy value must be one of`)},
			{lines: []string{`composition_revision = "Not_A_Name"`}, want: wrapped(`Attribute composition_revision must be the name of a CompositionRevision`)},
			{lines: []string{`additional_resources_config_map = ""`}, want: wrapped(`Attribute additional_resources_config_map string length must be between 1 and 253`)},
		})
	})
}
