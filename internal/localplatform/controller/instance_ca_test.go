package controller

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// A restarted controller (a new caStore) signs an instance's certificates with the CA it had.
func TestCAStoreReusesInstanceCA(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).Build()
	uid := types.UID("uid-1")
	first, err := (&caStore{c: c}).forInstance(ctx, uid, "vshn-redis-a-abcde")
	if err != nil {
		t.Fatal(err)
	}
	second, err := (&caStore{c: c}).forInstance(ctx, uid, "vshn-redis-a-abcde")
	if err != nil {
		t.Fatal(err)
	}
	if string(first.ca.certPEM) != string(second.ca.certPEM) {
		t.Error("a new store created another instance CA instead of reusing the stored one")
	}
	other, err := (&caStore{c: c}).forInstance(ctx, "uid-2", "vshn-redis-b-abcde")
	if err != nil {
		t.Fatal(err)
	}
	platform, err := (&caStore{c: c}).get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(other.ca.certPEM) == string(first.ca.certPEM) || string(platform.ca.certPEM) == string(first.ca.certPEM) {
		t.Error("two instances, or an instance and the platform, share a CA")
	}
	if first.password("x") != other.password("x") || first.password("x") != platform.password("x") {
		t.Error("the password seed differs between instances")
	}
	if err := (&caStore{c: c}).deleteInstanceCA(ctx, uid); err != nil {
		t.Fatal(err)
	}
	var s corev1.Secret
	if err := c.Get(ctx, types.NamespacedName{Namespace: systemNamespace, Name: instanceCASecretName(uid)}, &s); !apierrors.IsNotFound(err) {
		t.Errorf("deleted instance CA still stored (err %v)", err)
	}
}
