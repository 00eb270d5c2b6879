package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// Acceptance test scenarios that every service kind runs the same way: the shared lifecycle seen
// through one kind's resource. Each kind's _test.go adds what is its own (connection details,
// HA switch, its validation rules) and calls these for the rest.

// adminProvider is a provider block for the platform's admin context with a default namespace.
func adminProvider(namespace string) string { return providerBlock("admin", namespace) }

// userProvider is a provider block for the platform's user context (an AppCat customer).
func userProvider(namespace string) string { return providerBlock("user", namespace) }

// providerBlock is a provider block for one context of the platform's kubeconfig.
func providerBlock(kubeContext, namespace string) string {
	return fmt.Sprintf(`
provider "appcat" {
  config_path    = %q
  config_context = %q
  namespace      = %q
}
`, platformtest.Platform().KubeconfigPath(), kubeContext, namespace)
}

// accKind is a service kind as the acceptance tests see it.
type accKind struct {
	resourceType string // e.g. "appcat_redis"
	displayName  string // as in the provider's messages, e.g. "Redis"
	api          appcat.Kind
	namePrefix   string // of random claim names
	// required are attribute lines every configuration of the kind needs (Nextcloud's fqdn).
	required []string
}

// addr is the address of the resource named "test" that config declares.
func (k accKind) addr() string { return k.resourceType + ".test" }

// dataAddr is the address of the data source that dataSourceConfig declares.
func (k accKind) dataAddr() string { return "data." + k.resourceType + ".existing" }

// config is an admin provider block and a resource "test" of this kind with the given attribute lines.
func (k accKind) config(namespace, name string, lines ...string) string {
	return adminProvider(namespace) + k.resource(name, lines...)
}

// customerConfig is config with the customer's provider block (userProvider): namespace must be
// granted to the customer (customerNamespace).
func (k accKind) customerConfig(namespace, name string, lines ...string) string {
	return userProvider(namespace) + k.resource(name, lines...)
}

// resource is a resource "test" of this kind with the given attribute lines.
func (k accKind) resource(name string, lines ...string) string {
	return fmt.Sprintf(`
resource %q "test" {
  name = %q
  %s
}
`, k.resourceType, name, strings.Join(k.withRequired(lines), "\n  "))
}

// withRequired puts the kind's required lines before lines, except those lines set themselves.
func (k accKind) withRequired(lines []string) []string {
	var out []string
	for _, r := range k.required {
		attr, _, _ := strings.Cut(r, " ")
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, attr+" ") }) {
			out = append(out, r)
		}
	}
	return append(out, lines...)
}

// name returns a random claim name for this kind.
func (k accKind) name() string { return randomName(k.namePrefix) }

// test runs steps as one parallel acceptance test case; at its end, destroy must have removed
// every claim it created from the platform.
func (k accKind) test(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             k.claimsGone(t),
	})
}

// claimsGone checks that the claims of this kind's resources in the state no longer exist.
func (k accKind) claimsGone(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		dyn := adminDynamic(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != k.resourceType {
				continue
			}
			ns, name := rs.Primary.Attributes["namespace"], rs.Primary.Attributes["name"]
			_, err := getClaim(context.Background(), dyn, k.api, ns, name)
			if err == nil {
				return fmt.Errorf("%s %s/%s still exists after destroy", k.api.Kind, ns, name)
			}
			if !apierrors.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// stateIs checks one attribute of the resource in state.
func (k accKind) stateIs(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(k.addr(), tfjsonpath.New(attr), check)
}

// connectionIs checks one attribute of connection_details in state.
func (k accKind) connectionIs(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey(attr), check)
}

// expectAction is a pre-apply plan check on the resource's action.
func (k accKind) expectAction(action plancheck.ResourceActionType, more ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), action)}, more...)}
}

// instanceNamespace matches the instance namespace the platform made for the claim name.
func (k accKind) instanceNamespace(name string) string {
	return `vshn-` + k.api.Service + `-` + name + `-[a-z0-9]{5}`
}

