package controller_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestNamespaceDeletion: deleting a namespace that holds claims ends as on a cluster. Its claims
// are deleted and their instance namespaces go with them; a claim with deletion protection stays,
// and the namespace says why in its NamespaceDeletionContentFailure condition, with the platform's
// message, until protection is turned off; then the namespace is gone.
func TestNamespaceDeletion(t *testing.T) {
	a := admin(t)
	ctx := ctxFor(t)
	ns := uniqueName("nsdel")
	if _, err := a.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	free, kept := newClaim(redis, "free", "free-conn", nil), newClaim(postgres, "kept", "kept-conn", nil)
	free.SetNamespace(ns)
	kept.SetNamespace(ns)
	setParam(free, false, "security", "deletionProtection")
	setParam(kept, true, "security", "deletionProtection")
	var instanceNamespaces []string
	for _, c := range []struct {
		k   kindInfo
		obj *unstructured.Unstructured
	}{{redis, free}, {postgres, kept}} {
		if _, err := a.dyn.Resource(c.k.GVR).Namespace(ns).Create(ctx, c.obj, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		ready := waitReady(t, a, c.k, ns, c.obj.GetName())
		instanceNamespaces = append(instanceNamespaces, str(ready, "status", "instanceNamespace"))
	}
	t.Cleanup(func() { deleteClaimAndWait(t, postgres, ns, "kept") })

	if err := a.kube.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the unprotected claim and its instance namespace gone", func() (bool, error) {
		_, err := a.dyn.Resource(redis.GVR).Namespace(ns).Get(ctx, "free", metav1.GetOptions{})
		if !apierrors.IsNotFound(err) {
			return false, nil
		}
		_, err = a.kube.CoreV1().Namespaces().Get(ctx, instanceNamespaces[0], metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	waitFor(t, "the namespace to report the protected claim", func() (bool, error) {
		n, err := a.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NamespaceDeletionContentFailure && c.Status == corev1.ConditionTrue &&
				strings.Contains(c.Message, "DeletionProtection is enabled") {
				return true, nil
			}
		}
		return false, nil
	})
	if _, err := a.dyn.Resource(postgres.GVR).Namespace(ns).Get(ctx, "kept", metav1.GetOptions{}); err != nil {
		t.Fatalf("the protected claim: %v, want it kept", err)
	}

	patch := []byte(`{"spec":{"parameters":{"security":{"deletionProtection":false}}}}`)
	if _, err := a.dyn.Resource(postgres.GVR).Namespace(ns).Patch(ctx, "kept", "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the namespace and the last instance namespace gone", func() (bool, error) {
		for _, name := range []string{ns, instanceNamespaces[1]} {
			if _, err := a.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return false, nil
			}
		}
		return true, nil
	})
}
