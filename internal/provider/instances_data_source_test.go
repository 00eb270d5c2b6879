package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// yamlClaims are instances as customers make them today, with kubectl and YAML: names the
// provider would not choose for the connection secret, and parameters set in YAML only.
const yamlClaims = `
apiVersion: vshn.appcat.vshn.io/v1
kind: VSHNPostgreSQL
metadata:
  name: %[1]s-orders
spec:
  parameters:
    size:
      plan: standard-4
    backup:
      schedule: "10 3 * * *"
      retention: 9
    maintenance:
      dayOfWeek: tuesday
      timeOfDay: "02:30:00"
  writeConnectionSecretToRef:
    name: orders-db-credentials
---
apiVersion: vshn.appcat.vshn.io/v1
kind: VSHNRedis
metadata:
  name: %[1]s-cache
spec:
  parameters:
    size:
      plan: standard-1
  writeConnectionSecretToRef:
    name: cache-credentials
---
apiVersion: vshn.appcat.vshn.io/v1
kind: VSHNMariaDB
metadata:
  name: %[1]s-shop
spec:
  parameters:
    service:
      version: "11.4"
  writeConnectionSecretToRef:
    name: shop-credentials
`

// createYAMLClaims creates the claims of yamlClaims in namespace as the admin, as kubectl apply
// would, and returns their names by kind.
func createYAMLClaims(t *testing.T, namespace, prefix string) map[string]string {
	t.Helper()
	dyn := adminDynamic(t)
	names := map[string]string{}
	for _, doc := range strings.Split(fmt.Sprintf(yamlClaims, prefix), "\n---\n") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		u.SetNamespace(namespace)
		k, ok := kindOfClaim(u.GetKind())
		if !ok {
			t.Fatalf("no kind %s", u.GetKind())
		}
		if _, err := dyn.Resource(k.api.GVR()).Namespace(namespace).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
		names[k.typeName] = u.GetName()
	}
	return names
}

// TestAccInstances lists instances made with YAML and made by Terraform, with and without a kind
// filter, and checks each entry against the claims on the platform.
func TestAccInstances(t *testing.T) {
	ns, prefix := testNamespace(t), randomName("yaml")
	names := createYAMLClaims(t, ns, prefix)
	tfName := pgAcc.name()
	config := pgAcc.config(ns, tfName, "deletion_protection = false") + fmt.Sprintf(`
data "appcat_instances" "all" {
  namespace  = %[1]q
  depends_on = [appcat_postgresql.test]
}

data "appcat_instances" "postgresql" {
  namespace  = %[1]q
  kinds      = ["postgresql"]
  depends_on = [appcat_postgresql.test]
}
`, ns)
	entry := func(kind, name string) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"kind":             knownvalue.StringExact(kind),
			"resource_type":    knownvalue.StringExact("appcat_" + kind),
			"resource_address": knownvalue.StringExact("appcat_" + kind + "." + name),
			"name":             knownvalue.StringExact(name),
			"namespace":        knownvalue.StringExact(ns),
			"id":               knownvalue.StringExact(ns + "/" + name),
			"deleting":         knownvalue.Bool(false),
		})
	}
	// Registry order (postgresql, redis, mariadb, …), then name.
	pgNames := []string{names["postgresql"], tfName}
	if tfName < names["postgresql"] {
		pgNames = []string{tfName, names["postgresql"]}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// A kind the provider does not know is refused at plan time, naming the attribute.
			Config:      adminProvider(ns) + `data "appcat_instances" "x" { kinds = ["postgres"] }`,
			ExpectError: regexp.MustCompile(`(?s)Attribute kinds\[Value\("postgres"\)\] value must be one of`),
		}, {
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.appcat_instances.all", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{
					entry("postgresql", pgNames[0]), entry("postgresql", pgNames[1]),
					entry("redis", names["redis"]), entry("mariadb", names["mariadb"]),
				})),
				statecheck.ExpectKnownValue("data.appcat_instances.postgresql", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{
					entry("postgresql", pgNames[0]), entry("postgresql", pgNames[1]),
				})),
				// The instance Terraform waited for is ready, and the entry says so as the claim does.
				statecheck.ExpectKnownValue("data.appcat_instances.postgresql", tfjsonpath.New("instances").AtSliceIndex(indexOf(pgNames, tfName)).AtMapKey("ready"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.appcat_instances.postgresql", tfjsonpath.New("instances").AtSliceIndex(indexOf(pgNames, tfName)).AtMapKey("composition"), knownvalue.StringExact(postgresqlKind{}.descriptor().defaultComposition)),
			},
		}},
	})
}

