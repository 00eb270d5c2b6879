package manifests_test

import (
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// CodeyInstance lives in its own group; its webhook limits the name to 27 characters and checks
// the provider-config label, on create and update only.
var codey = claimKind{kind: "CodeyInstance", gvr: schema.GroupVersionResource{Group: "codey.io", Version: "v1", Resource: "codeyinstances"},
	maxName: 27, ownComp: manifests.CompositionCodey, otherComp: manifests.CompositionForgejo}

// codeyParams are a Codey claim's parameters with its required adminEmail.
func codeyParams() map[string]any {
	return params("service", obj("adminEmail", "admin@example.com"))
}

// TestCodeyCRDSchema: the installed XRD's fields, defaults and plans, and nothing of what Codey
// does not have.
func TestCodeyCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != codey.kind {
			continue
		}
		if c.Name != "codeyinstances.codey.io" || c.Spec.Names.Plural != "codeyinstances" || c.Spec.Group != "codey.io" {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters":                             map[string]any{},
			"spec.parameters.size":                        map[string]any{},
			"spec.parameters.size.plan":                   "mini",
			"spec.parameters.service.disableRegistration": false,
		} {
			wantDefault(t, root, path, want)
		}
		if got, want := enumValues(t, prop(t, root, "spec.parameters.size.plan")), []any{"mini", "small"}; !reflect.DeepEqual(got, want) {
			t.Errorf("plan enum %v, want %v", got, want)
		}
		if got := prop(t, root, "spec.parameters.service").Required; !reflect.DeepEqual(got, []string{"adminEmail"}) {
			t.Errorf("service requires %v, want [adminEmail]", got)
		}
		if p := prop(t, root, "spec.parameters.service.majorVersion"); p.Default != nil || len(p.Enum) > 0 {
			t.Errorf("majorVersion has a default or an enum: %+v", p)
		}
		for _, absent := range []string{"security", "instances", "scheduling", "backup", "maintenance", "restore", "monitoring"} {
			if _, ok := prop(t, root, "spec.parameters").Properties[absent]; ok {
				t.Errorf("spec.parameters.%s: Codey has no such field", absent)
			}
		}
		for _, absent := range []string{"serviceLevel", "fqdn"} {
			if _, ok := prop(t, root, "spec.parameters.service").Properties[absent]; ok {
				t.Errorf("spec.parameters.service.%s: Codey has no such field", absent)
			}
		}
		prop(t, root, "status.instanceNamespace")
		return
	}
	t.Fatal("no CodeyInstance CRD")
}

// TestCodeyRules: on the API server, a Codey claim gets its defaults and the webhook's rules:
// adminEmail is required, the plan is mini or small, the name has at most 27 characters, the
// provider-config label must name a known ProviderConfig, the composition is immutable; and
// nothing refuses its deletion.
func TestCodeyRules(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(codey, claim(codey, "defaults", codeyParams()))
	u := e.get(codey, "defaults")
	for path, want := range map[string]any{"size.plan": "mini", "service.disableRegistration": false} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}

	e.wantInvalid(e.create(codey, claim(codey, "no-email", params("service", obj("majorVersion", "14.0.0")))), "adminEmail", "no adminEmail")
	e.wantInvalid(e.create(codey, claim(codey, "big", params("service", obj("adminEmail", "a@b.ch"), "size", obj("plan", "medium")))),
		"Unsupported value", "plan medium")
	e.wantInvalid(e.create(codey, claim(codey, strings.Repeat("c", 28), codeyParams())), "at most 27 characters", "28 characters")
	e.mustCreate(codey, claim(codey, strings.Repeat("c", 27), codeyParams()))
	labelled := claim(codey, "labelled", codeyParams())
	labelled.SetLabels(map[string]string{"appcat.vshn.io/provider-config": "nowhere"})
	e.wantInvalid(e.create(codey, labelled), `kubernetes ProviderConfig "nowhere" not found`, "unknown provider config")
	e.wantInvalid(e.patch(codey, "defaults", `{"spec":{"compositionRef":{"name":"`+codey.otherComp+`"}}}`), "spec.compositionRef is immutable", "change compositionRef")
	e.mustPatch(codey, "defaults", `{"spec":{"parameters":{"size":{"plan":"small"},"service":{"majorVersion":"14.0.1","disableRegistration":true}}}}`)

	if err := e.dyn.Resource(codey.gvr).Namespace(e.ns).Delete(e.ctx, "defaults", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting a Codey instance: %v", err)
	}
}
