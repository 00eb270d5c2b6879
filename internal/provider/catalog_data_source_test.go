package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// TestAccCatalog: the data source lists the platform's offering — every composition with its
// kind, details and plans with their sizes — to a customer, and filters by kind. Entries are
// looked up by name, so the test holds whatever kinds the platform offers; the list itself must
// be the platform's catalog, sorted by name, and each kind's default composition must name it.
func TestAccCatalog(t *testing.T) {
	ns := testNamespace(t)
	entries, err := adminDynamic(t).Resource(appcat.CatalogGVR).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []knownvalue.Check
	for _, e := range entries.Items { // the API lists by name
		names = append(names, knownvalue.StringExact(e.GetName()))
	}
	service := func(composition string) tfjsonpath.Path { return tfjsonpath.New(composition) }
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("names", knownvalue.ListExact(names)),
		statecheck.ExpectKnownOutputValueAtPath("services", service(appcat.CompositionPostgreSQLCNPG), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"composition": knownvalue.StringExact(appcat.CompositionPostgreSQLCNPG),
			"kind":        knownvalue.StringExact("postgresql"),
			"details":     knownvalue.MapPartial(map[string]knownvalue.Check{"displayname": knownvalue.StringExact("PostgreSQL by VSHN")}),
			"plans": knownvalue.ListPartial(map[int]knownvalue.Check{
				0: knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("plus-2"), "note": knownvalue.StringExact("Will be scheduled on APPUiO Cloud plus nodes"),
					"cpu": knownvalue.StringExact("400m"), "memory": knownvalue.StringExact("1936Mi"), "disk": knownvalue.StringExact("20Gi"),
				}),
				3: knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("standard-4"), "note": knownvalue.Null(),
					"cpu": knownvalue.StringExact("900m"), "memory": knownvalue.StringExact("3984Mi"), "disk": knownvalue.StringExact("40Gi"),
				}),
			}),
		})),
		statecheck.ExpectKnownOutputValueAtPath("services", service(appcat.CompositionPostgreSQLStackGres).AtMapKey("kind"), knownvalue.StringExact("postgresql")),
		statecheck.ExpectKnownValue("data.appcat_catalog.redis", tfjsonpath.New("services"), knownvalue.ListSizeExact(1)),
		statecheck.ExpectKnownValue("data.appcat_catalog.redis", tfjsonpath.New("services").AtSliceIndex(0).AtMapKey("composition"), knownvalue.StringExact(appcat.CompositionRedis)),
	}
	for _, k := range anyKind.kinds() {
		checks = append(checks, statecheck.ExpectKnownOutputValueAtPath("services", service(k.defaultComposition), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"composition": knownvalue.StringExact(k.defaultComposition),
			"kind":        knownvalue.StringExact(k.typeName),
			"details":     knownvalue.MapPartial(map[string]knownvalue.Check{"displayname": knownvalue.NotNull()}),
		})))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: userProvider(ns) + `
data "appcat_catalog" "all" {}

data "appcat_catalog" "redis" {
  kind = "redis"
}

output "names" {
  value = [for s in data.appcat_catalog.all.services : s.name]
}

output "services" {
  value = { for s in data.appcat_catalog.all.services : s.name => s }
}
`,
			ConfigStateChecks: checks,
		}},
	})
}

// setCatalogPlans replaces the plans of one catalog entry on the platform, as another installation
// would offer them, and restores the entry when the test ends. Tests that call it must not run in
// parallel: every test of the package shares the platform's catalog.
func setCatalogPlans(t *testing.T, composition string, plans map[string]any) {
	t.Helper()
	ri := adminDynamic(t).Resource(appcat.CatalogGVR)
	ctx := context.Background()
	orig, err := ri.Get(ctx, composition, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading catalog entry %s: %v", composition, err)
	}
	changed := orig.DeepCopy()
	if err := unstructured.SetNestedField(changed.Object, plans, "plans"); err != nil {
		t.Fatal(err)
	}
	if _, err := ri.Update(ctx, changed, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("changing catalog entry %s: %v", composition, err)
	}
	t.Cleanup(func() {
		cur, err := ri.Get(ctx, composition, metav1.GetOptions{})
		if err == nil {
			orig.SetResourceVersion(cur.GetResourceVersion())
			_, err = ri.Update(ctx, orig, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Errorf("restoring catalog entry %s: %v", composition, err)
		}
	})
}

func sizedPlan(cpu, memory, disk string) map[string]any {
	return map[string]any{"size": map[string]any{"cpu": cpu, "memory": memory, "disk": disk}}
}

// TestAccCatalogOffering: the plan is checked against what this cluster offers, not a list in the
// provider. On a cluster that offers standard-16 for Redis (which the provider never listed), it
// plans; a plan the cluster does not offer is refused at plan time on the plan attribute with the
// offered plans in the message, and nothing reaches the platform. Not parallel: it changes the
// shared catalog.
func TestAccCatalogOffering(t *testing.T) {
	setCatalogPlans(t, appcat.CompositionRedis, map[string]any{
		"standard-1":  sizedPlan("250m", "1Gi", "16Gi"),
		"standard-16": sizedPlan("4", "16Gi", "16Gi"),
	})
	k := redisAcc
	ns, name := testNamespace(t), k.name()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             k.config(ns, name, `plan = "standard-16"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// offered by the provider's old list and the CRD, but not by this cluster's catalog
				Config:      k.config(ns, name, `plan = "standard-4"`),
				ExpectError: spaced(`Plan "standard-4" is not offered on this cluster.*plan = "standard-4".*standard-1 \(250m CPU, 1Gi memory, 16Gi disk\), standard-16 \(4 CPU, 16Gi memory, 16Gi disk\)`),
			},
		},
	})
	list, err := adminDynamic(t).Resource(k.api.GVR()).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 {
		t.Errorf("a refused plan left %d claims in %s", len(list.Items), ns)
	}
}

func TestKindOfComposition(t *testing.T) {
	for composition, want := range map[string]string{
		appcat.CompositionPostgreSQLCNPG: "postgresql", appcat.CompositionPostgreSQLStackGres: "postgresql",
		appcat.CompositionRedis: "redis", appcat.CompositionMariaDB: "mariadb", appcat.CompositionExoscalePostgreSQL: "exoscale_postgresql",
		appcat.CompositionExoscaleKafka: "exoscale_kafka", appcat.CompositionExoscaleOpenSearch: "exoscale_opensearch", "exoscale.objectbuckets.appcat.vshn.io": "",
	} {
		if got, _ := kindOfComposition(composition); got != want {
			t.Errorf("kindOfComposition(%s) = %q, want %q", composition, got, want)
		}
	}
}
