package controller_test

import (
	"maps"
	"regexp"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

var minio = kindInfo{Kind: "VSHNMinio", Service: "minio", DefaultComposition: "vshnminio.vshn.appcat.vshn.io",
	GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnminios"}}

// TestMinIO: a MinIO claim is provisioned as AppCat's MinIO composition does it — the
// connection secret holds MINIO_URL (http://<cluster IP>:9000) and the root credentials as
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no CA; the status reports no version, and the
// instance namespace gets the ServiceMonitor named after the composite.
func TestMinIO(t *testing.T) {
	u := user(t)
	name := uniqueName("minio")
	createClaim(t, u, minio, newClaim(minio, name, name+"-conn", map[string]any{"service": map[string]any{"mode": "standalone"}}))
	obj := waitReady(t, u, minio, userNS(), name)
	ns := checkProvisioned(t, minio, obj)
	checkInstanceNamespace(t, minio, obj, ns)

	status := obj.Object["status"].(map[string]any)
	for _, f := range []string{"currentVersion", "currentReleaseTag", "mariadbVersion"} {
		if v, ok := status[f]; ok {
			t.Errorf("status.%s = %v: AppCat writes no such field for MinIO", f, v)
		}
	}

	s := getSecret(t, u, userNS(), name+"-conn")
	if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MINIO_URL"}) {
		t.Errorf("secret keys = %v, want AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and MINIO_URL", keys)
	}
	if url := string(s.Data["MINIO_URL"]); !regexp.MustCompile(`^http://10\.\d+\.\d+\.\d+:9000$`).MatchString(url) {
		t.Errorf("MINIO_URL = %q, want http://<cluster IP>:9000", url)
	}
	if len(s.Data["AWS_ACCESS_KEY_ID"]) == 0 || len(s.Data["AWS_SECRET_ACCESS_KEY"]) == 0 {
		t.Error("empty credentials")
	}
}
