package manifests_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	sigsjson "sigs.k8s.io/json"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// strictDecode converts an object into its typed struct and fails on any field the type does not
// know (a typo in the YAML) or on a duplicated field.
func strictDecode(t *testing.T, obj *unstructured.Unstructured, into interface{}) {
	t.Helper()
	data, err := json.Marshal(obj.Object)
	if err != nil {
		t.Fatalf("%s %s: marshal: %v", obj.GetKind(), obj.GetName(), err)
	}
	strictErrs, err := sigsjson.UnmarshalStrict(data, into)
	if err != nil {
		t.Fatalf("%s %s: decode: %v", obj.GetKind(), obj.GetName(), err)
	}
	if len(strictErrs) > 0 {
		t.Fatalf("%s %s: unknown or duplicate fields: %v", obj.GetKind(), obj.GetName(), strictErrs)
	}
}

type typedObjects struct {
	namespaces []*corev1.Namespace
	crds       []*apiextensionsv1.CustomResourceDefinition
	policies   []*admissionregistrationv1.ValidatingAdmissionPolicy
	bindings   []*admissionregistrationv1.ValidatingAdmissionPolicyBinding
	roles      []*rbacv1.ClusterRole
	rbindings  []*rbacv1.ClusterRoleBinding
	catalog    []*unstructured.Unstructured
}

func decodeAll(t *testing.T) typedObjects {
	t.Helper()
	objs, err := manifests.Objects()
	if err != nil {
		t.Fatalf("Objects: %v", err)
	}
	var out typedObjects
	for _, obj := range objs {
		switch gvk := obj.GroupVersionKind(); gvk.GroupKind().String() {
		case "Namespace":
			var ns corev1.Namespace
			strictDecode(t, obj, &ns)
			out.namespaces = append(out.namespaces, &ns)
		case "CustomResourceDefinition.apiextensions.k8s.io":
			if gvk.Version != "v1" {
				t.Fatalf("CRD %s: version %s, want v1", obj.GetName(), gvk.Version)
			}
			var crd apiextensionsv1.CustomResourceDefinition
			strictDecode(t, obj, &crd)
			out.crds = append(out.crds, &crd)
		case "ValidatingAdmissionPolicy.admissionregistration.k8s.io":
			if gvk.Version != "v1" {
				t.Fatalf("policy %s: version %s, want v1", obj.GetName(), gvk.Version)
			}
			var p admissionregistrationv1.ValidatingAdmissionPolicy
			strictDecode(t, obj, &p)
			out.policies = append(out.policies, &p)
		case "ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io":
			if gvk.Version != "v1" {
				t.Fatalf("binding %s: version %s, want v1", obj.GetName(), gvk.Version)
			}
			var b admissionregistrationv1.ValidatingAdmissionPolicyBinding
			strictDecode(t, obj, &b)
			out.bindings = append(out.bindings, &b)
		case "ClusterRole.rbac.authorization.k8s.io":
			if gvk.Version != "v1" {
				t.Fatalf("ClusterRole %s: version %s, want v1", obj.GetName(), gvk.Version)
			}
			var r rbacv1.ClusterRole
			strictDecode(t, obj, &r)
			out.roles = append(out.roles, &r)
		case "ClusterRoleBinding.rbac.authorization.k8s.io":
			var b rbacv1.ClusterRoleBinding
			strictDecode(t, obj, &b)
			out.rbindings = append(out.rbindings, &b)
		case "AppCat.api.appcat.vshn.io":
			out.catalog = append(out.catalog, obj)
		default:
			t.Fatalf("unexpected object %s %s", gvk, obj.GetName())
		}
	}
	return out
}

