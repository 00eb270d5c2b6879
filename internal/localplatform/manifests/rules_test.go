package manifests_test

// These tests show that the API server of the local platform itself enforces the platform's
// admission rules (CRD x-kubernetes-validations and the deletion-protection
// ValidatingAdmissionPolicy): every rule refuses a bad object and accepts a good one.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

func TestMain(m *testing.M) { platformtest.Main(m) }

type claimKind struct {
	kind       string
	gvr        schema.GroupVersionResource
	maxName    int
	otherComp  string // a composition name other than the kind's own
	ownComp    string
	guaranteed int64 // fewest instances for serviceLevel guaranteed
}

var (
	pg = claimKind{"VSHNPostgreSQL", gvr("vshnpostgresqls"), 30, manifests.CompositionPostgreSQLStackGres,
		manifests.CompositionPostgreSQLCNPG, 2}
	redis = claimKind{"VSHNRedis", gvr("vshnredis"), 37, manifests.CompositionMariaDB, manifests.CompositionRedis, 3}
	maria = claimKind{"VSHNMariaDB", gvr("vshnmariadbs"), 30, manifests.CompositionRedis, manifests.CompositionMariaDB, 3}

	allKinds = []claimKind{pg, redis, maria}
)

func gvr(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: manifests.Group, Version: manifests.Version, Resource: resource}
}

// env is one test's view of the platform: the admin's clients and a namespace of its own.
type env struct {
	t   *testing.T
	ctx context.Context
	cs  kubernetes.Interface
	dyn dynamic.Interface
	ns  string
}

var installOnce struct {
	sync.Once
	err error
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cfg := platformtest.Platform().AdminConfig()
	e := &env{t: t, ctx: ctx, cs: kubernetes.NewForConfigOrDie(cfg), dyn: dynamic.NewForConfigOrDie(cfg)}
	installOnce.Do(func() { installOnce.err = ensureInstalled(cfg) })
	if installOnce.err != nil {
		t.Fatalf("installing the manifests: %v", installOnce.err)
	}
	e.ns = fmt.Sprintf("rules-%s-%04d", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), rand.Intn(10000))
	if len(e.ns) > 63 {
		e.ns = e.ns[len(e.ns)-63:]
		e.ns = strings.TrimLeft(e.ns, "-")
	}
	if _, err := e.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: e.ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", e.ns, err)
	}
	t.Cleanup(e.cleanup)
	return e
}

// cleanup lifts the deletion protection of every claim the test left and deletes the namespace.
func (e *env) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, k := range allKinds {
		list, err := e.dyn.Resource(k.gvr).Namespace(e.ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			e.t.Logf("cleanup: listing %s: %v", k.gvr.Resource, err)
			continue
		}
		for _, item := range list.Items {
			_, err := e.dyn.Resource(k.gvr).Namespace(e.ns).Patch(ctx, item.GetName(), types.MergePatchType,
				[]byte(`{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`), metav1.PatchOptions{})
			if err == nil {
				err = e.dyn.Resource(k.gvr).Namespace(e.ns).Delete(ctx, item.GetName(), metav1.DeleteOptions{})
			}
			if err != nil && !apierrors.IsNotFound(err) {
				e.t.Logf("cleanup: deleting %s %s: %v", k.kind, item.GetName(), err)
			}
		}
	}
	if err := e.cs.CoreV1().Namespaces().Delete(ctx, e.ns, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		e.t.Logf("cleanup: deleting namespace %s: %v", e.ns, err)
	}
}

