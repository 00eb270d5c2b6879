package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// Checks that look at the platform itself, not at Terraform's state: what a user would check with
// kubectl after an apply.

func adminDynamic(t *testing.T) dynamic.Interface {
	t.Helper()
	skipWithoutPlatform(t)
	dyn, err := dynamic.NewForConfig(platformtest.Platform().AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}

func getClaim(ctx context.Context, dyn dynamic.Interface, kind appcat.Kind, ns, name string) (*unstructured.Unstructured, error) {
	return dyn.Resource(kind.GVR()).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
}

// claimMemory reads the local platform's memory of a claim's instance (package memory): what its
// extensions record, which the claim's status does not carry.
func claimMemory(t *testing.T, u *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	m, err := memory.OfClaim(context.Background(), adminClientset(t), u)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// str reads a string field of an unstructured object; "" when absent.
func str(u *unstructured.Unstructured, fields ...string) string {
	s, _, _ := unstructured.NestedString(u.Object, fields...)
	return s
}

// platformCheck is a statecheck that runs a check against the platform.
type platformCheck func(ctx context.Context) error

func (c platformCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(ctx)
}

// claimConverged checks that the claim is Synced and Ready for its current generation (the
// platform has done what the apply asked) and passes the claim to more checks.
func claimConverged(t *testing.T, kind appcat.Kind, ns, name string, more ...func(*unstructured.Unstructured) error) statecheck.StateCheck {
	dyn := adminDynamic(t)
	return platformCheck(func(ctx context.Context) error {
		u, err := getClaim(ctx, dyn, kind, ns, name)
		if err != nil {
			return err
		}
		claim, err := appcat.FromUnstructured[map[string]any](u)
		if err != nil {
			return err
		}
		if r := appcat.ReadinessOf(u.GetGeneration(), claim.Status); !r.Ready {
			return fmt.Errorf("claim %s/%s is not ready for generation %d: %s", ns, name, u.GetGeneration(), r)
		}
		for _, check := range more {
			if err := check(u); err != nil {
				return fmt.Errorf("claim %s/%s: %w", ns, name, err)
			}
		}
		return nil
	})
}

// specField checks one field of the claim's spec.
func specField(want any, fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		got, found, err := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec"}, fields...)...)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("spec.%v is not set, want %v", fields, want)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("spec.%v = %v, want %v", fields, got, want)
		}
		return nil
	}
}

// labelIs checks one label of the claim.
func labelIs(key, want string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		if got, ok := u.GetLabels()[key]; !ok || got != want {
			return fmt.Errorf("label %s = %q (set: %t), want %q", key, got, ok, want)
		}
		return nil
	}
}

// claimExists fails the test unless the claim is on the platform.
func claimExists(t *testing.T, kind appcat.Kind, ns, name string) {
	t.Helper()
	if _, err := getClaim(context.Background(), adminDynamic(t), kind, ns, name); err != nil {
		t.Fatalf("claim %s/%s should exist: %v", ns, name, err)
	}
}

// deleteClaimOutsideTerraform deletes a claim as kubectl would and waits until it is gone.
func deleteClaimOutsideTerraform(t *testing.T, kind appcat.Kind, ns, name string) {
	t.Helper()
	ctx := context.Background()
	dyn := adminDynamic(t)
	if err := dyn.Resource(kind.GVR()).Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting claim %s/%s: %v", ns, name, err)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if _, err := getClaim(ctx, dyn, kind, ns, name); apierrors.IsNotFound(err) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("claim %s/%s still exists a minute after deletion", ns, name)
}

// editClaimOutsideTerraform changes a claim as `kubectl edit` would (an update by another field
// manager).
func editClaimOutsideTerraform(t *testing.T, kind appcat.Kind, ns, name string, edit func(u *unstructured.Unstructured)) {
	t.Helper()
	ctx := context.Background()
	dyn := adminDynamic(t)
	u, err := getClaim(ctx, dyn, kind, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	edit(u)
	if _, err := dyn.Resource(kind.GVR()).Namespace(ns).Update(ctx, u, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatalf("editing claim %s/%s: %v", ns, name, err)
	}
}
