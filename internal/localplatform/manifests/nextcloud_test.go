package manifests_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// VSHNNextcloud is not one of allKinds: its claims need service.fqdn and cannot have more than
// one instance, so the shared rule tests do not fit it; its own rules are tested here.
var nextcloud = claimKind{kind: "VSHNNextcloud", gvr: gvr("vshnnextclouds"), maxName: 27,
	ownComp: manifests.CompositionNextcloud, otherComp: manifests.CompositionRedis}

// nextcloudParams are the smallest valid parameters (service.fqdn is required), plus kv.
func nextcloudParams(kv ...any) map[string]any {
	p := params(kv...)
	svc, _ := p["service"].(map[string]any)
	if svc == nil {
		svc = map[string]any{}
	}
	if _, ok := svc["fqdn"]; !ok {
		svc["fqdn"] = []any{"cloud.example.com"}
	}
	p["service"] = svc
	return p
}

// TestNextcloudCRDSchema: the fields, defaults and enums of the upstream CRD, with the installed
// XRD's plans.
func TestNextcloudCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != nextcloud.kind {
			continue
		}
		if c.Name != "vshnnextclouds.vshn.appcat.vshn.io" || c.Spec.Names.Plural != "vshnnextclouds" || c.Spec.Group != manifests.Group {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters.service.version":                                   "31",
			"spec.parameters.service.relativePath":                              "/",
			"spec.parameters.service.serviceLevel":                              "besteffort",
			"spec.parameters.service.useExternalPostgreSQL":                     true,
			"spec.parameters.service.collabora.enabled":                         false,
			"spec.parameters.service.postgreSQLParameters.service.majorVersion": "15",
			"spec.parameters.service.postgreSQLParameters.instances":            float64(1),
			"spec.parameters.security.allowAllNamespaces":                       false,
			"spec.parameters.security.deletionProtection":                       true,
			"spec.parameters.backup.enabled":                                    true,
			"spec.parameters.backup.skipMaintenance":                            false,
			"spec.parameters.backup.retention.keepDaily":                        float64(6),
			"spec.parameters.size.plan":                                         "standard-2",
			"spec.parameters.instances":                                         float64(1),
		} {
			wantDefault(t, root, path, want)
		}
		if got := enumValues(t, prop(t, root, "spec.parameters.size.plan")); !reflect.DeepEqual(got, []any{"standard-2", "standard-4", "standard-8"}) {
			t.Errorf("plans %v", got)
		}
		for _, p := range []string{"service.fqdn", "service.collabora.fqdn", "service.collabora.version", "service.existingPGConnectionSecret",
			"maintenance.pinImageTag", "restore.claimName", "restore.backupName", "backup.unmanagedBucket", "monitoring.alertmanagerConfigTemplate",
			"additionalResources.configMapRef", "scheduling.nodeSelector"} {
			prop(t, root, "spec.parameters."+p)
		}
		for _, p := range []string{"currentReleaseTag", "instanceNamespace", "schedules.backup", "schedules.maintenance.dayOfWeek", "initialMaintenance.completedAt"} {
			prop(t, root, "status."+p)
		}
		return
	}
	t.Fatal("no VSHNNextcloud CRD")
}

// TestNextcloudRules: AppCat's webhook rules for Nextcloud, enforced by the API server.
func TestNextcloudRules(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("n", nextcloud.maxName+1)
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, long, nextcloudParams())), "metadata.name is too long", "a name of 28 characters")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "nofqdn", params("service", obj("version", "31")))), "fqdn", "no fqdn")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "emptyfqdn", params("service", obj("fqdn", []any{})))), "fqdn", "empty fqdn")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "badfqdn", params("service", obj("fqdn", []any{"not a host"})))),
		"should match", "fqdn with spaces")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "collab", nextcloudParams("service", obj("collabora", obj("enabled", true))))),
		"Collabora FQDN is required when Collabora is enabled", "collabora without fqdn")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "ver", nextcloudParams("service", obj("version", "31.0.4")))), "should match", "patch version")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "two", nextcloudParams("instances", int64(2)))), "instances", "2 instances")
	e.wantInvalid(e.create(nextcloud, claim(nextcloud, "ga", nextcloudParams("service", obj("serviceLevel", "guaranteed")))),
		"must have more than 1 replicas", "guaranteed with one instance")

	names := []string{long[:nextcloud.maxName], "defaults", "disk", "comp"}
	e.mustCreate(nextcloud, claim(nextcloud, names[0], nextcloudParams()))
	e.mustCreate(nextcloud, claim(nextcloud, "defaults", nextcloudParams("service", obj("collabora", obj("enabled", true, "fqdn", "office.example.com")))))
	u := e.get(nextcloud, "defaults")
	for path, want := range map[string]any{
		"instances": int64(1), "service.version": "31", "service.relativePath": "/", "service.useExternalPostgreSQL": true,
		"service.postgreSQLParameters.service.majorVersion": "15", "size.plan": "standard-2", "security.deletionProtection": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	e.mustCreate(nextcloud, claim(nextcloud, "disk", nextcloudParams("size", obj("disk", "20Gi"))))
	e.wantInvalid(e.patch(nextcloud, "disk", `{"spec":{"parameters":{"size":{"disk":"10Gi"}}}}`), "disk downsizing is not allowed for VSHNNextcloud", "disk 20Gi -> 10Gi")
	e.mustPatch(nextcloud, "disk", `{"spec":{"parameters":{"size":{"disk":"40Gi"}}}}`)
	e.mustCreate(nextcloud, claim(nextcloud, "comp", nextcloudParams(), composition(nextcloud.ownComp)))
	e.wantInvalid(e.patch(nextcloud, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, nextcloud.otherComp)),
		"spec.compositionRef is immutable", "change compositionRef")

	// Deletion protection, as AppCat's webhook enforces it for Nextcloud.
	res := e.dyn.Resource(nextcloud.gvr).Namespace(e.ns)
	for _, name := range names {
		if err := res.Delete(e.ctx, name, metav1.DeleteOptions{}); err == nil || !strings.Contains(err.Error(), manifests.DeletionProtectionMessage) {
			t.Errorf("deleting protected %s: %v, want the deletion protection message", name, err)
		}
		e.mustPatch(nextcloud, name, `{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
		if err := res.Delete(e.ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("deleting %s without protection: %v", name, err)
		}
	}
}
