package controller_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

const (
	group           = "vshn.appcat.vshn.io"
	finalizerName   = "finalizer.apiextensions.crossplane.io" // Crossplane's claim finalizer
	delayAnnotation = "local.appcat.vshn.io/provisioning-delay"
	// waitTimeout bounds every wait for the controller; with delay 0 a claim is Ready in
	// milliseconds, so hitting it means the controller is not doing its job.
	waitTimeout = 30 * time.Second
)

// kindInfo names one claim kind the way a client sees it.
type kindInfo struct {
	Kind, Service, DefaultComposition, VersionField, DefaultVersion string
	GVR                                                             schema.GroupVersionResource
	// NoInstanceNamespace: the kind's status has no instanceNamespace (ObjectBucket).
	NoInstanceNamespace bool
}

var (
	postgres = kindInfo{Kind: "VSHNPostgreSQL", Service: "postgresql", DefaultComposition: "vshnpostgrescnpg.vshn.appcat.vshn.io",
		VersionField: "majorVersion", DefaultVersion: "15", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnpostgresqls"}}
	redis = kindInfo{Kind: "VSHNRedis", Service: "redis", DefaultComposition: "vshnredis.vshn.appcat.vshn.io",
		VersionField: "version", DefaultVersion: "7.2", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnredis"}}
	mariadb = kindInfo{Kind: "VSHNMariaDB", Service: "mariadb", DefaultComposition: "vshnmariadb.vshn.appcat.vshn.io",
		VersionField: "version", DefaultVersion: "11.8", GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: "vshnmariadbs"}}
)

// clients of one user of the platform.
type clients struct {
	dyn  dynamic.Interface
	kube kubernetes.Interface
}

func newClients(t testing.TB, cfg *rest.Config) clients {
	t.Helper()
	cfg.QPS, cfg.Burst = -1, 0
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return clients{dyn: dyn, kube: kube}
}

func admin(t testing.TB) clients { return newClients(t, platformtest.Platform().AdminConfig()) }
func user(t testing.TB) clients  { return newClients(t, platformtest.Platform().UserConfig()) }
func userNS() string             { return platformtest.Platform().UserNamespace() }

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// uniqueName returns prefix plus a random suffix, short enough for every kind's name limit.
func uniqueName(prefix string) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(letters))))
		b[i] = letters[n.Int64()]
	}
	return prefix + "-" + string(b)
}

// newClaim builds a claim. Deletion protection is off so that tests can clean up; params are
// merged into spec.parameters.
func newClaim(k kindInfo, name, secret string, params map[string]any) *unstructured.Unstructured {
	p := map[string]any{"security": map[string]any{"deletionProtection": false}}
	for key, v := range params {
		p[key] = v
	}
	spec := map[string]any{"parameters": p}
	if secret != "" {
		spec["writeConnectionSecretToRef"] = map[string]any{"name": secret}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": k.GVR.GroupVersion().String(),
		"kind":       k.Kind,
		"metadata":   map[string]any{"name": name, "namespace": userNS()},
		"spec":       spec,
	}}
}

// createClaim creates the claim with c and deletes it (as admin) when the test ends.
func createClaim(t testing.TB, c clients, k kindInfo, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	ctx := ctxFor(t)
	created, err := c.dyn.Resource(k.GVR).Namespace(obj.GetNamespace()).Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s %s: %v", k.Kind, obj.GetName(), err)
	}
	t.Cleanup(func() { deleteClaimAndWait(t, k, created.GetNamespace(), created.GetName()) })
	return created
}

