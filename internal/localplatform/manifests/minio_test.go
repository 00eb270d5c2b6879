package manifests_test

import (
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// VSHNMinio is not one of allKinds: it has no service level, so the guaranteed rule does not
// apply; its webhook rules (name length, sizes, deletion protection) are tested here.
var minio = claimKind{kind: "VSHNMinio", gvr: gvr("vshnminios"), maxName: 37, ownComp: manifests.CompositionMinIO, otherComp: manifests.CompositionRedis}

// TestMinIOCRDSchema: the fields, defaults and enums of the upstream CRD, with the installed
// XRD's plans; and nothing of what MinIO does not have.
func TestMinIOCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != minio.kind {
			continue
		}
		if c.Name != "vshnminios.vshn.appcat.vshn.io" || c.Spec.Names.Plural != "vshnminios" || c.Spec.Group != manifests.Group {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters":                             map[string]any{},
			"spec.parameters.service":                     map[string]any{},
			"spec.parameters.size":                        map[string]any{},
			"spec.parameters.security":                    map[string]any{},
			"spec.parameters.service.mode":                "distributed",
			"spec.parameters.security.allowAllNamespaces": true,
			"spec.parameters.security.deletionProtection": true,
			"spec.parameters.size.plan":                   "standard-1",
			"spec.parameters.instances":                   float64(4),
		} {
			wantDefault(t, root, path, want)
		}
		for path, want := range map[string][]any{
			"spec.parameters.service.mode": {"distributed", "standalone"},
			"spec.parameters.size.plan":    {"standard-1"},
		} {
			if got := enumValues(t, prop(t, root, path)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s enum %v, want %v", path, got, want)
			}
		}
		if m := prop(t, root, "spec.parameters.instances").Minimum; m == nil || *m != 4 {
			t.Errorf("instances minimum %v, want 4", m)
		}
		for _, p := range []string{"size.cpu", "size.memory", "size.disk", "size.requests.cpu", "size.requests.memory", "storageClass",
			"maintenance.dayOfWeek", "maintenance.timeOfDay", "backup.schedule", "restore.backupName", "monitoring.alertmanagerConfigTemplate"} {
			prop(t, root, "spec.parameters."+p)
		}
		params := prop(t, root, "spec.parameters")
		for _, absent := range []string{"scheduling", "additionalResources", "tls", "network"} {
			if _, ok := params.Properties[absent]; ok {
				t.Errorf("spec.parameters.%s: VSHNMinio has no such field", absent)
			}
		}
		for _, absent := range []string{"version", "serviceLevel"} {
			if _, ok := prop(t, root, "spec.parameters.service").Properties[absent]; ok {
				t.Errorf("spec.parameters.service.%s: VSHNMinio has no such field", absent)
			}
		}
		return
	}
	t.Fatal("no VSHNMinio CRD")
}

// TestMinIORules: on the API server, a MinIO claim gets its defaults and the webhook's rules:
// the name limit, valid sizes, a disk that only grows, at least 4 instances, an immutable
// composition and deletion protection.
func TestMinIORules(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(minio, claim(minio, "defaults", nil))
	u := e.get(minio, "defaults")
	for path, want := range map[string]any{
		"instances": int64(4), "service.mode": "distributed", "size.plan": "standard-1",
		"security.allowAllNamespaces": true, "security.deletionProtection": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	long := strings.Repeat("n", minio.maxName+1)
	e.wantInvalid(e.create(minio, claim(minio, long, nil)), "metadata.name is too long", "a name of 38 characters")
	e.mustCreate(minio, claim(minio, long[:minio.maxName], nil))
	e.wantInvalid(e.create(minio, claim(minio, "three", params("instances", int64(3)))), "should be greater than or equal to 4", "instances 3")
	e.wantInvalid(e.create(minio, claim(minio, "mode", params("service", obj("mode", "gateway")))), "Unsupported value", "mode gateway")
	e.wantInvalid(e.create(minio, claim(minio, "big", params("size", obj("plan", "standard-2")))), "Unsupported value", "plan standard-2")

	e.mustCreate(minio, claim(minio, "disk", params("size", obj("disk", "20Gi"), "service", obj("mode", "standalone"))))
	e.wantInvalid(e.patch(minio, "disk", `{"spec":{"parameters":{"size":{"disk":"10Gi"}}}}`), "disk downsizing is not allowed", "disk 20Gi -> 10Gi")
	e.mustPatch(minio, "disk", `{"spec":{"parameters":{"size":{"disk":"40Gi"}, "instances": 8}}}`) // growing and scaling are fine
	e.wantInvalid(e.patch(minio, "disk", `{"spec":{"compositionRef":{"name":"`+minio.otherComp+`"}}}`), "spec.compositionRef is immutable", "change compositionRef")

	e.wantDeleteRefused(minio, "defaults")
	e.mustPatch(minio, "defaults", `{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
	if err := e.dyn.Resource(minio.gvr).Namespace(e.ns).Delete(e.ctx, "defaults", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting unprotected: %v", err)
	}
}