func TestInstallOrder(t *testing.T) {
	objs, err := manifests.Objects()
	if err != nil {
		t.Fatalf("Objects: %v", err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.GetKind()+"/"+o.GetName())
	}
	want := []string{
		"Namespace/appcat-system",
		"CustomResourceDefinition/vshnpostgresqls.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnredis.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnmariadbs.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshngarages.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnminios.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnnextclouds.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnkeycloaks.vshn.appcat.vshn.io",
		"CustomResourceDefinition/vshnforgejoes.vshn.appcat.vshn.io",
		"CustomResourceDefinition/exoscalepostgresqls.exoscale.appcat.vshn.io",
		"CustomResourceDefinition/exoscalemysqls.exoscale.appcat.vshn.io",
		"CustomResourceDefinition/exoscaleredis.exoscale.appcat.vshn.io",
		"CustomResourceDefinition/exoscalekafkas.exoscale.appcat.vshn.io",
		"CustomResourceDefinition/exoscaleopensearches.exoscale.appcat.vshn.io",
		"CustomResourceDefinition/objectbuckets.appcat.vshn.io",
		"CustomResourceDefinition/codeyinstances.codey.io",
		"CustomResourceDefinition/vshnpostgresbackups.api.appcat.vshn.io",
		"CustomResourceDefinition/vshnredisbackups.api.appcat.vshn.io",
		"CustomResourceDefinition/vshnmariadbbackups.api.appcat.vshn.io",
		"CustomResourceDefinition/vshnnextcloudbackups.api.appcat.vshn.io",
		"CustomResourceDefinition/vshnkeycloakbackups.api.appcat.vshn.io",
		"CustomResourceDefinition/servicemonitors.monitoring.coreos.com",
		"CustomResourceDefinition/podmonitors.monitoring.coreos.com",
		"CustomResourceDefinition/alertmanagerconfigs.monitoring.coreos.com",
		"CustomResourceDefinition/appcats.api.appcat.vshn.io",
		"ValidatingAdmissionPolicy/appcat-deletion-protection",
		"ValidatingAdmissionPolicyBinding/appcat-deletion-protection",
		"ValidatingAdmissionPolicy/appcat-provider-config",
		"ValidatingAdmissionPolicyBinding/appcat-provider-config",
		"ClusterRole/appcat:customer",
		"ClusterRole/appcat:services:read",
		"ClusterRole/appcat:catalog-reader",
		"ClusterRoleBinding/appcat:catalog-reader",
		"AppCat/vshnpostgrescnpg.vshn.appcat.vshn.io",
		"AppCat/vshnpostgres.vshn.appcat.vshn.io",
		"AppCat/vshnredis.vshn.appcat.vshn.io",
		"AppCat/vshnmariadb.vshn.appcat.vshn.io",
		"AppCat/vshngarage.vshn.appcat.vshn.io",
		"AppCat/vshnminio.vshn.appcat.vshn.io",
		"AppCat/vshnnextcloud.vshn.appcat.vshn.io",
		"AppCat/vshnkeycloak.vshn.appcat.vshn.io",
		"AppCat/vshnforgejo.vshn.appcat.vshn.io",
		"AppCat/exoscalepostgres.exoscale.appcat.vshn.io",
		"AppCat/exoscalemysql.exoscale.appcat.vshn.io",
		"AppCat/exoscaleredis.exoscale.appcat.vshn.io",
		"AppCat/exoscalekafka.exoscale.appcat.vshn.io",
		"AppCat/exoscaleopensearch.exoscale.appcat.vshn.io",
		"AppCat/minio.objectbuckets.appcat.vshn.io",
		"AppCat/codey.io",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("install order\n got: %v\nwant: %v", got, want)
	}
	// no binding of a role anywhere: the roles are bound per namespace by the platform. The one
	// exception is the catalog, which every user may read (as on AppCat, through basic-user).
	for _, o := range objs {
		if strings.HasSuffix(o.GetKind(), "Binding") && o.GetAPIVersion() == "rbac.authorization.k8s.io/v1" && o.GetName() != "appcat:catalog-reader" {
			t.Errorf("%s %s: the manifests must not bind roles", o.GetKind(), o.GetName())
		}
	}
	// every call returns fresh copies
	objs[0].SetName("changed")
	again, err := manifests.Objects()
	if err != nil {
		t.Fatal(err)
	}
	if again[0].GetName() != "appcat-system" {
		t.Errorf("Objects returned shared state")
	}
}

