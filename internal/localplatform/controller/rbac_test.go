package controller_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestUserRBAC checks what the `user` context may do: claims, secrets and AlertmanagerConfigs in
// its granted namespace, a read-only look into its instance namespaces, nothing elsewhere.
func TestUserRBAC(t *testing.T) {
	u, a := user(t), admin(t)
	ctx := ctxFor(t)

	other := uniqueName("not-granted")
	if _, err := a.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: other}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.kube.CoreV1().Namespaces().Delete(ctxFor(t), other, metav1.DeleteOptions{}) })

	// Granted namespace: create, edit and read claims; read secrets.
	name := uniqueName("rbac")
	createClaim(t, u, redis, newClaim(redis, name, name+"-conn", nil))
	obj := waitReady(t, u, redis, userNS(), name)
	updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, "7.0", "service", "version") })
	if _, err := u.dyn.Resource(redis.GVR).Namespace(userNS()).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing claims in the granted namespace: %v", err)
	}
	if _, err := u.kube.CoreV1().Secrets(userNS()).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing secrets in the granted namespace: %v", err)
	}
	getSecret(t, u, userNS(), name+"-conn")

	// Its own Secrets, as a namespace admin: e.g. an alert channel's credentials.
	own := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("own")}, StringData: map[string]string{"api-key": "k"}}
	if _, err := u.kube.CoreV1().Secrets(userNS()).Create(ctx, own, metav1.CreateOptions{}); err != nil {
		t.Errorf("creating a secret in the granted namespace: %v", err)
	} else if err := u.kube.CoreV1().Secrets(userNS()).Delete(ctx, own.Name, metav1.DeleteOptions{}); err != nil {
		t.Errorf("deleting its secret in the granted namespace: %v", err)
	}

	instanceNS := str(obj, "status", "instanceNamespace")

	// The claim's status belongs to the platform.
	obj.Object["status"] = map[string]any{"instanceNamespace": "forged"}
	if _, err := u.dyn.Resource(redis.GVR).Namespace(userNS()).UpdateStatus(ctx, obj, metav1.UpdateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("user updating claim status: err %v, want Forbidden", err)
	}

	// Instance namespace: the controller's appcat:services:read binding lets the user look.
	if _, err := u.kube.CoreV1().Pods(instanceNS).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing pods in the instance namespace: %v", err)
	}
	if _, err := u.kube.CoreV1().Services(instanceNS).List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing services in the instance namespace: %v", err)
	}
	if _, err := u.kube.CoreV1().Secrets(instanceNS).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing secrets in the instance namespace: err %v, want Forbidden", err)
	}
	if _, err := u.kube.CoreV1().Secrets(instanceNS).Create(ctx, own, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("creating a secret in the instance namespace: err %v, want Forbidden", err)
	}

	forbidden := map[string]error{}
	_, forbidden["create a claim in another namespace"] = u.dyn.Resource(redis.GVR).Namespace(other).Create(ctx, newClaimIn(redis, uniqueName("x"), other), metav1.CreateOptions{})
	_, forbidden["list claims in another namespace"] = u.dyn.Resource(postgres.GVR).Namespace(other).List(ctx, metav1.ListOptions{})
	_, forbidden["list secrets in another namespace"] = u.kube.CoreV1().Secrets(other).List(ctx, metav1.ListOptions{})
	_, forbidden["create a secret in another namespace"] = u.kube.CoreV1().Secrets(other).Create(ctx, own, metav1.CreateOptions{})
	_, forbidden["create an AlertmanagerConfig in another namespace"] = u.dyn.Resource(alertmanagerConfigs).Namespace(other).Create(ctx, channelIn(other), metav1.CreateOptions{})
	_, forbidden["list claims cluster-wide"] = u.dyn.Resource(postgres.GVR).List(ctx, metav1.ListOptions{})
	_, forbidden["list secrets cluster-wide"] = u.kube.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	_, forbidden["list namespaces"] = u.kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	_, forbidden["read the platform CA"] = u.kube.CoreV1().Secrets("appcat-system").Get(ctx, "platform-ca", metav1.GetOptions{})
	_, forbidden["read the platform config"] = u.kube.CoreV1().ConfigMaps("appcat-system").Get(ctx, "platform-config", metav1.GetOptions{})
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	_, forbidden["list CRDs"] = u.dyn.Resource(crds).List(ctx, metav1.ListOptions{})
	_, forbidden["create a namespace"] = u.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: uniqueName("mine")}}, metav1.CreateOptions{})
	for what, err := range forbidden {
		if !apierrors.IsForbidden(err) {
			t.Errorf("user may %s: err %v, want Forbidden", what, err)
		}
	}
}

// channelIn is an AlertmanagerConfig in namespace ns.
func channelIn(ns string) *unstructured.Unstructured {
	obj := webhookChannel(uniqueName("x"), "http://127.0.0.1:1/")
	obj.SetNamespace(ns)
	return obj
}

func newClaimIn(k kindInfo, name, ns string) *unstructured.Unstructured {
	obj := newClaim(k, name, "", nil)
	obj.SetNamespace(ns)
	return obj
}

// TestViewerBindingFollowsGrant checks that a change of the namespace's appcat-customer
// RoleBinding reaches the instance namespaces' viewer bindings.
func TestViewerBindingFollowsGrant(t *testing.T) {
	u, a := user(t), admin(t)
	ctx := ctxFor(t)
	name := uniqueName("grant")
	createClaim(t, u, mariadb, newClaim(mariadb, name, "", nil))
	obj := waitReady(t, u, mariadb, userNS(), name)
	instanceNS := str(obj, "status", "instanceNamespace")

	rbs := a.kube.RbacV1().RoleBindings(userNS())
	customer, err := rbs.Get(ctx, "appcat-customer", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	original := slices.Clone(customer.Subjects)
	extra := rbacv1.Subject{Kind: "User", APIGroup: rbacv1.GroupName, Name: "colleague"}
	customer.Subjects = append(customer.Subjects, extra)
	if _, err := rbs.Update(ctx, customer, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := rbs.Get(ctxFor(t), "appcat-customer", metav1.GetOptions{})
		if err == nil {
			c.Subjects = original
			_, err = rbs.Update(ctxFor(t), c, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Errorf("restoring appcat-customer: %v", err)
		}
	})
	waitFor(t, "the viewer binding to include the new subject", func() (bool, error) {
		rb, err := a.kube.RbacV1().RoleBindings(instanceNS).Get(ctx, "appcat:services:read", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return slices.Contains(rb.Subjects, extra), nil
	})
}
