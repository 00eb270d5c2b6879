package controller_test

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestNonPositiveSizesFail: a claim with a zero or negative size is admitted, as by AppCat's
// webhooks, and fails as its composition would: Synced and Ready False naming the field, and
// nothing provisioned. Fixing the size provisions it.
func TestNonPositiveSizesFail(t *testing.T) {
	u, a := user(t), admin(t)
	cases := []struct {
		name   string
		k      kindInfo
		params map[string]any
		want   string
	}{
		{"PostgreSQLDisk", postgres, map[string]any{"size": map[string]any{"disk": "-10Gi"}}, `spec.parameters.size.disk: Invalid value: "-10Gi": must be greater than zero`},
		{"PostgreSQLRequest", postgres, map[string]any{"size": map[string]any{"requests": map[string]any{"memory": "0"}}}, `spec.parameters.size.requests.memory: Invalid value: "0"`},
		{"RedisMemory", redis, map[string]any{"size": map[string]any{"memoryLimits": "-1Gi"}}, `spec.parameters.size.memoryLimits`},
		{"GarageMetadataStorage", garage, map[string]any{"service": map[string]any{"metadataStorage": "-5Gi"}}, `spec.parameters.service.metadataStorage: Invalid value: "-5Gi"`},
		{"MariaDBProxySQL", mariadb, map[string]any{"service": map[string]any{"proxySQL": map[string]any{"resources": map[string]any{"requests": map[string]any{"cpu": "-50m"}}}}}, `spec.parameters.service.proxySQL.resources.requests.cpu`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := uniqueName("size")
			createClaim(t, u, c.k, newClaim(c.k, name, name+"-conn", c.params))
			obj, msg := syncedFalse(t, u, c.k, name)
			wantContains(t, "Synced message", msg, "cannot compose the instance", c.want)
			if r := cond(obj, "Ready"); r == nil || r["status"] != "False" || r["reason"] != "ReconcileError" {
				t.Errorf("Ready = %v", r)
			}
			if str(obj, "status", "instanceNamespace") != "" {
				t.Error("an instance with an impossible size got an instance namespace")
			}
			if _, err := a.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name+"-conn", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("an instance with an impossible size got a connection secret (err %v)", err)
			}
		})
	}

	t.Run("FixedSizeProvisions", func(t *testing.T) {
		name := uniqueName("size")
		createClaim(t, u, redis, newClaim(redis, name, "", map[string]any{"size": map[string]any{"disk": "0"}}))
		syncedFalse(t, u, redis, name)
		updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, "16Gi", "size", "disk") })
		waitReady(t, u, redis, userNS(), name)
	})
}