// TestClaimResources: the claim kinds the platform reports on are those of its kind table whose
// CRDs it installs, in every API group it serves claims in.
func TestClaimResources(t *testing.T) {
	var got []string
	for _, gvr := range manifests.MustClaimResources(controller.IsClaimKind) {
		if gvr.Version != manifests.Version {
			t.Errorf("%v: not a claim resource", gvr)
		}
		got = append(got, gvr.GroupResource().String())
	}
	slices.Sort(got)
	if want := []string{
		"codeyinstances.codey.io",
		"exoscalekafkas.exoscale.appcat.vshn.io", "exoscalemysqls.exoscale.appcat.vshn.io", "exoscaleopensearches.exoscale.appcat.vshn.io",
		"exoscalepostgresqls.exoscale.appcat.vshn.io", "exoscaleredis.exoscale.appcat.vshn.io",
		"objectbuckets.appcat.vshn.io",
		"vshnforgejoes.vshn.appcat.vshn.io", "vshngarages.vshn.appcat.vshn.io", "vshnkeycloaks.vshn.appcat.vshn.io", "vshnmariadbs.vshn.appcat.vshn.io",
		"vshnminios.vshn.appcat.vshn.io", "vshnnextclouds.vshn.appcat.vshn.io", "vshnpostgresqls.vshn.appcat.vshn.io", "vshnredis.vshn.appcat.vshn.io",
	}; !slices.Equal(got, want) {
		t.Errorf("claim resources %v, want %v", got, want)
	}
}

func TestDecodeIntoTypedObjects(t *testing.T) {
	objs := decodeAll(t)
	if len(objs.namespaces) != 1 || len(objs.crds) != 24 || len(objs.policies) != 2 || len(objs.bindings) != 2 || len(objs.roles) != 3 ||
		len(objs.rbindings) != 1 || len(objs.catalog) != 16 {
		t.Fatalf("unexpected object counts: %d namespaces, %d CRDs, %d policies, %d bindings, %d roles, %d role bindings, %d catalog entries",
			len(objs.namespaces), len(objs.crds), len(objs.policies), len(objs.bindings), len(objs.roles), len(objs.rbindings), len(objs.catalog))
	}
}

// TestCRDsAreValid runs the API server's own CRD validation: structural schema, defaults that
// validate against their schema, CEL rules that compile and stay within the cost budget.
func TestCRDsAreValid(t *testing.T) {
	for _, crd := range decodeAll(t).crds {
		t.Run(crd.Name, func(t *testing.T) {
			var internal apiextensions.CustomResourceDefinition
			if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(crd, &internal, nil); err != nil {
				t.Fatalf("convert: %v", err)
			}
			// a CRD carries its conversion strategy after defaulting by the API server
			if internal.Spec.Conversion == nil {
				internal.Spec.Conversion = &apiextensions.CustomResourceConversion{Strategy: apiextensions.NoneConverter}
			}
			internal.Status.StoredVersions = nil
			for _, v := range crd.Spec.Versions {
				if v.Storage {
					internal.Status.StoredVersions = append(internal.Status.StoredVersions, v.Name)
				}
			}
			if errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), &internal); len(errs) > 0 {
				for _, e := range errs {
					t.Errorf("%v", e)
				}
			}
		})
	}
}

type kindExpectation struct {
	crdName, kind, plural string
	versionField          string // under spec.parameters.service
	defaultVersion        string
	versions              []string
	instancesDefault      int64
	instancesEnum         []int64 // nil: minimum/maximum instead
	plansDefault          string
}

var kinds = []kindExpectation{
	{"vshnpostgresqls.vshn.appcat.vshn.io", "VSHNPostgreSQL", "vshnpostgresqls", "majorVersion", "15",
		[]string{"12", "13", "14", "15", "16", "17", "18"}, 1, nil, "standard-2"},
	{"vshnredis.vshn.appcat.vshn.io", "VSHNRedis", "vshnredis", "version", "7.2",
		[]string{"7.0", "7.2", "8.0"}, 1, []int64{0, 1, 3}, "standard-1"},
	{"vshnmariadbs.vshn.appcat.vshn.io", "VSHNMariaDB", "vshnmariadbs", "version", "11.8",
		[]string{"10.4", "10.5", "10.6", "10.9", "10.10", "10.11", "11.0", "11.1", "11.2", "11.3", "11.4", "11.5", "11.8"}, 1, []int64{0, 1, 3}, "standard-1"},
}

