package appcat

import "testing"

// TestObjectBucketGroup: a kind outside vshn.appcat.vshn.io names its own group in its
// resource and apiVersion; the kinds that name none keep the claims' group.
func TestObjectBucketGroup(t *testing.T) {
	if got := ObjectBucket.GVR().String(); got != "appcat.vshn.io/v1, Resource=objectbuckets" {
		t.Errorf("ObjectBucket GVR = %s", got)
	}
	if got := ObjectBucket.APIVersion(); got != "appcat.vshn.io/v1" {
		t.Errorf("ObjectBucket apiVersion = %s", got)
	}
	for _, k := range Kinds {
		if k.GroupVersion.Empty() && k.APIVersion() != "vshn.appcat.vshn.io/v1" {
			t.Errorf("%s apiVersion = %s", k.Kind, k.APIVersion())
		}
	}
}
