package appcat

import (
	"reflect"
	"testing"
)

// An excerpt of the OpenAPI v3 document a cluster publishes for the claim group: a best-effort-only
// Redis schema, a PostgreSQL schema that offers both levels, a kind without service levels.
const claimGroupOpenAPI = `{"components":{"schemas":{
 "io.vshn.appcat.vshn.v1.VSHNRedis":{"type":"object","x-kubernetes-group-version-kind":[{"group":"vshn.appcat.vshn.io","kind":"VSHNRedis","version":"v1"}],
  "properties":{"spec":{"properties":{"parameters":{"properties":{"service":{"properties":{"serviceLevel":{"type":"string","enum":["besteffort"]}}}}}}}}},
 "io.vshn.appcat.vshn.v1.VSHNPostgreSQL":{"type":"object","x-kubernetes-group-version-kind":[{"group":"vshn.appcat.vshn.io","kind":"VSHNPostgreSQL","version":"v1"}],
  "properties":{"spec":{"properties":{"parameters":{"properties":{"service":{"properties":{"serviceLevel":{"type":"string","enum":["guaranteed","besteffort"]}}}}}}}}},
 "io.vshn.appcat.vshn.v1.VSHNMinio":{"type":"object","x-kubernetes-group-version-kind":[{"group":"vshn.appcat.vshn.io","kind":"VSHNMinio","version":"v1"}],
  "properties":{"spec":{"properties":{"parameters":{"properties":{"service":{"properties":{}}}}}}}},
 "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta":{"type":"object"}
}}}`

func TestServiceLevelsFromOpenAPI(t *testing.T) {
	got, err := serviceLevelsFromOpenAPI([]byte(claimGroupOpenAPI))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"VSHNRedis": {"besteffort"}, "VSHNPostgreSQL": {"besteffort", "guaranteed"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("service levels %v, want %v", got, want)
	}
}
