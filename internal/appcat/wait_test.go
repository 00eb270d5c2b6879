package appcat

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// TestReadinessWaitsForTheKindsVersionField: an upgrade waits for the version in the field the
// kind reports it in (Redis: currentReleaseTag), and not at all where that field does not follow
// an upgrade (MariaDB: mariadbVersion stays until maintenance moves to an x.y.z tag).
func TestReadinessWaitsForTheKindsVersionField(t *testing.T) {
	ready := []Condition{{Type: "Synced", Status: "True", ObservedGeneration: 2}, {Type: "Ready", Status: "True", ObservedGeneration: 2}}
	if r := readinessFor(Redis, 2, "8.0", Status{Conditions: ready, CurrentReleaseTag: "7.2.5", CurrentVersion: "8.0"}); r.Ready {
		t.Errorf("Redis reporting currentReleaseTag 7.2.5 counts as upgraded to 8.0: %+v", r)
	}
	if r := readinessFor(Redis, 2, "8.0", Status{Conditions: ready, CurrentReleaseTag: "8.0"}); !r.Ready {
		t.Errorf("Redis reporting currentReleaseTag 8.0 is not ready: %+v", r)
	}
	if r := readinessFor(MariaDB, 2, "11.8", Status{Conditions: ready, MariaDBVersion: "11.4.2-MariaDB-log"}); !r.Ready {
		t.Errorf("MariaDB waits on mariadbVersion, which may never follow: %+v", r)
	}
}

func TestVersionReported(t *testing.T) {
	for _, tt := range []struct {
		want, reported string
		ok             bool
	}{
		{"16", "16", true},
		{"16", "16.4", true},   // a patch release of the major version
		{"7.2", "7.2.5", true}, // a patch release of the minor version
		{"16", "15", false},
		{"16", "160", false},
		{"7.2", "7.0", false},
		{"8.0", "8.0.2", true},
		{"11.4", "11.40", false},
		{"16", "", true},                     // the platform reports no version: nothing to wait for
		{"11.4", "11.4.2-MariaDB-log", true}, // MariaDB's status.mariadbVersion
		{"11.8", "11.4.2-MariaDB-log", false},
		{"16", "16-bookworm", true}, // a pinned image tag of the major version
		{"1", "16", false},
	} {
		if got := VersionReported(tt.want, tt.reported); got != tt.ok {
			t.Errorf("VersionReported(%q, %q) = %t, want %t", tt.want, tt.reported, got, tt.ok)
		}
	}
}

// upgradingClaim is a PostgreSQL claim at generation 2 whose conditions say Ready without an
// observedGeneration (as Crossplane writes some conditions) while status.currentVersion still
// reports the version before the upgrade.
func upgradingClaim(currentVersion string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": ClaimGroupVersion.String(), "kind": PostgreSQL.Kind,
		"metadata": map[string]any{"name": "db", "namespace": "ns", "generation": int64(2)},
		"spec":     map[string]any{"parameters": map[string]any{"service": map[string]any{"majorVersion": "16"}}},
		"status": map[string]any{
			"currentVersion": currentVersion,
			"conditions": []any{
				map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess"},
				map[string]any{"type": "Ready", "status": "True", "reason": "Available"},
			},
		},
	}}
}

func fakeClaims(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{PostgreSQL.GVR(): "VSHNPostgreSQLList"}, objs...)
}

func TestWaitReadyWaitsForTheNewVersion(t *testing.T) {
	dyn := fakeClaims(upgradingClaim("15"))
	c := newClient(dyn, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Without a version to wait for, conditions without observedGeneration end the wait at once:
	// this is why an upgrade passes the version.
	if _, _, err := c.WaitReady(ctx, PostgreSQL, "ns", "db", 2, WaitOptions{}, nil); err != nil {
		t.Fatalf("WaitReady without a version: %v", err)
	}

	type result struct {
		claim *unstructured.Unstructured
		err   error
	}
	done := make(chan result, 1)
	go func() {
		u, _, err := c.WaitReady(ctx, PostgreSQL, "ns", "db", 2, WaitOptions{Version: "16"}, nil)
		done <- result{u, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("WaitReady returned while the platform still reports version 15: %v", r.err)
	case <-time.After(500 * time.Millisecond):
	}
	if _, err := dyn.Resource(PostgreSQL.GVR()).Namespace("ns").Update(ctx, upgradingClaim("16"), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("WaitReady: %v", r.err)
		}
		if v, _, _ := unstructured.NestedString(r.claim.Object, "status", "currentVersion"); v != "16" {
			t.Errorf("returned claim reports currentVersion %q, want 16", v)
		}
	case <-ctx.Done():
		t.Fatal("WaitReady did not return after the platform reported version 16")
	}
}

func TestWaitReadyTimeoutNamesTheVersion(t *testing.T) {
	c := newClient(fakeClaims(upgradingClaim("15")), Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, _, err := c.WaitReady(ctx, PostgreSQL, "ns", "db", 2, WaitOptions{Version: "16"}, nil)
	if err == nil || !strings.Contains(err.Error(), "reports version 15 (status.currentVersion), waiting for 16") {
		t.Fatalf("WaitReady error = %v, want a timeout that names both versions", err)
	}
}