// prop walks a dotted path of properties ("[]" descends into array items).
func prop(t *testing.T, s *apiextensionsv1.JSONSchemaProps, path string) *apiextensionsv1.JSONSchemaProps {
	t.Helper()
	cur := s
	for _, part := range strings.Split(path, ".") {
		items := strings.HasSuffix(part, "[]")
		part = strings.TrimSuffix(part, "[]")
		next, ok := cur.Properties[part]
		if !ok {
			t.Fatalf("schema has no %s (at %q)", path, part)
		}
		cur = &next
		if items {
			if cur.Items == nil || cur.Items.Schema == nil {
				t.Fatalf("schema %s: %s has no items", path, part)
			}
			cur = cur.Items.Schema
		}
	}
	return cur
}

func jsonValue(t *testing.T, j *apiextensionsv1.JSON) interface{} {
	t.Helper()
	if j == nil {
		return nil
	}
	var v interface{}
	if err := json.Unmarshal(j.Raw, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", j.Raw, err)
	}
	return v
}

func wantDefault(t *testing.T, root *apiextensionsv1.JSONSchemaProps, path string, want interface{}) {
	t.Helper()
	got := jsonValue(t, prop(t, root, path).Default)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: default %#v, want %#v", path, got, want)
	}
}

func enumValues(t *testing.T, s *apiextensionsv1.JSONSchemaProps) []interface{} {
	var out []interface{}
	for i := range s.Enum {
		out = append(out, jsonValue(t, &s.Enum[i]))
	}
	return out
}