// ensureInstalled applies the package's manifests as they are now (the launcher installs them
// too; applying again is a no-op then) and waits until the CRDs serve and the admission policy
// is enforced, so these tests always judge the YAML in this directory.
func ensureInstalled(cfg *rest.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dyn := dynamic.NewForConfigOrDie(cfg)
	objs, err := manifests.Objects()
	if err != nil {
		return err
	}
	resources := map[string]string{
		"Namespace": "namespaces", "CustomResourceDefinition": "customresourcedefinitions",
		"ValidatingAdmissionPolicy": "validatingadmissionpolicies", "ValidatingAdmissionPolicyBinding": "validatingadmissionpolicybindings",
		"ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings", "AppCat": "appcats",
	}
	for _, obj := range objs {
		gv, err := schema.ParseGroupVersion(obj.GetAPIVersion())
		if err != nil {
			return err
		}
		res, ok := resources[obj.GetKind()]
		if !ok {
			return fmt.Errorf("no resource known for kind %s", obj.GetKind())
		}
		data, err := json.Marshal(obj.Object)
		if err != nil {
			return err
		}
		force := true
		if _, err := dyn.Resource(gv.WithResource(res)).Patch(ctx, obj.GetName(), types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: "manifests-test", Force: &force}); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	// CRDs Established
	crdGVR := apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")
	for _, obj := range objs {
		if obj.GetKind() != "CustomResourceDefinition" {
			continue
		}
		err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			u, err := dyn.Resource(crdGVR).Get(ctx, obj.GetName(), metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &crd); err != nil {
				return false, err
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("waiting for CRD %s: %w", obj.GetName(), err)
		}
	}
	// The deletion-protection policy is enforced once a dry-run DELETE of a protected claim is refused.
	const ns, name = "appcat-system", "policy-probe"
	probe := claim(redis, name, params("security", obj("deletionProtection", true)))
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := dyn.Resource(redis.gvr).Namespace(ns).Create(ctx, probe, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			// the CRD may be Established a moment before its resource is served
			return false, nil
		}
		err = dyn.Resource(redis.gvr).Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}})
		return err != nil && strings.Contains(err.Error(), manifests.DeletionProtectionMessage), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the deletion protection policy: %w", err)
	}
	_, err = dyn.Resource(redis.gvr).Namespace(ns).Patch(ctx, name, types.MergePatchType,
		[]byte(`{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`), metav1.PatchOptions{})
	if err == nil {
		err = dyn.Resource(redis.gvr).Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{})
	}
	return err
}

// claim builds a claim; params become spec.parameters, extra keys of spec come from specExtra.
func claim(k claimKind, name string, params map[string]any, specExtra ...map[string]any) *unstructured.Unstructured {
	spec := map[string]any{}
	if params != nil {
		spec["parameters"] = params
	}
	for _, m := range specExtra {
		for key, v := range m {
			spec[key] = v
		}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": k.gvr.GroupVersion().String(),
		"kind":       k.kind,
		"metadata":   map[string]any{"name": name},
		"spec":       spec,
	}}
}

func composition(name string) map[string]any {
	return map[string]any{"compositionRef": map[string]any{"name": name}}
}

func (e *env) create(k claimKind, obj *unstructured.Unstructured) error {
	_, err := e.dyn.Resource(k.gvr).Namespace(e.ns).Create(e.ctx, obj, metav1.CreateOptions{})
	return err
}

func (e *env) mustCreate(k claimKind, obj *unstructured.Unstructured) {
	e.t.Helper()
	if err := e.create(k, obj); err != nil {
		e.t.Fatalf("creating %s %s: %v", k.kind, obj.GetName(), err)
	}
}

func (e *env) get(k claimKind, name string) *unstructured.Unstructured {
	e.t.Helper()
	u, err := e.dyn.Resource(k.gvr).Namespace(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatalf("getting %s %s: %v", k.kind, name, err)
	}
	return u
}

