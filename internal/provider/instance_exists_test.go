package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestAccCreateRefusesExistingInstance: a resource that would create an instance of a name that
// exists already (another configuration's, or one made with kubectl) fails on its name, says how
// to import it, and changes nothing: the instance keeps its spec and resourceVersion, and the
// configuration that made it still plans no change and destroys it.
func TestAccCreateRefusesExistingInstance(t *testing.T) {
	for _, k := range []accKind{pgAcc, redisAcc, mariadbAcc} {
		t.Run(k.displayName, func(t *testing.T) { k.createRefusesExisting(t) })
	}
}

func (k accKind) createRefusesExisting(t *testing.T) {
	ns, name := testNamespace(t), k.name()
	first := adminProvider(ns) + k.instance("first", name, `plan = "standard-2"`)
	// The second resource stands for another configuration: it shares nothing with the first
	// but the name, which is all the provider sees of it.
	second := first + k.instance("second", name, `plan = "standard-4"`)
	var rv string
	k.test(t,
		resource.TestStep{
			Config: first,
			ConfigStateChecks: []statecheck.StateCheck{
				claimConverged(t, k.api, ns, name, func(u *unstructured.Unstructured) error { rv = u.GetResourceVersion(); return nil }),
			},
		},
		resource.TestStep{
			Config: second,
			ExpectError: regexp.MustCompile(wrapped(fmt.Sprintf(`Error: %s instance %s/%s already exists.*with %s\.second.*on .* line \d+.*name = %q.*`+
				`Nothing was changed.*terraform import %s\.<name> %s/%s`,
				k.displayName, ns, name, k.resourceType, name, k.resourceType, ns, name))),
		},
		resource.TestStep{
			Config: first,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(k.addrOf("first"), plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				claimConverged(t, k.api, ns, name, specField("standard-2", "parameters", "size", "plan"),
					func(u *unstructured.Unstructured) error {
						if u.GetResourceVersion() != rv {
							return fmt.Errorf("resourceVersion %s, was %s before the refused create: the claim was written", u.GetResourceVersion(), rv)
						}
						return nil
					}),
			},
		},
	)
}
