package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestImportAdoptsCustomerLabels: on import, labels the platform or tools set are not adopted,
// but appcat.vshn.io/provider-config is the customer's own (it selects the cluster in a split
// AppCat setup): an import that dropped it would plan to remove it.
func TestImportAdoptsCustomerLabels(t *testing.T) {
	live := map[string]string{
		"team":                               "shop",
		"appcat.vshn.io/provider-config":     "cluster-b",
		"appcat.vshn.io/claim-name":          "db",
		"crossplane.io/composite":            "db-abcde",
		"kubectl.kubernetes.io/last-applied": "{}",
	}
	got := flattenOwnedMap(live, types.MapNull(types.StringType), true)
	want := map[string]string{"team": "shop", "appcat.vshn.io/provider-config": "cluster-b"}
	elems := got.Elements()
	if len(elems) != len(want) {
		t.Fatalf("adopted %v, want %v", elems, want)
	}
	for k, v := range want {
		if s, ok := elems[k].(types.String); !ok || s.ValueString() != v {
			t.Errorf("adopted %s = %v, want %q", k, elems[k], v)
		}
	}
}
