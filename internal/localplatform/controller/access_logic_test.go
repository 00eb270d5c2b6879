package controller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Unit tests of the access logic that needs no API server; access_test.go tests it on the platform.

func TestParseAccessDefaults(t *testing.T) {
	obj := claim(kindByName("VSHNPostgreSQL"), "db", "uid-1", map[string]any{"service": map[string]any{"access": []any{
		map[string]any{"user": "app"},
		map[string]any{"user": "ro", "database": "app", "writeConnectionSecretToRef": map[string]any{"name": "ro-creds", "namespace": "ns"}},
	}}})
	_ = unstructured.SetNestedField(obj.Object, "vshnpostgres.vshn.appcat.vshn.io", "spec", "compositionRef", "name")
	users, err := parseAccess(obj, *kindByName("VSHNPostgreSQL").access)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(users)
	if want := "[{app app [] db-app} {ro app [] ro-creds}]"; got != want {
		t.Errorf("parseAccess = %s, want %s", got, want)
	}
}

func TestParseAccessNameLimitsPerKind(t *testing.T) {
	for _, tc := range []struct {
		kind, user string
		ok         bool
	}{
		{"VSHNPostgreSQL", strings.Repeat("a", 63), true},
		{"VSHNPostgreSQL", strings.Repeat("a", 64), false},
		{"VSHNMariaDB", strings.Repeat("a", 32), true},
		{"VSHNMariaDB", strings.Repeat("a", 33), false},
		{"VSHNMariaDB", "app-1", true},
		{"VSHNMariaDB", "app_1", false}, // used in Kubernetes object names on AppCat
		{"VSHNMariaDB", "app-", false},
		{"VSHNMariaDB", "-app", false},
	} {
		obj := claim(kindByName(tc.kind), "db", "uid", map[string]any{"service": map[string]any{"access": []any{map[string]any{"user": tc.user}}}})
		_, err := parseAccess(obj, *kindByName(tc.kind).access)
		if (err == nil) != tc.ok {
			t.Errorf("%s user %q: err = %v, want ok %v", tc.kind, tc.user, err, tc.ok)
		}
	}
}

func TestAccessStatusRetainsRemovedRoles(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	status := map[string]any{}
	apply := func(at time.Time, users ...accessUser) string {
		setAccessStatus(status, &accessOutcome{users: users}, at)
		return fmt.Sprint(status["access"]) + " | " + fmt.Sprint(status["retainedRoles"])
	}
	a := accessUser{User: "a", Database: "a", SecretName: "db-a"}
	b := accessUser{User: "b", Database: "shop", SecretName: "db-b", Privileges: []string{"SELECT"}}

	apply(t0, a, b)
	if got := fmt.Sprint(status["access"]); got != "[map[database:a secretName:db-a user:a] map[database:shop privileges:[SELECT] secretName:db-b user:b]]" {
		t.Errorf("access = %s", got)
	}
	if _, ok := status["retainedRoles"]; ok {
		t.Error("retainedRoles set without any removal")
	}

	// b removed: retained with the time it was noticed; that time stays on later passes.
	apply(t0.Add(time.Minute), a)
	want := "[map[database:shop removedAt:2026-05-01T10:01:00Z user:b]]"
	if got := fmt.Sprint(status["retainedRoles"]); got != want {
		t.Errorf("retainedRoles = %s, want %s", got, want)
	}
	apply(t0.Add(time.Hour), a)
	if got := fmt.Sprint(status["retainedRoles"]); got != want {
		t.Errorf("retainedRoles on a later pass = %s, want %s", got, want)
	}

	// a moves to another database: its old database is retained.
	a2 := a
	a2.Database = "other"
	apply(t0.Add(2*time.Hour), a2)
	if got := fmt.Sprint(status["retainedRoles"]); !strings.Contains(got, "database:a removedAt:2026-05-01T12:00:00Z user:a") || !strings.Contains(got, "user:b") {
		t.Errorf("retainedRoles after a database change = %s", got)
	}

	// b back with its database: no longer retained. Everything gone: both lists removed.
	apply(t0.Add(3*time.Hour), a2, b)
	if got := fmt.Sprint(status["retainedRoles"]); strings.Contains(got, "user:b") {
		t.Errorf("re-added user still retained: %s", got)
	}
	setAccessStatus(status, &accessOutcome{}, t0.Add(4*time.Hour))
	if _, ok := status["access"]; ok {
		t.Error("status.access kept with no users")
	}
	if got := fmt.Sprint(status["retainedRoles"]); !strings.Contains(got, "user:b") || !strings.Contains(got, "database:other") {
		t.Errorf("retainedRoles after removing all = %s", got)
	}

	// Kinds without users leave the status alone.
	before := fmt.Sprint(status)
	setAccessStatus(status, nil, t0)
	if fmt.Sprint(status) != before {
		t.Error("a nil outcome changed the status")
	}
}
