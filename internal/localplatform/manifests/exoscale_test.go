package manifests_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// The Exoscale DBaaS kinds: not among allKinds, as AppCat runs no webhook for them. Their rules
// are those of their CRDs (component-appcat's XRDs 20_xrd_exoscale_*.yaml).
type exoscaleKind struct {
	claimKind
	// defaults are spec.parameters paths with the XRD's defaults; enums the XRD's enums.
	defaults map[string]any
	enums    map[string][]any
	// absent are spec.parameters blocks the kind does not have.
	absent []string
}

var exoscaleZones = []any{"ch-gva-2", "ch-dk-2", "de-fra-1", "de-muc-1", "at-vie-1", "bg-sof-1"}

var exoscaleDays = []any{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "never"}

// exoscaleDefaults are the defaults every Exoscale kind shares.
func exoscaleDefaults(plan string, more map[string]any) map[string]any {
	d := map[string]any{"service.zone": "ch-gva-2", "size.plan": plan, "maintenance.dayOfWeek": "tuesday", "maintenance.timeOfDay": "22:30:00",
		"network.ipFilter": []any{"0.0.0.0/0"}}
	for k, v := range more {
		d[k] = v
	}
	return d
}

var exoscaleKinds = []exoscaleKind{
	{
		claimKind: claimKind{kind: "ExoscalePostgreSQL", gvr: exoscaleGVR("exoscalepostgresqls"), ownComp: manifests.CompositionExoscalePostgreSQL, otherComp: manifests.CompositionRedis},
		defaults:  exoscaleDefaults("startup-4", map[string]any{"service.majorVersion": "16", "backup.timeOfDay": "21:30:00"}),
		enums:     map[string][]any{"service.majorVersion": {"14", "15", "16"}},
	},
	{
		claimKind: claimKind{kind: "ExoscaleMySQL", gvr: exoscaleGVR("exoscalemysqls"), ownComp: manifests.CompositionExoscaleMySQL, otherComp: manifests.CompositionRedis},
		defaults:  exoscaleDefaults("startup-4", map[string]any{"service.majorVersion": "8", "backup.timeOfDay": "21:30:00"}),
		enums:     map[string][]any{"service.majorVersion": {"8"}},
	},
	{
		claimKind: claimKind{kind: "ExoscaleRedis", gvr: exoscaleGVR("exoscaleredis"), ownComp: manifests.CompositionExoscaleRedis, otherComp: manifests.CompositionRedis},
		defaults:  exoscaleDefaults("startup-4", nil),
		absent:    []string{"backup"},
	},
	{
		claimKind: claimKind{kind: "ExoscaleKafka", gvr: exoscaleGVR("exoscalekafkas"), ownComp: manifests.CompositionExoscaleKafka, otherComp: manifests.CompositionRedis},
		defaults:  exoscaleDefaults("startup-2", map[string]any{"service.version": "3.8"}),
		enums:     map[string][]any{"service.version": {"3.8"}},
		absent:    []string{"backup"},
	},
	{
		claimKind: claimKind{kind: "ExoscaleOpenSearch", gvr: exoscaleGVR("exoscaleopensearches"), ownComp: manifests.CompositionExoscaleOpenSearch, otherComp: manifests.CompositionRedis},
		defaults:  exoscaleDefaults("startup-4", map[string]any{"service.majorVersion": "2", "backup.timeOfDay": "21:30:00"}),
		enums:     map[string][]any{"service.majorVersion": {"1", "2"}},
	},
}

func exoscaleGVR(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: manifests.ExoscaleGroup, Version: manifests.Version, Resource: resource}
}

// TestExoscaleCRDSchemas: the XRDs' fields, defaults and enums; nothing of AppCat's VSHN blocks.
func TestExoscaleCRDSchemas(t *testing.T) {
	crds := decodeAll(t).crds
	for _, k := range exoscaleKinds {
		t.Run(k.kind, func(t *testing.T) {
			for _, c := range crds {
				if c.Spec.Names.Kind != k.kind {
					continue
				}
				if c.Spec.Group != manifests.ExoscaleGroup || c.Spec.Names.Plural != k.gvr.Resource {
					t.Errorf("names: %s %+v", c.Spec.Group, c.Spec.Names)
				}
				root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
				for path, want := range k.defaults {
					wantDefault(t, root, "spec.parameters."+path, want)
				}
				enums := map[string][]any{"service.zone": exoscaleZones, "maintenance.dayOfWeek": exoscaleDays}
				for path, want := range k.enums {
					enums[path] = want
				}
				for path, want := range enums {
					if got := enumValues(t, prop(t, root, "spec.parameters."+path)); !reflect.DeepEqual(got, want) {
						t.Errorf("%s enum %v, want %v", path, got, want)
					}
				}
				params := prop(t, root, "spec.parameters")
				for _, absent := range append([]string{"security", "instances", "scheduling", "monitoring", "restore", "tls"}, k.absent...) {
					if _, ok := params.Properties[absent]; ok {
						t.Errorf("spec.parameters.%s: %s has no such field", absent, k.kind)
					}
				}
				if _, ok := root.Properties["status"].Properties["instanceNamespace"]; ok {
					t.Errorf("status.instanceNamespace: %s has none", k.kind)
				}
				return
			}
			t.Fatalf("no %s CRD", k.kind)
		})
	}
}

// TestExoscaleRules: on the API server, a claim gets the XRD's defaults, takes the values of
// the enums and patterns and no others, keeps its composition, and is deleted without any
// deletion protection (the kinds have none, and AppCat no webhook for them).
func TestExoscaleRules(t *testing.T) {
	e := newEnv(t)
	for _, k := range exoscaleKinds {
		t.Run(k.kind, func(t *testing.T) {
			name := strings.ToLower(k.kind)
			e.mustCreate(k.claimKind, claim(k.claimKind, name, nil))
			u := e.get(k.claimKind, name)
			for path, want := range k.defaults {
				got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
			e.mustPatch(k.claimKind, name, `{"spec":{"parameters":{"maintenance":{"dayOfWeek":"never"},"size":{"plan":"hobbyist-2"}}}}`)
			e.wantInvalid(e.patch(k.claimKind, name, `{"spec":{"parameters":{"service":{"zone":"ch-zrh-1"}}}}`), "Unsupported value", "zone ch-zrh-1")
			e.wantInvalid(e.patch(k.claimKind, name, `{"spec":{"parameters":{"maintenance":{"timeOfDay":"25:00:00"}}}}`), "should match", "time 25:00:00")
			e.mustCreate(k.claimKind, claim(k.claimKind, name+"-comp", nil, composition(k.ownComp)))
			e.wantInvalid(e.patch(k.claimKind, name+"-comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, k.otherComp)),
				"spec.compositionRef is immutable", "change compositionRef")
			for _, n := range []string{name, name + "-comp"} {
				if err := e.dyn.Resource(k.gvr).Namespace(e.ns).Delete(e.ctx, n, metav1.DeleteOptions{}); err != nil {
					t.Errorf("deleting %s: %v", n, err)
				}
			}
		})
	}
}