// patch applies a JSON merge patch to the claim.
func (e *env) patch(k claimKind, name, patch string) error {
	_, err := e.dyn.Resource(k.gvr).Namespace(e.ns).Patch(e.ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

func (e *env) mustPatch(k claimKind, name, patch string) {
	e.t.Helper()
	if err := e.patch(k, name, patch); err != nil {
		e.t.Fatalf("patching %s %s with %s: %v", k.kind, name, patch, err)
	}
}

// wantInvalid asserts that the API server refused the request as invalid (HTTP 422) with a
// message that contains want.
func (e *env) wantInvalid(err error, want, what string) {
	e.t.Helper()
	if err == nil {
		e.t.Fatalf("%s: accepted, want it refused with %q", what, want)
	}
	if !apierrors.IsInvalid(err) {
		e.t.Fatalf("%s: want an Invalid error, got %v", what, err)
	}
	if !strings.Contains(err.Error(), want) {
		e.t.Fatalf("%s: error %q does not contain %q", what, err.Error(), want)
	}
}

func params(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func obj(kv ...any) map[string]any { return params(kv...) }

func TestDefaultsApplied(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		k       claimKind
		path    []string
		version string
	}{
		{pg, []string{"service", "majorVersion"}, "15"},
		{redis, []string{"service", "version"}, "7.2"},
		{maria, []string{"service", "version"}, "11.8"},
	} {
		e.mustCreate(c.k, claim(c.k, "defaults", nil))
		u := e.get(c.k, "defaults")
		p := func(path ...string) any {
			v, _, err := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, path...)...)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if got := p(c.path...); got != c.version {
			t.Errorf("%s: %v = %v, want %q", c.k.kind, c.path, got, c.version)
		}
		if got := p("security", "deletionProtection"); got != true {
			t.Errorf("%s: deletionProtection = %v, want true", c.k.kind, got)
		}
		if got := p("instances"); got != int64(1) {
			t.Errorf("%s: instances = %#v, want 1", c.k.kind, got)
		}
		if got := p("service", "serviceLevel"); got != "besteffort" {
			t.Errorf("%s: serviceLevel = %v", c.k.kind, got)
		}
		if got := p("backup", "enabled"); got != true {
			t.Errorf("%s: backup.enabled = %v", c.k.kind, got)
		}
	}
	u := e.get(pg, "defaults")
	for path, want := range map[string]any{
		"service.repackEnabled": true, "service.vacuumEnabled": false, "service.tls.enabled": true,
		"backup.retention": int64(6), "size.plan": "standard-2", "maintenance.disableAppcatRelease": false,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("VSHNPostgreSQL %s = %#v, want %#v", path, got, want)
		}
	}
	u = e.get(redis, "defaults")
	if got, _, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "parameters", "backup", "retention", "keepDaily"); got != int64(6) {
		t.Errorf("VSHNRedis backup.retention.keepDaily = %#v, want 6", got)
	}
}

func TestNameLength(t *testing.T) {
	e := newEnv(t)
	for _, k := range allKinds {
		long := strings.Repeat("n", k.maxName+1)
		e.wantInvalid(e.create(k, claim(k, long, nil)), "metadata.name is too long",
			fmt.Sprintf("%s with a name of %d characters", k.kind, len(long)))
		e.mustCreate(k, claim(k, long[:k.maxName], nil))
	}
}