// importSteps import the instance config describes twice: with `terraform import`, verifying
// every attribute against the state, and with an import block, which must plan no change at all
// (no diff, no replacement).
func (k accKind) importSteps(ns, name, config string) []resource.TestStep {
	return []resource.TestStep{
		{ResourceName: k.addr(), ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
		{Config: config, ResourceName: k.addr(), ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: ns + "/" + name},
	}
}

// badInput is a configuration the plan must refuse before anything reaches the platform.
type badInput struct {
	name  string // claim name; random when empty
	lines []string
	want  string // regexp of the error
}

// rejectedAtPlanTime checks that each bad input fails the plan with the expected error, and that
// none of them reached the platform: the namespace holds no instance afterwards.
func (k accKind) rejectedAtPlanTime(t *testing.T, bad []badInput) {
	ns := testNamespace(t)
	var steps []resource.TestStep
	for _, b := range bad {
		name := b.name
		if name == "" {
			name = k.name()
		}
		steps = append(steps, resource.TestStep{Config: k.config(ns, name, b.lines...), PlanOnly: true, ExpectError: regexp.MustCompile(b.want)})
	}
	k.test(t, steps...)
	if t.Failed() {
		return
	}
	list, err := adminDynamic(t).Resource(k.api.GVR()).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range list.Items {
		t.Errorf("a rejected plan created %s %s/%s", k.api.Kind, ns, u.GetName())
	}
}

// deletionProtectionRefusesDestroy: a new instance is protected (as on the platform), destroy
// fails naming it and saying how to proceed, the claim is still there, and turning protection
// off is an in-place update.
func (k accKind) deletionProtectionRefusesDestroy(t *testing.T) {
	ns, name := testNamespace(t), k.name()
	k.test(t,
		resource.TestStep{
			Config: k.config(ns, name),
			ConfigStateChecks: []statecheck.StateCheck{
				k.stateIs("deletion_protection", knownvalue.Bool(true)),
				claimConverged(t, k.api, ns, name, specField(true, "parameters", "security", "deletionProtection")),
			},
		},
		resource.TestStep{
			Config:  k.config(ns, name),
			Destroy: true,
			ExpectError: regexp.MustCompile(`(?s)` + k.displayName + ` instance ` + ns + `/` + name +
				`\s+is protected from deletion.*set\s+deletion_protection = false`),
		},
		resource.TestStep{
			PreConfig:        func() { claimExists(t, k.api, ns, name) },
			Config:           k.config(ns, name, "deletion_protection = false"),
			ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				claimConverged(t, k.api, ns, name, specField(false, "parameters", "security", "deletionProtection")),
			},
		},
	)
}

// driftIsRepaired: changes made with kubectl (instances, a label) show as drift and the apply
// puts the configuration back while leaving others' labels alone; a claim deleted outside
// Terraform is created again.
func (k accKind) driftIsRepaired(t *testing.T, driftedInstances int64) {
	ns, name := testNamespace(t), k.name()
	cfg := k.config(ns, name, "deletion_protection = false", `labels = { team = "shop" }`)
	k.test(t,
		resource.TestStep{Config: cfg},
		resource.TestStep{
			PreConfig: func() {
				editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
					_ = unstructured.SetNestedField(u.Object, driftedInstances, "spec", "parameters", "instances")
					u.SetLabels(map[string]string{"team": "ops", "added-by": "kubectl"})
				})
			},
			Config:           cfg,
			ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				k.stateIs("instances", knownvalue.Int64Exact(1)),
				k.stateIs("labels", knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("shop")})),
				claimConverged(t, k.api, ns, name,
					specField(int64(1), "parameters", "instances"),
					labelIs("team", "shop"),
					labelIs("added-by", "kubectl")), // others' labels are left alone
			},
		},
		resource.TestStep{
			PreConfig:         func() { deleteClaimOutsideTerraform(t, k.api, ns, name) },
			Config:            cfg,
			ConfigPlanChecks:  k.expectAction(plancheck.ResourceActionCreate),
			ConfigStateChecks: []statecheck.StateCheck{claimConverged(t, k.api, ns, name)},
		},
	)
}

// dataSourceReadsInstance: the data source finds an instance by name in the provider's default
// namespace and reports what the resource reports, connection details included.
func (k accKind) dataSourceReadsInstance(t *testing.T, instances int64) {
	ns, name := testNamespace(t), k.name()
	cfg := k.config(ns, name, "deletion_protection = false", fmt.Sprintf("instances = %d", instances)) + fmt.Sprintf(`
data %q "existing" {
  name       = %s.name
  depends_on = [%s]
}
`, k.resourceType, k.addr(), k.addr())
	same := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(k.addr(), tfjsonpath.New(attr), k.dataAddr(), tfjsonpath.New(attr), compare.ValuesSame())
	}
	// Every kind's secret has a URL or, where the composition writes none (Keycloak), a host.
	key := "url"
	if k.api.Connection.URL == "" {
		key = "host"
	}
	step := resource.TestStep{
		Config: cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("instances"), knownvalue.Int64Exact(instances)),
			statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
			statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("connection_details").AtMapKey(key), knownvalue.NotNull()),
			same("connection_details"),
		},
	}
	for _, attr := range []string{"instance_namespace", "version"} {
		if k.descriptor(t).has(attr) {
			step.ConfigStateChecks = append(step.ConfigStateChecks, same(attr))
		}
	}
	k.test(t, step)
}

// descriptor is the provider's descriptor of the kind, from the registry.
func (k accKind) descriptor(t *testing.T) kindDescriptor {
	t.Helper()
	for _, ik := range instanceKinds() {
		if "appcat_"+ik.descriptor.typeName == k.resourceType {
			return ik.descriptor
		}
	}
	t.Fatalf("%s is not registered in instanceKinds", k.resourceType)
	return kindDescriptor{}
}
