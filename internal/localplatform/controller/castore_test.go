package controller

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// A restarted controller (a new caStore) must find and reuse the CA and seed in the API.
func TestCAStoreReusesPlatformCA(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).Build()

	first, err := (&caStore{c: c}).get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sec corev1.Secret
	if err := c.Get(ctx, types.NamespacedName{Namespace: systemNamespace, Name: platformCASecret}, &sec); err != nil {
		t.Fatalf("platform CA not stored: %v", err)
	}
	if string(sec.Data["ca.crt"]) != string(first.ca.certPEM) || len(sec.Data[keyPasswordSeed]) == 0 {
		t.Error("stored secret does not hold the CA and seed")
	}

	second, err := (&caStore{c: c}).get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(second.ca.certPEM) != string(first.ca.certPEM) || string(second.seed) != string(first.seed) {
		t.Error("a new store created another CA instead of reusing the stored one")
	}
	if first.password("uid") != second.password("uid") {
		t.Error("passwords differ after a restart")
	}
}

// A CA secret written by someone else without a seed is kept, and gets a seed once.
func TestCAStoreAddsSeedToForeignCA(t *testing.T) {
	ctx := context.Background()
	ca, err := newAuthority("foreign")
	if err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).WithObjects(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: platformCASecret},
		Data:       map[string][]byte{corev1.TLSCertKey: ca.certPEM, corev1.TLSPrivateKeyKey: ca.keyPEM},
	}).Build()
	ps, err := (&caStore{c: c}).get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(ps.ca.certPEM) != string(ca.certPEM) {
		t.Error("foreign CA replaced")
	}
	again, err := (&caStore{c: c}).get(ctx)
	if err != nil || string(again.seed) != string(ps.seed) {
		t.Errorf("seed not stored: %v", err)
	}
}