func TestCRDSchemas(t *testing.T) {
	crds := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, c := range decodeAll(t).crds {
		crds[c.Name] = c
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			crd := crds[k.crdName]
			if crd == nil {
				t.Fatalf("CRD %s missing", k.crdName)
			}
			if crd.Spec.Group != "vshn.appcat.vshn.io" || crd.Spec.Scope != apiextensionsv1.NamespaceScoped ||
				crd.Spec.Names.Kind != k.kind || crd.Spec.Names.Plural != k.plural {
				t.Errorf("names/group/scope: %+v %s %s", crd.Spec.Names, crd.Spec.Group, crd.Spec.Scope)
			}
			if !reflect.DeepEqual(crd.Spec.Names.Categories, []string{"appcat"}) {
				t.Errorf("categories %v", crd.Spec.Names.Categories)
			}
			if len(crd.Spec.Versions) != 1 {
				t.Fatalf("versions: %d", len(crd.Spec.Versions))
			}
			v := crd.Spec.Versions[0]
			if v.Name != "v1" || !v.Served || !v.Storage || v.Subresources == nil || v.Subresources.Status == nil {
				t.Errorf("version v1 must be served, storage and have the status subresource")
			}
			var cols []string
			for _, c := range v.AdditionalPrinterColumns {
				cols = append(cols, c.Name)
			}
			if !reflect.DeepEqual(cols, []string{"Ready", "Synced", "Version", "Age"}) {
				t.Errorf("printer columns %v", cols)
			}

			root := v.Schema.OpenAPIV3Schema
			svc := "spec.parameters.service."
			wantDefault(t, root, "spec.parameters", map[string]interface{}{})
			for _, obj := range []string{"spec.parameters.service", "spec.parameters.size", "spec.parameters.backup", "spec.parameters.security"} {
				wantDefault(t, root, obj, map[string]interface{}{})
			}
			wantDefault(t, root, svc+k.versionField, k.defaultVersion)
			var wantVersions []interface{}
			for _, s := range k.versions {
				wantVersions = append(wantVersions, s)
			}
			if got := enumValues(t, prop(t, root, svc+k.versionField)); !reflect.DeepEqual(got, wantVersions) {
				t.Errorf("%s enum %v, want %v", k.versionField, got, wantVersions)
			}
			wantDefault(t, root, svc+"serviceLevel", "besteffort")
			wantDefault(t, root, "spec.parameters.security.deletionProtection", true)
			wantDefault(t, root, "spec.parameters.security.allowAllNamespaces", false)
			wantDefault(t, root, "spec.parameters.backup.enabled", true)
			wantDefault(t, root, "spec.parameters.size.plan", k.plansDefault)
			wantDefault(t, root, "spec.parameters.instances", float64(k.instancesDefault))
			inst := prop(t, root, "spec.parameters.instances")
			if k.instancesEnum != nil {
				var want []interface{}
				for _, i := range k.instancesEnum {
					want = append(want, float64(i))
				}
				if got := enumValues(t, inst); !reflect.DeepEqual(got, want) {
					t.Errorf("instances enum %v, want %v", got, want)
				}
			} else if inst.Minimum == nil || *inst.Minimum != 0 || inst.Maximum == nil || *inst.Maximum != 3 {
				t.Errorf("instances must be 0..3")
			}
			if k.kind == "VSHNPostgreSQL" {
				wantDefault(t, root, "spec.parameters.backup.retention", float64(6))
				if r := prop(t, root, "spec.parameters.backup.retention"); !r.XIntOrString || r.Type != "" {
					t.Errorf("backup.retention must be int-or-string")
				}
				wantDefault(t, root, svc+"repackEnabled", true)
				wantDefault(t, root, svc+"vacuumEnabled", false)
				wantDefault(t, root, svc+"tls.enabled", true)
				wantDefault(t, root, "spec.parameters.maintenance", map[string]interface{}{})
				wantDefault(t, root, "spec.parameters.network.ipFilter", []interface{}{"0.0.0.0/0"})
				if a := prop(t, root, svc+"access"); a.XListType == nil || *a.XListType != "atomic" {
					t.Errorf("service.access must be an atomic list")
				}
				for _, p := range []string{svc + "pgSettings", svc + "pgBouncerSettings"} {
					if s := prop(t, root, p); s.Type != "object" || s.XPreserveUnknownFields == nil || !*s.XPreserveUnknownFields {
						t.Errorf("%s must be a free-form object", p)
					}
				}
			} else {
				wantDefault(t, root, "spec.parameters.backup.retention.keepDaily", float64(6))
				wantDefault(t, root, "spec.parameters.tls.enabled", true)
			}
			if k.kind == "VSHNMariaDB" {
				if a := prop(t, root, svc+"access"); a.XListType == nil || *a.XListType != "atomic" {
					t.Errorf("service.access must be an atomic list")
				}
			}
			if ns := prop(t, root, "spec.parameters.scheduling.nodeSelector"); ns.AdditionalProperties == nil ||
				ns.AdditionalProperties.Schema == nil || ns.AdditionalProperties.Schema.Type != "string" {
				t.Errorf("nodeSelector must be a map of strings")
			}
			if s := prop(t, root, "spec.parameters.monitoring.alertmanagerConfigTemplate"); s.XPreserveUnknownFields == nil || !*s.XPreserveUnknownFields {
				t.Errorf("alertmanagerConfigTemplate must be free-form")
			}

			// Crossplane claim envelope
			for _, p := range []string{"spec.writeConnectionSecretToRef.name", "spec.compositionRef.name",
				"spec.resourceRef.apiVersion", "spec.resourceRef.kind", "spec.resourceRef.name"} {
				if s := prop(t, root, p); s.Type != "string" {
					t.Errorf("%s: type %q", p, s.Type)
				}
			}
			if got := enumValues(t, prop(t, root, "spec.compositeDeletePolicy")); !reflect.DeepEqual(got, []interface{}{"Background", "Foreground"}) {
				t.Errorf("compositeDeletePolicy enum %v", got)
			}
			// status
			// the fields in which each kind reports its version, as upstream (apis/vshn/v1/dbaas_vshn_*.go)
			versionStatus := map[string][]string{
				"VSHNPostgreSQL": {"status.currentVersion", "status.previousVersion"},
				"VSHNRedis":      {"status.currentReleaseTag"},
				"VSHNMariaDB":    {"status.mariadbVersion"},
			}[k.kind]
			if len(versionStatus) == 0 {
				t.Fatalf("no version status fields listed for %s", k.kind)
			}
			for _, p := range versionStatus {
				if s := prop(t, root, p); s.Type != "string" {
					t.Errorf("%s: type %q", p, s.Type)
				}
			}
			for _, p := range []string{"status.instanceNamespace",
				"status.schedules.backup", "status.schedules.maintenance.dayOfWeek", "status.initialMaintenance.completedAt",
				"status.conditions[].type", "status.conditions[].status", "status.conditions[].reason",
				"status.conditions[].message", "status.conditions[].lastTransitionTime"} {
				if s := prop(t, root, p); s.Type != "string" {
					t.Errorf("%s: type %q", p, s.Type)
				}
			}
			if s := prop(t, root, "status.observedGeneration"); s.Type != "integer" {
				t.Errorf("status.observedGeneration: type %q", s.Type)
			}
			if s := prop(t, root, "status.namespaceConditions[].observedGeneration"); s.Type != "integer" {
				t.Errorf("status.namespaceConditions[].observedGeneration: type %q", s.Type)
			}
			// Nothing but AppCat's own status fields: the platform keeps its memory elsewhere
			// (package memory), and, as AppCat's CRDs, the status drops unknown fields.
			st := root.Properties["status"]
			if st.XPreserveUnknownFields != nil && *st.XPreserveUnknownFields {
				t.Error("status keeps unknown fields; AppCat's CRD prunes them")
			}
			for _, k := range memory.Keys {
				if _, ok := st.Properties[k]; ok {
					t.Errorf("status.%s: a field of the platform's memory, which AppCat's status does not have", k)
				}
			}

			// Patterns are whole: they compile and accept/refuse as the platform does.
			sched := regexp.MustCompile(prop(t, root, "spec.parameters.backup.schedule").Pattern)
			for s, ok := range map[string]bool{"0 2 * * *": true, "*/15 */2 1 1 0": true, "61 * * * *": false, "0 2 * *": false} {
				if sched.MatchString(s) != ok {
					t.Errorf("backup.schedule pattern on %q: match=%v, want %v", s, !ok, ok)
				}
			}
			tod := regexp.MustCompile(prop(t, root, "spec.parameters.maintenance.timeOfDay").Pattern)
			if !tod.MatchString("21:30:00") || tod.MatchString("24:00:00") {
				t.Errorf("maintenance.timeOfDay pattern is wrong")
			}
			if k.kind == "VSHNPostgreSQL" {
				ts := regexp.MustCompile(prop(t, root, "spec.parameters.restore.recoveryTimeStamp").Pattern)
				if !ts.MatchString("2024-02-29T10:00:00Z") || !ts.MatchString("2023-10-01T23:59:59+02:00") || ts.MatchString("2023-02-29T10:00:00Z") {
					t.Errorf("restore.recoveryTimeStamp pattern is wrong")
				}
			}
		})
	}
}

