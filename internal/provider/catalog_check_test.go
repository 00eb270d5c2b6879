package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

func TestPlanOfferedDiagnostics(t *testing.T) {
	d := redisKind{}.descriptor()
	catalog := appcat.Catalog{
		{Name: appcat.CompositionRedis, Plans: map[string]appcat.CatalogPlan{
			"standard-1":  {Size: appcat.CatalogSize{CPU: "250m", Memory: "1Gi", Disk: "16Gi"}},
			"standard-16": {Size: appcat.CatalogSize{CPU: "4", Memory: "16Gi", Disk: "16Gi"}},
		}},
		{Name: appcat.CompositionMariaDB, Plans: map[string]appcat.CatalogPlan{"Plans are currently not available": {}}},
	}
	if diags := planOfferedDiagnostics(d, catalog, appcat.CompositionRedis, "standard-16"); diags.HasError() {
		t.Errorf("an offered plan is refused: %v", diags)
	}
	diags := planOfferedDiagnostics(d, catalog, appcat.CompositionRedis, "standard-8")
	if len(diags) != 1 {
		t.Fatalf("an unoffered plan: %v, want one error", diags)
	}
	withPath, ok := diags[0].(interface{ Path() path.Path })
	if !ok || !withPath.Path().Equal(path.Root("plan")) {
		t.Errorf("error not on plan: %v", diags[0])
	}
	for _, want := range []string{`"standard-8"`, "standard-1 (250m CPU, 1Gi memory, 16Gi disk)", "standard-16 (4 CPU, 16Gi memory, 16Gi disk)"} {
		if !strings.Contains(diags[0].Summary()+diags[0].Detail(), want) {
			t.Errorf("error %q / %q lacks %q", diags[0].Summary(), diags[0].Detail(), want)
		}
	}
	// no entry, or an entry whose plans AppCat could not parse: nothing to check against
	if diags := planOfferedDiagnostics(d, catalog, appcat.CompositionMariaDB, "huge"); diags.HasError() {
		t.Errorf("checked against an unknown plan list: %v", diags)
	}
	if diags := planOfferedDiagnostics(d, catalog, "other", "huge"); diags.HasError() {
		t.Errorf("checked without an entry: %v", diags)
	}
}

func TestServiceLevelOfferedDiagnostics(t *testing.T) {
	d := redisKind{}.descriptor()
	diags := serviceLevelOfferedDiagnostics(d, []string{"besteffort"}, "guaranteed")
	if len(diags) != 1 || !strings.Contains(diags[0].Summary(), `"guaranteed" is not offered`) || !strings.Contains(diags[0].Detail(), "`besteffort`") {
		t.Fatalf("best-effort-only cluster: %v", diags)
	}
	if p, ok := diags[0].(interface{ Path() path.Path }); !ok || !p.Path().Equal(path.Root("service_level")) {
		t.Errorf("error not on service_level: %v", diags[0])
	}
	if diags := serviceLevelOfferedDiagnostics(d, []string{"besteffort", "guaranteed"}, "guaranteed"); diags.HasError() {
		t.Errorf("an offered level is refused: %v", diags)
	}
	if diags := serviceLevelOfferedDiagnostics(d, nil, "guaranteed"); diags.HasError() {
		t.Errorf("refused without a list of levels: %v", diags)
	}
}

// TestCompositionsAgreeWithLocalPlatform: the compositions the provider checks plans against are
// the ones the local platform serves and lists in its catalog.
func TestCompositionsAgreeWithLocalPlatform(t *testing.T) {
	objs, err := manifests.Objects()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{} // the compositions of the local platform's catalog entries
	for _, o := range objs {
		if o.GetKind() == "AppCat" {
			served[o.GetName()] = true
		}
	}
	for _, d := range catalogKinds() {
		if !served[d.defaultComposition] {
			t.Errorf("%s: default composition %q is not one of the local platform's", d.typeName, d.defaultComposition)
		}
	}
	for backend, c := range postgresqlBackends {
		if !served[c] {
			t.Errorf("backend %s: composition %q is not one of the local platform's", backend, c)
		}
	}
}
