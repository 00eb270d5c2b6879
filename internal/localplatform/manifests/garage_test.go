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

// VSHNGarage is not one of allKinds: AppCat runs no webhook for it, so none of the webhook's
// rules (name length, sizes, guaranteed needs HA, deletion protection) apply. Its own rules are
// those of its CRD (vshn/appcat crds/vshn.appcat.vshn.io_vshngarages.yaml).
var garage = claimKind{kind: "VSHNGarage", gvr: gvr("vshngarages"), ownComp: manifests.CompositionGarage, otherComp: manifests.CompositionRedis}

// TestGarageCRDSchema: the fields, defaults and enums of the upstream CRD, with the installed
// XRD's plans; and nothing of what Garage does not have.
func TestGarageCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != garage.kind {
			continue
		}
		if c.Name != "vshngarages.vshn.appcat.vshn.io" || c.Spec.Names.Plural != "vshngarages" || c.Spec.Group != manifests.Group {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters":                             map[string]any{},
			"spec.parameters.service":                     map[string]any{},
			"spec.parameters.size":                        map[string]any{},
			"spec.parameters.security":                    map[string]any{},
			"spec.parameters.service.version":             "2",
			"spec.parameters.service.metadataStorage":     "5Gi",
			"spec.parameters.service.serviceLevel":        "besteffort",
			"spec.parameters.security.allowAllNamespaces": true, // unlike the other kinds
			"spec.parameters.security.deletionProtection": true,
			"spec.parameters.size.plan":                   "standard-2",
			"spec.parameters.instances":                   float64(1),
		} {
			wantDefault(t, root, path, want)
		}
		for path, want := range map[string][]any{
			"spec.parameters.service.version":      {"2"},
			"spec.parameters.service.serviceLevel": {"besteffort", "guaranteed"},
			"spec.parameters.size.plan":            {"standard-2", "standard-4", "standard-8"},
		} {
			if got := enumValues(t, prop(t, root, path)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s enum %v, want %v", path, got, want)
			}
		}
		for _, p := range []string{"size.cpu", "size.memory", "size.disk", "size.requests.cpu", "size.requests.memory",
			"scheduling.nodeSelector", "monitoring.alertmanagerConfigTemplate", "additionalResources.configMapRef"} {
			prop(t, root, "spec.parameters."+p)
		}
		params := prop(t, root, "spec.parameters")
		for _, absent := range []string{"backup", "maintenance", "restore", "tls", "network", "storageClass"} {
			if _, ok := params.Properties[absent]; ok {
				t.Errorf("spec.parameters.%s: VSHNGarage has no such field", absent)
			}
		}
		st := root.Properties["status"]
		for _, absent := range []string{"currentVersion", "currentReleaseTag", "mariadbVersion", "initialMaintenance"} {
			if _, ok := st.Properties[absent]; ok {
				t.Errorf("status.%s: VSHNGarage reports no version", absent)
			}
		}
		prop(t, root, "status.instanceNamespace")
		prop(t, root, "status.schedules.maintenance.dayOfWeek")
		var rules []string
		for _, r := range root.Properties["spec"].XValidations {
			rules = append(rules, r.Message)
		}
		if len(rules) == 0 || rules[0] != "Scaling after creation is not supported" {
			t.Errorf("spec rules %v: the first must be upstream's instances rule", rules)
		}
		if len(c.Spec.Versions[0].Schema.OpenAPIV3Schema.XValidations) != 0 {
			t.Error("a rule on metadata.name: AppCat has no name limit for VSHNGarage")
		}
		return
	}
	t.Fatal("no VSHNGarage CRD")
}

// TestGarageRules: on the API server, a Garage claim gets its defaults, cannot be scaled after
// creation, and is deleted although deletionProtection is true, as on AppCat without a webhook.
func TestGarageRules(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(garage, claim(garage, "defaults", nil))
	u := e.get(garage, "defaults")
	for path, want := range map[string]any{
		"instances": int64(1), "service.version": "2", "service.metadataStorage": "5Gi", "size.plan": "standard-2",
		"security.allowAllNamespaces": true, "security.deletionProtection": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}

	e.mustCreate(garage, claim(garage, "three", params("instances", int64(3))))
	e.wantInvalid(e.patch(garage, "three", `{"spec":{"parameters":{"instances":1}}}`), "Scaling after creation is not supported", "instances 3 -> 1")
	e.mustPatch(garage, "three", `{"spec":{"parameters":{"size":{"disk":"100Gi"}}}}`) // other changes are fine
	e.wantInvalid(e.patch(garage, "three", `{"spec":{"parameters":{"service":{"version":"1"}}}}`), "Unsupported value", "version 1")
	e.wantInvalid(e.create(garage, claim(garage, "big", params("size", obj("plan", "standard-16")))), "Unsupported value", "plan standard-16")
	e.mustCreate(garage, claim(garage, "comp", nil, composition(garage.ownComp)))
	e.wantInvalid(e.patch(garage, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, garage.otherComp)),
		"spec.compositionRef is immutable", "change compositionRef")

	// No deletion protection on the platform: the protected claims go.
	for _, name := range []string{"defaults", "three", "comp"} {
		if err := e.dyn.Resource(garage.gvr).Namespace(e.ns).Delete(e.ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("deleting %s, protected but without a webhook: %v", name, err)
		}
	}
}