// kindOfClaim is the provider's kind of a claim's Kubernetes kind.
func kindOfClaim(claimKind string) (kindDescriptor, bool) {
	for _, k := range anyKind.kinds() {
		if k.api.Kind == claimKind {
			return k, true
		}
	}
	return kindDescriptor{}, false
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestAccAdoptYAMLInstances is the adoption path of the guide, through the real binary: list the
// instances made with YAML, write import blocks from the list, let plan -generate-config-out
// write their configuration, apply — and the next plan is empty, and the claims unchanged.
func TestAccAdoptYAMLInstances(t *testing.T) {
	ns, prefix := testNamespace(t), randomName("adopt")
	names := createYAMLClaims(t, ns, prefix)
	dyn := adminDynamic(t)
	for kind, name := range names {
		k, _ := anyKind.lookup(kind)
		eventually(t, 3*time.Minute, k.displayName+" "+name+" ready", func() bool {
			u, err := getClaim(context.Background(), dyn, k.api, ns, name)
			return err == nil && conditionTrue(u, "Ready")
		})
	}
	generations := map[string]int64{}
	for kind, name := range names {
		k, _ := anyKind.lookup(kind)
		u, err := getClaim(context.Background(), dyn, k.api, ns, name)
		if err != nil {
			t.Fatal(err)
		}
		generations[kind] = u.GetGeneration()
	}

	// Step 1: discover, and write the import blocks.
	// The guide's discovery configuration, with the provider set up for the test.
	discovery, err := os.ReadFile("../../examples/adoption/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	discover := newTerraformCLI(t, adminProvider(ns)+string(discovery))
	discover.run("apply", "-auto-approve", "-no-color")
	imports := discover.run("output", "-raw", "import_blocks")
	for kind, name := range names {
		if !strings.Contains(imports, fmt.Sprintf("to = appcat_%s.%s", kind, name)) {
			t.Fatalf("the import blocks lack the %s %s:\n%s", kind, name, imports)
		}
	}

	// Step 2: a configuration with only the provider and the imports; terraform writes the rest.
	adopt := newTerraformCLI(t, adminProvider(ns))
	writeFile(t, filepath.Join(adopt.dir, "imports.tf"), imports)
	adopt.run("plan", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(adopt.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for kind, name := range names {
		if !strings.Contains(string(generated), fmt.Sprintf(`resource "appcat_%s" %q`, kind, name)) {
			t.Fatalf("generated.tf lacks the %s %s:\n%s", kind, name, generated)
		}
	}
	t.Logf("generated.tf:\n%s", generated)
	// What YAML set is now configuration, in the resources that manage it.
	for _, want := range []string{`schedule = "10 3 * * *"`, `day_of_week = "tuesday"`, `plan = "standard-4"`, `connection_secret_name = "orders-db-credentials"`} {
		if !regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(want), " = ", `\s+=\s+`)).Match(generated) {
			t.Errorf("generated.tf lacks %s", want)
		}
	}
	applied := adopt.run("apply", "-auto-approve", "-no-color")
	imported := strings.Count(imports, "import {")
	if !strings.Contains(applied, fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", imported)) {
		t.Fatalf("apply did not just import the %d objects:\n%s", imported, tail([]byte(applied)))
	}
	if out, err := adopt.runErr(nil, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after adoption is not empty (%v):\n%s\ngenerated.tf:\n%s", err, tail([]byte(out)), generated)
	}
	for kind, name := range names {
		k, _ := anyKind.lookup(kind)
		u, err := getClaim(context.Background(), dyn, k.api, ns, name)
		if err != nil {
			t.Fatal(err)
		}
		if u.GetGeneration() != generations[kind] {
			t.Errorf("%s %s: generation %d, was %d before the adoption: its spec was changed", kind, name, u.GetGeneration(), generations[kind])
		}
	}
}

func conditionTrue(u *unstructured.Unstructured, condition string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == condition {
			return m["status"] == "True"
		}
	}
	return false
}

// TestResourceLabel: an instance name that starts with a digit is a valid claim name but not a
// valid resource label.
func TestResourceLabel(t *testing.T) {
	for name, want := range map[string]string{"orders-db": "orders-db", "1st-db": "i_1st-db", "a1": "a1"} {
		if got := resourceLabel(name); got != want {
			t.Errorf("resourceLabel(%q) = %q, want %q", name, got, want)
		}
	}
}
