package controller_test

import (
	"maps"
	"slices"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

var objectBucket = kindInfo{Kind: "ObjectBucket", Service: "objectbucket", DefaultComposition: "minio.objectbuckets.appcat.vshn.io",
	GVR: schema.GroupVersionResource{Group: "appcat.vshn.io", Version: "v1", Resource: "objectbuckets"}, NoInstanceNamespace: true}

// TestObjectBucket: a bucket is provisioned as AppCat's bucket functions do it — no instance
// namespace, status.bucketName the effective name (the composite's when unset), the connection
// secret with the six keys of the XRD; the platform's memory is kept in appcat-system and goes
// with the claim.
func TestObjectBucket(t *testing.T) {
	u := user(t)
	name := uniqueName("bucket")
	createClaim(t, u, objectBucket, newClaim(objectBucket, name, name+"-conn", nil))
	obj := waitReady(t, u, objectBucket, userNS(), name)
	checkProvisioned(t, objectBucket, obj)
	composite := str(obj, "spec", "resourceRef", "name")
	if got := str(obj, "status", "bucketName"); got != composite {
		t.Errorf("status.bucketName = %q, want the composite's name %q", got, composite)
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	want := []string{"AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "BUCKET_NAME", "ENDPOINT", "ENDPOINT_URL"}
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, want) {
		t.Errorf("secret keys = %v, want %v", keys, want)
	}
	if got := string(s.Data["BUCKET_NAME"]); got != composite {
		t.Errorf("BUCKET_NAME = %q, want %q", got, composite)
	}
	if got := string(s.Data["AWS_REGION"]); got != "lpg" {
		t.Errorf("AWS_REGION = %q, want the default lpg", got)
	}
	if mem := memoryOf(t, obj); mem.Object[memory.KeyData] == nil {
		t.Errorf("no memory of the bucket: %v", mem.Object)
	}

	named := uniqueName("named")
	createClaim(t, u, objectBucket, newClaim(objectBucket, named, named+"-conn", map[string]any{"bucketName": "my-" + named, "region": "rma"}))
	nobj := waitReady(t, u, objectBucket, userNS(), named)
	if got := str(nobj, "status", "bucketName"); got != "my-"+named {
		t.Errorf("status.bucketName = %q, want my-%s", got, named)
	}
	ns := getSecret(t, u, userNS(), named+"-conn")
	if string(ns.Data["BUCKET_NAME"]) != "my-"+named || string(ns.Data["AWS_REGION"]) != "rma" {
		t.Errorf("secret BUCKET_NAME %q, AWS_REGION %q", ns.Data["BUCKET_NAME"], ns.Data["AWS_REGION"])
	}

	deleteClaimAndWait(t, objectBucket, userNS(), name)
	mns, mname := memory.SystemKey(obj.GetUID())
	if _, err := admin(t).kube.CoreV1().ConfigMaps(mns).Get(ctxFor(t), mname, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("memory %s/%s after the claim is gone: %v", mns, mname, err)
	}
}
