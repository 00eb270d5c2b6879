package manifests_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// ObjectBucket lives in AppCat's own group; its webhook checks neither the name's length nor
// the provider-config label.
var objectBucket = claimKind{kind: "ObjectBucket", gvr: schema.GroupVersionResource{Group: "appcat.vshn.io", Version: "v1", Resource: "objectbuckets"},
	maxName: 253, ownComp: manifests.CompositionObjectBucketMinIO, otherComp: manifests.CompositionMinIO}

// TestObjectBucketCRDSchema: the fields and defaults of the installed XRD, and nothing of what a
// bucket does not have (no size, service, backup, instance namespace).
func TestObjectBucketCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != objectBucket.kind {
			continue
		}
		if c.Name != "objectbuckets.appcat.vshn.io" || c.Spec.Names.Plural != "objectbuckets" || c.Spec.Group != "appcat.vshn.io" {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters.security":                    map[string]any{},
			"spec.parameters.region":                      "lpg",
			"spec.parameters.bucketDeletionPolicy":        "DeleteAll",
			"spec.parameters.security.allowAllNamespaces": false,
			"spec.parameters.security.deletionProtection": true,
		} {
			wantDefault(t, root, path, want)
		}
		prop(t, root, "spec.parameters.bucketName")
		prop(t, root, "status.bucketName")
		for _, absent := range []string{"size", "service", "backup", "restore", "maintenance", "monitoring", "instances"} {
			if _, ok := prop(t, root, "spec.parameters").Properties[absent]; ok {
				t.Errorf("spec.parameters.%s: ObjectBucket has no such field", absent)
			}
		}
		if _, ok := prop(t, root, "status").Properties["instanceNamespace"]; ok {
			t.Error("status.instanceNamespace: ObjectBucket has none")
		}
		return
	}
	t.Fatal("no ObjectBucket CRD")
}

// TestObjectBucketRules: on the API server, a bucket gets its defaults and the webhook's rules:
// bucketName cannot change, the composition is immutable, a protected bucket cannot be deleted;
// long names and a provider-config label pass.
func TestObjectBucketRules(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(objectBucket, claim(objectBucket, "defaults", map[string]any{}))
	u := e.get(objectBucket, "defaults")
	for path, want := range map[string]any{
		"region": "lpg", "bucketDeletionPolicy": "DeleteAll", "security.deletionProtection": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	long := claim(objectBucket, strings.Repeat("n", 63), params("bucketName", "long-one"))
	long.SetLabels(map[string]string{"appcat.vshn.io/provider-config": "nowhere"})
	e.mustCreate(objectBucket, long)

	e.mustCreate(objectBucket, claim(objectBucket, "named", params("bucketName", "my-bucket")))
	e.wantInvalid(e.patch(objectBucket, "named", `{"spec":{"parameters":{"bucketName":"other"}}}`), "bucketName cannot be changed", "bucketName my-bucket -> other")
	e.wantInvalid(e.patch(objectBucket, "named", `{"spec":{"parameters":{"bucketName":null}}}`), "bucketName cannot be changed", "bucketName removed")
	e.wantInvalid(e.patch(objectBucket, "defaults", `{"spec":{"parameters":{"bucketName":"late"}}}`), "bucketName cannot be changed", "bucketName set later")
	e.mustPatch(objectBucket, "named", `{"spec":{"parameters":{"region":"rma"}}}`)
	e.wantInvalid(e.patch(objectBucket, "named", `{"spec":{"compositionRef":{"name":"`+objectBucket.otherComp+`"}}}`), "spec.compositionRef is immutable", "change compositionRef")

	e.wantDeleteRefused(objectBucket, "defaults")
	e.mustPatch(objectBucket, "defaults", `{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
	if err := e.dyn.Resource(objectBucket.gvr).Namespace(e.ns).Delete(e.ctx, "defaults", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting unprotected: %v", err)
	}
}
