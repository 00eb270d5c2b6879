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
// kind, details and plans with their sizes — to a customer, and filters by kind.
func TestAccCatalog(t *testing.T) {
	ns := testNamespace(t)
	plan := func(service, plan int) tfjsonpath.Path {
		return tfjsonpath.New("services").AtSliceIndex(service).AtMapKey("plans").AtSliceIndex(plan)
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
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// sorted by name: minio.objectbuckets, garage, mariadb, minio, postgres (StackGres), postgrescnpg, redis
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services"), knownvalue.ListSizeExact(7)),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services").AtSliceIndex(5), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":        knownvalue.StringExact(appcat.CompositionPostgreSQLCNPG),
					"composition": knownvalue.StringExact(appcat.CompositionPostgreSQLCNPG),
					"kind":        knownvalue.StringExact("postgresql"),
					"details":     knownvalue.MapPartial(map[string]knownvalue.Check{"displayname": knownvalue.StringExact("PostgreSQL by VSHN")}),
					"plans":       knownvalue.ListSizeExact(4),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", plan(5, 0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("plus-2"), "note": knownvalue.StringExact("Will be scheduled on APPUiO Cloud plus nodes"),
					"cpu": knownvalue.StringExact("400m"), "memory": knownvalue.StringExact("1936Mi"), "disk": knownvalue.StringExact("20Gi"),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", plan(5, 3), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("standard-4"), "note": knownvalue.Null(),
					"cpu": knownvalue.StringExact("900m"), "memory": knownvalue.StringExact("3984Mi"), "disk": knownvalue.StringExact("40Gi"),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services").AtSliceIndex(2).AtMapKey("kind"), knownvalue.StringExact("mariadb")),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services").AtSliceIndex(3), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"composition": knownvalue.StringExact(appcat.CompositionMinIO),
					"kind":        knownvalue.StringExact("minio"),
					"details":     knownvalue.MapPartial(map[string]knownvalue.Check{"displayname": knownvalue.StringExact("Minio by VSHN")}),
					"plans":       knownvalue.ListSizeExact(1),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"composition": knownvalue.StringExact(appcat.CompositionGarage),
					"kind":        knownvalue.StringExact("garage"),
					"details":     knownvalue.MapPartial(map[string]knownvalue.Check{"displayname": knownvalue.StringExact("Garage by VSHN")}),
					"plans":       knownvalue.ListSizeExact(3),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.all", tfjsonpath.New("services").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"composition": knownvalue.StringExact(appcat.CompositionObjectBucketMinIO),
					"kind":        knownvalue.StringExact("object_bucket"),
				})),
				statecheck.ExpectKnownValue("data.appcat_catalog.redis", tfjsonpath.New("services"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.appcat_catalog.redis", tfjsonpath.New("services").AtSliceIndex(0).AtMapKey("composition"), knownvalue.StringExact(appcat.CompositionRedis)),
			},
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
		appcat.CompositionRedis: "redis", appcat.CompositionMariaDB: "mariadb", "exoscalepostgres.exoscale.appcat.vshn.io": "",
	} {
		if got, _ := kindOfComposition(composition); got != want {
			t.Errorf("kindOfComposition(%s) = %q, want %q", composition, got, want)
		}
	}
}
