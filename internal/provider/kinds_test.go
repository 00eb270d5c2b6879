package provider

import (
	"testing"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// TestKindsAgreeWithAPILayer: the provider's half of the layer agreement (the platform's half is
// the local platform's TestLayersAgree). Every kind of the API layer (appcat.Kinds) is served by
// exactly one provider kind, every provider kind serves one of them with the same group, and no two
// provider kinds share a resource type name. A kind registered in one layer only fails here.
func TestKindsAgreeWithAPILayer(t *testing.T) {
	api := map[string]appcat.Kind{}
	for _, k := range appcat.Kinds {
		api[k.Kind] = k
	}
	served := map[string]string{}  // API kind -> provider type name
	typeNames := map[string]bool{} // provider type names
	for _, ik := range instanceKinds() {
		d := ik.descriptor
		k, ok := api[d.api.Kind]
		switch {
		case !ok:
			t.Errorf("appcat_%s serves %s, which appcat.Kinds does not list", d.typeName, d.api.Kind)
		case k.GroupVersion != d.api.GroupVersion || k.Resource != d.api.Resource:
			t.Errorf("appcat_%s: its %s is %s/%s, appcat.Kinds says %s/%s", d.typeName, d.api.Kind, d.api.GroupVersion, d.api.Resource, k.GroupVersion, k.Resource)
		}
		if other, dup := served[d.api.Kind]; dup {
			t.Errorf("%s is served twice: appcat_%s and appcat_%s", d.api.Kind, other, d.typeName)
		}
		served[d.api.Kind] = d.typeName
		if typeNames[d.typeName] {
			t.Errorf("two provider kinds are named appcat_%s", d.typeName)
		}
		typeNames[d.typeName] = true
	}
	for kind := range api {
		if _, ok := served[kind]; !ok {
			t.Errorf("appcat.Kinds lists %s, but no provider kind serves it (instanceKinds)", kind)
		}
	}
}
