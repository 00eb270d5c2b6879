package manifests_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// VSHNKeycloak has AppCat's webhook, with the limit for services with a nested instance (27)
// and the default handler's guaranteed rule (more than one instance); its own rules are tested
// here rather than in allKinds, whose guaranteed check expects another message.
var keycloak = claimKind{kind: "VSHNKeycloak", gvr: gvr("vshnkeycloaks"), maxName: 27, ownComp: manifests.CompositionKeycloak,
	otherComp: manifests.CompositionRedis, guaranteed: 2}

// TestKeycloakCRDSchema: the upstream CRD's fields, defaults and enums with the installed XRD's
// plans, its nested PostgreSQL parameters, and the name rule.
func TestKeycloakCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != keycloak.kind {
			continue
		}
		if c.Name != "vshnkeycloaks.vshn.appcat.vshn.io" || c.Spec.Names.Plural != "vshnkeycloaks" || c.Spec.Group != manifests.Group {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters.service.version":                                          "26",
			"spec.parameters.service.relativePath":                                     "/",
			"spec.parameters.service.serviceLevel":                                     "besteffort",
			"spec.parameters.service.adminConsole.private":                             false,
			"spec.parameters.service.postgreSQLParameters":                             map[string]any{},
			"spec.parameters.service.postgreSQLParameters.instances":                   float64(1),
			"spec.parameters.service.postgreSQLParameters.service.majorVersion":        "15",
			"spec.parameters.security.allowAllNamespaces":                              false,
			"spec.parameters.security.deletionProtection":                              true,
			"spec.parameters.size.plan":                                                "standard-2",
			"spec.parameters.instances":                                                float64(1),
			"spec.parameters.tls.enabled":                                              true,
			"spec.parameters.tls.authClients":                                          true,
			"spec.parameters.backup.enabled":                                           true,
			"spec.parameters.backup.retention.keepDaily":                               float64(6),
			"spec.parameters.maintenance.disableAppcatRelease":                         false,
			"spec.parameters.service.postgreSQLParameters.service.tls.enabled":         true,
			"spec.parameters.service.postgreSQLParameters.security.deletionProtection": true,
		} {
			wantDefault(t, root, path, want)
		}
		for path, want := range map[string][]any{
			"spec.parameters.service.version":      {"25", "26"},
			"spec.parameters.service.serviceLevel": {"besteffort", "guaranteed"},
			"spec.parameters.size.plan":            {"standard-2", "standard-4", "standard-8"},
		} {
			if got := enumValues(t, prop(t, root, path)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s enum %v, want %v", path, got, want)
			}
		}
		for _, p := range []string{"service.fqdn", "service.adminConsole.fqdn", "service.customizationImage.image",
			"service.customizationImage.imagePullSecretRef.name", "service.customConfigurationRef", "service.customEnvVariablesRef",
			"restore.claimName", "restore.backupName", "maintenance.dayOfWeek", "backup.schedule", "additionalResources.configMapRef"} {
			prop(t, root, "spec.parameters."+p)
		}
		for _, p := range []string{"status.currentReleaseTag", "status.instanceNamespace", "status.schedules.maintenance.dayOfWeek"} {
			prop(t, root, p)
		}
		if r := root.XValidations; len(r) != 1 || r[0].Rule != "size(self.metadata.name) <= 27" {
			t.Errorf("name rule %+v, want AppCat's 27 characters", r)
		}
		return
	}
	t.Fatal("no VSHNKeycloak CRD")
}

// TestKeycloakRules: on the API server, a Keycloak claim gets its defaults and the webhook's
// rules: name length, sizes and disk that only grows, guaranteed needs more than one instance,
// custom files need the customization image and a destination outside Keycloak's own folders,
// the composition is fixed, and deletion protection holds.
func TestKeycloakRules(t *testing.T) {
	e := newEnv(t)
	k := keycloak
	e.unprotectAtCleanup(k)

	e.mustCreate(k, claim(k, "defaults", nil))
	u := e.get(k, "defaults")
	for path, want := range map[string]any{
		"instances": int64(1), "service.version": "26", "service.relativePath": "/", "size.plan": "standard-2",
		"service.postgreSQLParameters.instances": int64(1), "service.postgreSQLParameters.service.majorVersion": "15",
		"security.deletionProtection": true, "tls.enabled": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	e.wantDeleteRefused(k, "defaults")

	long := strings.Repeat("k", k.maxName+1)
	e.wantInvalid(e.create(k, claim(k, long, nil)), "metadata.name is too long", "a name of 28 characters")
	e.mustCreate(k, claim(k, long[:k.maxName], nil))

	e.wantInvalid(e.create(k, claim(k, "ga1", params("service", obj("serviceLevel", "guaranteed")))),
		"must have more than 1 replicas", "guaranteed with one instance")
	e.mustCreate(k, claim(k, "ga", params("service", obj("serviceLevel", "guaranteed"), "instances", int64(2))))
	e.wantInvalid(e.patch(k, "ga", `{"spec":{"parameters":{"instances":1}}}`), "must have more than 1 replicas", "guaranteed scaled to 1")
	e.mustPatch(k, "ga", `{"spec":{"parameters":{"instances":0}}}`) // suspended is allowed

	e.wantInvalid(e.create(k, claim(k, "bad-disk", params("size", obj("disk", "twenty")))), "not a valid disk size", "disk twenty")
	e.mustCreate(k, claim(k, "disk", params("size", obj("disk", "20Gi"))))
	e.wantInvalid(e.patch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"10Gi"}}}}`), "disk downsizing is not allowed for VSHNKeycloak", "disk 20Gi -> 10Gi")
	e.wantInvalid(e.create(k, claim(k, "big", params("size", obj("plan", "standard-16")))), "Unsupported value", "plan standard-16")
	e.wantInvalid(e.create(k, claim(k, "v24", params("service", obj("version", "24")))), "Unsupported value", "version 24")

	files := func(dest string) map[string]any {
		return params("service", obj("customizationImage", obj("image", "registry.example.com/theme:1"),
			"customFiles", []any{obj("source", "/theme/x", "destination", dest)}))
	}
	e.mustCreate(k, claim(k, "files", files("data/import")))
	e.wantInvalid(e.create(k, claim(k, "files-root", files("/themes/x"))), "Destination cannot be a keycloak root folder", "destination in themes")
	e.wantInvalid(e.create(k, claim(k, "files-up", files("data/../../etc"))), "May not perform path traversal", "destination with ..")
	e.wantInvalid(e.create(k, claim(k, "files-noimg", params("service", obj("customFiles", []any{obj("source", "/a", "destination", "data/a")})))),
		"custom files have been defined, but no customization image", "custom files without image")

	e.mustCreate(k, claim(k, "comp", nil, composition(k.ownComp)))
	e.wantInvalid(e.patch(k, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, k.otherComp)),
		"spec.compositionRef is immutable", "change compositionRef")
}

// unprotectAtCleanup lifts the deletion protection of the test's claims of a kind outside
// allKinds before env.cleanup deletes the namespace, so that it can go.
func (e *env) unprotectAtCleanup(k claimKind) {
	e.t.Cleanup(func() {
		list, err := e.dyn.Resource(k.gvr).Namespace(e.ns).List(e.ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		for _, item := range list.Items {
			_, _ = e.dyn.Resource(k.gvr).Namespace(e.ns).Patch(e.ctx, item.GetName(), types.MergePatchType,
				[]byte(`{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`), metav1.PatchOptions{})
		}
	})
}