func TestDeletionProtectionPolicy(t *testing.T) {
	objs := decodeAll(t)
	p, b := objs.policies[0], objs.bindings[0]
	if b.Spec.PolicyName != p.Name {
		t.Errorf("binding refers to %q, policy is %q", b.Spec.PolicyName, p.Name)
	}
	if !reflect.DeepEqual(b.Spec.ValidationActions, []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}) {
		t.Errorf("binding actions %v", b.Spec.ValidationActions)
	}
	rules := p.Spec.MatchConstraints.ResourceRules
	if len(rules) != 2 || !reflect.DeepEqual(rules[0].Operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Delete}) ||
		!reflect.DeepEqual(rules[0].Resources, []string{"vshnpostgresqls", "vshnredis", "vshnmariadbs", "vshnminios", "vshnnextclouds", "vshnkeycloaks", "vshnforgejoes"}) ||
		!reflect.DeepEqual(rules[0].APIGroups, []string{"vshn.appcat.vshn.io"}) ||
		!reflect.DeepEqual(rules[1].Operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Delete}) ||
		!reflect.DeepEqual(rules[1].Resources, []string{"objectbuckets"}) ||
		!reflect.DeepEqual(rules[1].APIGroups, []string{"appcat.vshn.io"}) {
		t.Errorf("policy must match DELETE of the claim kinds AppCat's webhook validates (not VSHNGarage) and of ObjectBuckets: %+v", rules)
	}
	if len(p.Spec.Validations) != 1 || p.Spec.Validations[0].Message != manifests.DeletionProtectionMessage {
		t.Errorf("policy message: %+v", p.Spec.Validations)
	}
	if p.Spec.FailurePolicy == nil || *p.Spec.FailurePolicy != admissionregistrationv1.Fail {
		t.Errorf("failurePolicy must be Fail")
	}
}

