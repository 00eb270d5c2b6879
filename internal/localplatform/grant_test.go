package localplatform_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestGrantNamespace: a namespace granted after the start is the user's like the user
// namespaces (the same RoleBinding), usable as soon as GrantNamespace returns.
func TestGrantNamespace(t *testing.T) {
	p := platformtest.Platform()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ns := fmt.Sprintf("granted-%d", rand.IntN(1_000_000))
	admin := kubernetes.NewForConfigOrDie(p.AdminConfig())
	t.Cleanup(func() { _ = admin.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	user := kubernetes.NewForConfigOrDie(p.UserConfig())
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mine"}}
	if _, err := user.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("before the grant: err %v, want Forbidden", err)
	}

	if err := p.GrantNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if _, err := user.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Errorf("after the grant: %v", err)
	}
	rb, err := admin.RbacV1().RoleBindings(ns).Get(ctx, localplatform.CustomerRoleBinding, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rb.RoleRef.Name != localplatform.CustomerClusterRole || len(rb.Subjects) != 1 || rb.Subjects[0].Name != localplatform.CustomerUser {
		t.Errorf("RoleBinding %s/%s = %+v %+v", ns, rb.Name, rb.RoleRef, rb.Subjects)
	}
}