// deleteClaimAndWait deletes a claim (turning deletion protection off first) and waits until
// the controller has let it go.
func deleteClaimAndWait(t testing.TB, k kindInfo, ns, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	res := admin(t).dyn.Resource(k.GVR).Namespace(ns)
	patch := []byte(`{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
	if _, err := res.Patch(ctx, name, "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Errorf("cleanup: disabling deletion protection of %s: %v", name, err)
	}
	if err := res.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Errorf("cleanup: deleting %s: %v", name, err)
		return
	}
	waitFor(t, fmt.Sprintf("%s %s/%s to be gone", k.Kind, ns, name), func() (bool, error) {
		_, err := res.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// waitFor polls cond until it returns true, failing the test after waitTimeout.
func waitFor(t testing.TB, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var lastErr error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return
		}
		lastErr = err
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s (last error: %v)", waitTimeout, what, lastErr)
}

// cond returns the claim's condition of type typ, or nil.
func cond(obj *unstructured.Unstructured, typ string) map[string]any {
	list, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, item := range list {
		if m, ok := item.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	return nil
}

func condGen(c map[string]any) int64 {
	switch n := c["observedGeneration"].(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return -1
}

// readyNow tells whether the claim is Ready for the generation it has.
func readyNow(obj *unstructured.Unstructured) bool {
	c := cond(obj, "Ready")
	return c != nil && c["status"] == "True" && condGen(c) == obj.GetGeneration()
}

// waitClaim watches the claim until match accepts it and returns that version.
func waitClaim(t testing.TB, c clients, k kindInfo, ns, name, what string, match func(*unstructured.Unstructured) bool) *unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	res := c.dyn.Resource(k.GVR).Namespace(ns)
	var last *unstructured.Unstructured // as last seen, for the message on timeout
	for {
		list, err := res.List(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		for i := range list.Items {
			last = &list.Items[i]
			if match(&list.Items[i]) {
				return &list.Items[i]
			}
		}
		w, err := res.Watch(ctx, metav1.ListOptions{
			FieldSelector:   fields.OneTermEqualSelector("metadata.name", name).String(),
			ResourceVersion: list.GetResourceVersion(),
		})
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error {
				break
			}
			if obj, ok := ev.Object.(*unstructured.Unstructured); ok && ev.Type != watch.Deleted {
				if last = obj; match(obj) {
					w.Stop()
					return obj
				}
			}
		}
		w.Stop()
		if ctx.Err() != nil {
			var conditions any
			if last != nil {
				conditions, _, _ = unstructured.NestedFieldNoCopy(last.Object, "status", "conditions")
			}
			t.Fatalf("timed out after %s waiting for %s; its conditions: %v\ncontroller log of %s/%s:\n%s",
				waitTimeout, what, conditions, ns, name, platformtest.ClaimLog(ns, name, 40))
		}
	}
}

// waitReady waits until the claim is Ready for its current generation.
func waitReady(t testing.TB, c clients, k kindInfo, ns, name string) *unstructured.Unstructured {
	t.Helper()
	return waitClaim(t, c, k, ns, name, k.Kind+" "+name+" Ready", readyNow)
}

func getSecret(t testing.TB, c clients, ns, name string) *corev1.Secret {
	t.Helper()
	s, err := c.kube.CoreV1().Secrets(ns).Get(ctxFor(t), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading secret %s/%s: %v", ns, name, err)
	}
	return s
}

func str(obj *unstructured.Unstructured, path ...string) string {
	s, _, _ := unstructured.NestedString(obj.Object, path...)
	return s
}

// updateClaim applies change to the latest version of the claim and writes it, retrying on
// conflicts (the controller writes the claim too).
func updateClaim(t testing.TB, c clients, k kindInfo, ns, name string, change func(*unstructured.Unstructured)) *unstructured.Unstructured {
	t.Helper()
	ctx := ctxFor(t)
	res := c.dyn.Resource(k.GVR).Namespace(ns)
	for range 20 {
		obj, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		change(obj)
		updated, err := res.Update(ctx, obj, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		if err != nil {
			t.Fatalf("updating %s: %v", name, err)
		}
		return updated
	}
	t.Fatalf("updating %s: conflicts did not stop", name)
	return nil
}

func setParam(obj *unstructured.Unstructured, value any, path ...string) {
	if err := unstructured.SetNestedField(obj.Object, value, append([]string{"spec", "parameters"}, path...)...); err != nil {
		panic(err)
	}
}

// memoryOf reads the local platform's memory of a claim's instance (package memory): what its
// extensions record, which the claim's status does not carry. Its keys are the top-level fields.
func memoryOf(t testing.TB, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	m, err := memory.OfClaim(ctxFor(t), admin(t).kube, obj)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitMemory polls the platform's memory of a claim's instance until match accepts it. Memory
// changes that leave the claim's status as it was wake no watch on the claim, hence polling.
func waitMemory(t testing.TB, c clients, k kindInfo, ns, name, what string, match func(mem *unstructured.Unstructured) bool) *unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for {
		claim, err := c.dyn.Resource(k.GVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			mem, err := memory.OfClaim(ctx, admin(t).kube, claim)
			if err == nil && match(mem) {
				return mem
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %s waiting for %s", waitTimeout, what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