// allows reports whether the role grants verb on group/resource.
func allows(r *rbacv1.ClusterRole, group, resource, verb string) bool {
	for _, rule := range r.Rules {
		if contains(rule.APIGroups, group) && contains(rule.Resources, resource) && contains(rule.Verbs, verb) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s || x == "*" {
			return true
		}
	}
	return false
}

func TestClusterRoles(t *testing.T) {
	roles := map[string]*rbacv1.ClusterRole{}
	for _, r := range decodeAll(t).roles {
		roles[r.Name] = r
	}
	customer, viewer := roles["appcat:customer"], roles["appcat:services:read"]
	if customer == nil || viewer == nil {
		t.Fatalf("roles: %v", roles)
	}
	type check struct {
		role                  *rbacv1.ClusterRole
		group, resource, verb string
		want                  bool
	}
	var checks []check
	for _, res := range []string{"vshnpostgresqls", "vshnredis", "vshnmariadbs", "vshngarages", "vshnminios", "vshnnextclouds", "vshnkeycloaks", "vshnforgejoes"} {
		for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
			checks = append(checks, check{customer, "vshn.appcat.vshn.io", res, verb, true})
		}
		checks = append(checks, check{customer, "vshn.appcat.vshn.io", res + "/status", "update", false})
		checks = append(checks, check{customer, "vshn.appcat.vshn.io", res + "/status", "patch", false})
	}
	for _, res := range []string{"vshnpostgresbackups", "vshnredisbackups", "vshnmariadbbackups", "vshnnextcloudbackups", "vshnkeycloakbackups"} {
		for _, verb := range []string{"get", "list", "watch"} {
			checks = append(checks, check{customer, "api.appcat.vshn.io", res, verb, true})
		}
		checks = append(checks, check{customer, "api.appcat.vshn.io", res, "create", false})
		checks = append(checks, check{customer, "api.appcat.vshn.io", res, "delete", false})
	}
	for _, verb := range []string{"get", "list", "watch"} {
		checks = append(checks, check{customer, "", "events", verb, true})
		for _, res := range []string{"pods", "pods/log", "events", "services"} {
			checks = append(checks, check{viewer, "", res, verb, true})
		}
	}
	// Secrets and alert channels: what a namespace admin has (appcat_alert_channel writes both).
	for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"} {
		checks = append(checks,
			check{customer, "", "secrets", verb, true},
			check{customer, "monitoring.coreos.com", "alertmanagerconfigs", verb, true},
			check{viewer, "", "secrets", verb, false},
			check{viewer, "monitoring.coreos.com", "alertmanagerconfigs", verb, false})
	}
	checks = append(checks,
		check{customer, "", "pods", "get", false},
		// A namespace admin has more (ConfigMaps, RoleBindings, …): the provider needs none of it,
		// and granting namespaces stays the operator's part.
		check{customer, "", "configmaps", "create", false},
		check{customer, "", "namespaces", "create", false},
		check{customer, "rbac.authorization.k8s.io", "rolebindings", "create", false},
		check{viewer, "", "pods/portforward", "create", true},
		check{viewer, "", "pods", "delete", false},
		check{viewer, "", "pods/exec", "create", false},
	)
	for _, c := range checks {
		if got := allows(c.role, c.group, c.resource, c.verb); got != c.want {
			t.Errorf("%s: %s %s.%s = %v, want %v", c.role.Name, c.verb, c.resource, c.group, got, c.want)
		}
	}
}