func TestDiskNeverShrinks(t *testing.T) {
	e := newEnv(t)
	for _, k := range allKinds {
		e.wantInvalid(e.create(k, claim(k, "bad-disk", params("size", obj("disk", "twenty")))), "not a valid disk size", k.kind+" disk twenty")
		e.mustCreate(k, claim(k, "disk", params("size", obj("disk", "20Gi"))))
		e.wantInvalid(e.patch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"10Gi"}}}}`), "disk downsizing is not allowed", k.kind+" disk 20Gi -> 10Gi")
		e.wantInvalid(e.patch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"20000Mi"}}}}`), "disk downsizing is not allowed", k.kind+" disk 20Gi -> 20000Mi")
		e.mustPatch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"20480Mi"}}}}`) // the same size
		e.mustPatch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"40Gi"}}}}`)
		e.wantInvalid(e.patch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"30Gi"}}}}`), "disk downsizing is not allowed", k.kind+" disk 40Gi -> 30Gi")
		if got, _, _ := unstructured.NestedString(e.get(k, "disk").Object, "spec", "parameters", "size", "disk"); got != "40Gi" {
			t.Errorf("%s: disk is %q after the refused shrink, want 40Gi", k.kind, got)
		}
	}
}

func TestPostgreSQLMajorVersionNeverGoesDown(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(pg, claim(pg, "cnpg", params("service", obj("majorVersion", "16"))))
	e.wantInvalid(e.patch(pg, "cnpg", `{"spec":{"parameters":{"service":{"majorVersion":"15"}}}}`),
		"downgrading the major version from 16 to 15 is not supported", "CNPG 16 -> 15")
	e.mustPatch(pg, "cnpg", `{"spec":{"parameters":{"service":{"majorVersion":"17"}}}}`)
	e.mustPatch(pg, "cnpg", `{"spec":{"parameters":{"service":{"majorVersion":"18"}}}}`)
	e.wantInvalid(e.patch(pg, "cnpg", `{"spec":{"parameters":{"service":{"majorVersion":"12"}}}}`),
		"downgrading the major version from 18 to 12", "CNPG 18 -> 12")
}

func TestPostgreSQLStackGresRefusesMajorVersionChange(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(pg, claim(pg, "sg", params("service", obj("majorVersion", "15")), composition(manifests.CompositionPostgreSQLStackGres)))
	e.wantInvalid(e.patch(pg, "sg", `{"spec":{"parameters":{"service":{"majorVersion":"16"}}}}`),
		"major version upgrade is not allowed on the StackGres composition", "StackGres 15 -> 16")
	// other changes stay possible
	e.mustPatch(pg, "sg", `{"spec":{"parameters":{"service":{"pgSettings":{"work_mem":"8MB"}}}}}`)
}

func TestCompositionRefImmutable(t *testing.T) {
	e := newEnv(t)
	for _, k := range allKinds {
		e.mustCreate(k, claim(k, "comp", nil, composition(k.ownComp)))
		e.wantInvalid(e.patch(k, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, k.otherComp)),
			"spec.compositionRef is immutable", k.kind+" change compositionRef")
		e.wantInvalid(e.patch(k, "comp", `{"spec":{"compositionRef":null}}`), "spec.compositionRef is immutable", k.kind+" remove compositionRef")
		e.mustPatch(k, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, k.ownComp))
	}
	// PostgreSQL: StackGres instances stay StackGres, and an instance created without a
	// compositionRef got the default (CloudNativePG) and cannot become StackGres.
	e.mustCreate(pg, claim(pg, "sg", nil, composition(manifests.CompositionPostgreSQLStackGres)))
	e.wantInvalid(e.patch(pg, "sg", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, manifests.CompositionPostgreSQLCNPG)),
		"spec.compositionRef is immutable", "StackGres -> CNPG")
	e.mustCreate(pg, claim(pg, "unset", nil))
	e.wantInvalid(e.patch(pg, "unset", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, manifests.CompositionPostgreSQLStackGres)),
		"spec.compositionRef is immutable", "unset -> StackGres")
	e.mustPatch(pg, "unset", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, manifests.CompositionPostgreSQLCNPG))
}

func TestPostgreSQLEncryptionImmutable(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(pg, claim(pg, "enc", params("encryption", obj("enabled", true))))
	const msg = "spec.parameters.encryption.enabled is immutable"
	e.wantInvalid(e.patch(pg, "enc", `{"spec":{"parameters":{"encryption":{"enabled":false}}}}`), msg, "encryption true -> false")
	e.wantInvalid(e.patch(pg, "enc", `{"spec":{"parameters":{"encryption":null}}}`), msg, "encryption true -> unset")
	e.mustPatch(pg, "enc", `{"spec":{"parameters":{"encryption":{"enabled":true}}}}`)

	e.mustCreate(pg, claim(pg, "plain", nil))
	e.wantInvalid(e.patch(pg, "plain", `{"spec":{"parameters":{"encryption":{"enabled":true}}}}`), msg, "encryption unset -> true")
	e.mustPatch(pg, "plain", `{"spec":{"parameters":{"encryption":{"enabled":false}}}}`) // same as unset
}

func TestGuaranteedNeedsEnoughInstances(t *testing.T) {
	e := newEnv(t)
	for _, k := range allKinds {
		want := fmt.Sprintf("must have at least %d replicas", k.guaranteed)
		e.wantInvalid(e.create(k, claim(k, "ga-default", params("service", obj("serviceLevel", "guaranteed")))), want,
			k.kind+" guaranteed with the default instances")
		e.wantInvalid(e.create(k, claim(k, "ga-one", params("service", obj("serviceLevel", "guaranteed"), "instances", 1))), want,
			k.kind+" guaranteed with 1 instance")
		e.mustCreate(k, claim(k, "ga", params("service", obj("serviceLevel", "guaranteed"), "instances", k.guaranteed)))
		e.wantInvalid(e.patch(k, "ga", `{"spec":{"parameters":{"instances":1}}}`), want, k.kind+" guaranteed scaled down to 1")
		e.mustPatch(k, "ga", `{"spec":{"parameters":{"instances":1,"service":{"serviceLevel":"besteffort"}}}}`)
	}
}

func TestPostgreSQLRepackAndVacuumNotBothDisabled(t *testing.T) {
	e := newEnv(t)
	const msg = "can't be both disabled"
	e.wantInvalid(e.create(pg, claim(pg, "both-off", params("service", obj("repackEnabled", false, "vacuumEnabled", false)))), msg, "both false")
	e.wantInvalid(e.create(pg, claim(pg, "repack-off", params("service", obj("repackEnabled", false)))), msg, "repack false, vacuum default false")
	e.mustCreate(pg, claim(pg, "vacuum-only", params("service", obj("repackEnabled", false, "vacuumEnabled", true))))
	e.wantInvalid(e.patch(pg, "vacuum-only", `{"spec":{"parameters":{"service":{"vacuumEnabled":false}}}}`), msg, "vacuum switched off too")
}

func TestPostgreSQLPinImageTagMatchesMajorVersion(t *testing.T) {
	e := newEnv(t)
	const msg = "does not match the major version"
	mk := func(name, tag string) *unstructured.Unstructured {
		return claim(pg, name, params("service", obj("majorVersion", "16"), "maintenance", obj("pinImageTag", tag)))
	}
	e.wantInvalid(e.create(pg, mk("pin-15", "15.4")), msg, "majorVersion 16, pinImageTag 15.4")
	e.wantInvalid(e.create(pg, mk("pin-160", "160.1")), msg, "majorVersion 16, pinImageTag 160.1")
	e.mustCreate(pg, mk("pin", "16.4"))
	e.mustCreate(pg, mk("pin-major", "16"))
	e.wantInvalid(e.patch(pg, "pin", `{"spec":{"parameters":{"service":{"majorVersion":"17"}}}}`), msg, "major upgrade with a stale pin")
	e.mustPatch(pg, "pin", `{"spec":{"parameters":{"service":{"majorVersion":"17"},"maintenance":{"pinImageTag":"17.2"}}}}`)
}

func TestPostgreSQLExtensionImages(t *testing.T) {
	e := newEnv(t)
	ext := func(withImage bool) []any {
		x := map[string]any{"name": "pgvector"}
		if withImage {
			x["image"] = "ghcr.io/cloudnative-pg/pgvector:0.8.0"
		}
		return []any{x}
	}
	mk := func(name, version string, withImage bool, extra ...map[string]any) *unstructured.Unstructured {
		return claim(pg, name, params("service", obj("majorVersion", version, "extensions", ext(withImage))), extra...)
	}
	e.wantInvalid(e.create(pg, mk("cnpg-17", "17", true)), "only supported for PostgreSQL 18 and above", "CNPG 17 with an extension image")
	e.wantInvalid(e.create(pg, mk("sg-18", "18", true, composition(manifests.CompositionPostgreSQLStackGres))),
		"only supported by the CloudNativePG composition", "StackGres 18 with an extension image")
	e.mustCreate(pg, mk("cnpg-18", "18", true))
	e.mustCreate(pg, mk("cnpg-18-explicit", "18", true, composition(manifests.CompositionPostgreSQLCNPG)))
	e.mustCreate(pg, mk("cnpg-17-noimage", "17", false))
	e.mustCreate(pg, mk("sg-noimage", "15", false, composition(manifests.CompositionPostgreSQLStackGres)))
}

func TestMariaDBTLSNotToggledWhileClustered(t *testing.T) {
	e := newEnv(t)
	const msg = "cannot change TLS if there are more than 1 instances"
	e.mustCreate(maria, claim(maria, "galera", params("instances", 3)))
	e.wantInvalid(e.patch(maria, "galera", `{"spec":{"parameters":{"tls":{"enabled":false}}}}`), msg, "3 instances, TLS off")
	// a single instance may switch TLS; back in a cluster, TLS is fixed again
	e.mustPatch(maria, "galera", `{"spec":{"parameters":{"instances":1}}}`)
	e.mustPatch(maria, "galera", `{"spec":{"parameters":{"tls":{"enabled":false}}}}`)
	e.mustPatch(maria, "galera", `{"spec":{"parameters":{"instances":3}}}`)
	e.wantInvalid(e.patch(maria, "galera", `{"spec":{"parameters":{"tls":{"enabled":true}}}}`), msg, "3 instances, TLS on")
	// other changes of a cluster stay possible
	e.mustPatch(maria, "galera", `{"spec":{"parameters":{"service":{"mariadbSettings":"max_connections = 200"}}}}`)
}

// wantDeleteRefused asserts that deleting the claim is refused by the deletion-protection policy
// with exactly the platform's message, and that the claim is still there.
func (e *env) wantDeleteRefused(k claimKind, name string) {
	e.t.Helper()
	err := e.dyn.Resource(k.gvr).Namespace(e.ns).Delete(e.ctx, name, metav1.DeleteOptions{})
	if err == nil {
		e.t.Fatalf("deleting protected %s %s: accepted", k.kind, name)
	}
	if !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) {
		e.t.Fatalf("deleting protected %s %s: want Forbidden, got %v", k.kind, name, err)
	}
	if !strings.Contains(err.Error(), manifests.DeletionProtectionMessage) {
		e.t.Fatalf("deleting protected %s %s: error %q lacks the platform's message", k.kind, name, err)
	}
	if u := e.get(k, name); u.GetDeletionTimestamp() != nil {
		e.t.Fatalf("%s %s is being deleted although the delete was refused", k.kind, name)
	}
}

func TestDeletionProtection(t *testing.T) {
	e := newEnv(t)
	for _, k := range allKinds {
		e.mustCreate(k, claim(k, "by-default", nil))
		e.wantDeleteRefused(k, "by-default")
		e.mustCreate(k, claim(k, "explicit", params("security", obj("deletionProtection", true))))
		e.wantDeleteRefused(k, "explicit")

		e.mustPatch(k, "by-default", `{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
		if err := e.dyn.Resource(k.gvr).Namespace(e.ns).Delete(e.ctx, "by-default", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting unprotected %s: %v", k.kind, err)
		}
		e.mustCreate(k, claim(k, "unprotected", params("security", obj("deletionProtection", false))))
		if err := e.dyn.Resource(k.gvr).Namespace(e.ns).Delete(e.ctx, "unprotected", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting unprotected %s: %v", k.kind, err)
		}
	}
	// DELETE of a whole collection is judged object by object
	err := e.dyn.Resource(pg.gvr).Namespace(e.ns).DeleteCollection(e.ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), manifests.DeletionProtectionMessage) {
		t.Fatalf("deletecollection with a protected claim: %v", err)
	}
	e.get(pg, "explicit")
}

// TestUserRoles checks the ClusterRoles through the API server's authorizer: appcat-user, bound
// to appcat:customer in one namespace and to appcat:services:read in another, has exactly the
// rights the README describes and nothing cluster-wide.
func TestUserRoles(t *testing.T) {
	e := newEnv(t)
	p := platformtest.Platform()
	userCS := kubernetes.NewForConfigOrDie(p.UserConfig())
	userDyn := dynamic.NewForConfigOrDie(p.UserConfig())

	instanceNS := e.ns + "-i"
	if len(instanceNS) > 63 {
		instanceNS = instanceNS[2:]
	}
	if _, err := e.cs.CoreV1().Namespaces().Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: instanceNS}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = e.cs.CoreV1().Namespaces().Delete(context.Background(), instanceNS, metav1.DeleteOptions{})
	})
	bind := func(ns, name, role string) {
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "appcat-user"}},
		}
		if _, err := e.cs.RbacV1().RoleBindings(ns).Create(e.ctx, rb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	bind(e.ns, "appcat-customer", "appcat:customer")
	bind(instanceNS, "appcat:services:read", "appcat:services:read")

	can := func(ns, group, resource, sub, verb string) bool {
		t.Helper()
		r, err := userCS.AuthorizationV1().SelfSubjectAccessReviews().Create(e.ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Group: group, Resource: resource, Subresource: sub, Verb: verb,
			}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SelfSubjectAccessReview: %v", err)
		}
		return r.Status.Allowed
	}
	// the authorizer reads RoleBindings from a cache: wait for both
	if err := wait.PollUntilContextCancel(e.ctx, 100*time.Millisecond, true, func(context.Context) (bool, error) {
		return can(e.ns, manifests.Group, "vshnpostgresqls", "", "create") && can(instanceNS, "", "pods", "log", "get"), nil
	}); err != nil {
		t.Fatalf("the role bindings never took effect: %v", err)
	}

	type check struct {
		ns, group, resource, sub, verb string
		want                           bool
	}
	var checks []check
	for _, res := range []string{"vshnpostgresqls", "vshnredis", "vshnmariadbs", "vshngarages", "vshnminios"} {
		for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
			checks = append(checks, check{e.ns, manifests.Group, res, "", verb, true})
			checks = append(checks, check{instanceNS, manifests.Group, res, "", verb, false})
			checks = append(checks, check{"", manifests.Group, res, "", verb, false}) // all namespaces
		}
		checks = append(checks, check{e.ns, manifests.Group, res, "status", "update", false})
	}
	for _, res := range []string{"vshnpostgresbackups", "vshnredisbackups", "vshnmariadbbackups"} {
		checks = append(checks,
			check{e.ns, "api.appcat.vshn.io", res, "", "list", true},
			check{e.ns, "api.appcat.vshn.io", res, "", "get", true},
			check{e.ns, "api.appcat.vshn.io", res, "", "watch", true},
			check{"", "api.appcat.vshn.io", res, "", "list", false},
			check{e.ns, "api.appcat.vshn.io", res, "", "create", false},
			check{e.ns, "api.appcat.vshn.io", res, "", "delete", false})
	}
	// Secrets and AlertmanagerConfigs: all a namespace admin may do, in the granted namespace
	// only; the instance namespace stays read-only (no secrets at all) and nothing is cluster-wide.
	for _, res := range []struct{ group, resource string }{{"", "secrets"}, {"monitoring.coreos.com", "alertmanagerconfigs"}} {
		for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"} {
			checks = append(checks,
				check{e.ns, res.group, res.resource, "", verb, true},
				check{instanceNS, res.group, res.resource, "", verb, false},
				check{"", res.group, res.resource, "", verb, false})
		}
	}
	checks = append(checks,
		check{e.ns, "", "events", "", "watch", true},
		check{e.ns, "", "pods", "", "list", false},
		check{instanceNS, "", "pods", "", "list", true},
		check{instanceNS, "", "pods", "log", "get", true},
		check{instanceNS, "", "services", "", "get", true},
		check{instanceNS, "", "events", "", "list", true},
		check{instanceNS, "", "pods", "portforward", "create", true},
		check{instanceNS, "", "pods", "exec", "create", false},
		check{instanceNS, "", "pods", "", "delete", false},
		check{instanceNS, "", "secrets", "", "get", false},
		check{"", "", "namespaces", "", "list", false},
	)
	for _, c := range checks {
		if got := can(c.ns, c.group, c.resource, c.sub, c.verb); got != c.want {
			t.Errorf("appcat-user %s %s/%s.%s in %q: allowed=%v, want %v", c.verb, c.resource, c.sub, c.group, c.ns, got, c.want)
		}
	}

	// and for real: the user creates a claim in the bound namespace, not elsewhere, and the
	// deletion protection stops the user as well
	k := pg
	if _, err := userDyn.Resource(k.gvr).Namespace(e.ns).Create(e.ctx, claim(k, "mine", nil), metav1.CreateOptions{}); err != nil {
		t.Fatalf("user creating a claim in the granted namespace: %v", err)
	}
	_, err := userDyn.Resource(k.gvr).Namespace(instanceNS).Create(e.ctx, claim(k, "mine", nil), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("user creating a claim in a namespace without appcat-customer: want Forbidden, got %v", err)
	}
	err = userDyn.Resource(k.gvr).Namespace(e.ns).Delete(e.ctx, "mine", metav1.DeleteOptions{})
	if err == nil || !strings.Contains(err.Error(), manifests.DeletionProtectionMessage) {
		t.Fatalf("user deleting a protected claim: %v", err)
	}

	// the user writes a Secret of their own (an alert channel's credentials) in the bound
	// namespace, and nowhere else
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mine"}, StringData: map[string]string{"k": "v"}}
	if _, err := userCS.CoreV1().Secrets(e.ns).Create(e.ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatalf("user creating a Secret in the granted namespace: %v", err)
	}
	if err := userCS.CoreV1().Secrets(e.ns).Delete(e.ctx, "mine", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("user deleting their Secret: %v", err)
	}
	if _, err := userCS.CoreV1().Secrets(instanceNS).Create(e.ctx, secret, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("user creating a Secret in an instance namespace: want Forbidden, got %v", err)
	}
}
