package appcat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Unit tests of the access list manipulation; access_platform_test.go runs the operations against
// the local platform.

func accessUserList(list []Access) string {
	var parts []string
	for _, e := range list {
		s := e.User
		if e.Database != nil {
			s += "@" + *e.Database
		}
		if len(e.Privileges) > 0 {
			s += fmt.Sprint(e.Privileges)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func accessPtr[T any](v T) *T { return &v }

func TestUpsertAccess(t *testing.T) {
	list := []Access{{User: "a"}, {User: "b", Database: accessPtr("shop")}, {User: "c"}}

	got, existed := UpsertAccess(list, Access{User: "b", Database: accessPtr("shop"), Privileges: []string{"SELECT"}})
	if !existed || accessUserList(got) != "a,b@shop[SELECT],c" {
		t.Errorf("replace: %s (existed %v), want b replaced in place", accessUserList(got), existed)
	}
	got, existed = UpsertAccess(list, Access{User: "d"})
	if existed || accessUserList(got) != "a,b@shop,c,d" {
		t.Errorf("add: %s (existed %v), want d appended", accessUserList(got), existed)
	}
	got, _ = UpsertAccess(nil, Access{User: "a"})
	if accessUserList(got) != "a" {
		t.Errorf("add to nil: %s", accessUserList(got))
	}
	// A list that (wrongly) holds a user twice ends up with one entry.
	got, _ = UpsertAccess([]Access{{User: "a"}, {User: "a", Database: accessPtr("x")}}, Access{User: "a", Database: accessPtr("y")})
	if accessUserList(got) != "a@y" {
		t.Errorf("duplicates: %s, want a@y", accessUserList(got))
	}
	if accessUserList(list) != "a,b@shop,c" {
		t.Errorf("the input list was modified: %s", accessUserList(list))
	}
}

func TestRemoveAccess(t *testing.T) {
	list := []Access{{User: "a"}, {User: "b"}, {User: "c"}}
	got, removed := RemoveAccess(list, "b")
	if !removed || accessUserList(got) != "a,c" {
		t.Errorf("remove b: %s (removed %v)", accessUserList(got), removed)
	}
	got, removed = RemoveAccess(list, "x")
	if removed || accessUserList(got) != "a,b,c" {
		t.Errorf("remove x: %s (removed %v)", accessUserList(got), removed)
	}
	if accessUserList(list) != "a,b,c" {
		t.Errorf("the input list was modified: %s", accessUserList(list))
	}
}

func TestSetAccessList(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"parameters": map[string]any{
		"service": map[string]any{"majorVersion": "16", "access": []any{map[string]any{"user": "old"}}},
	}}}}
	list := []Access{{User: "a", Database: accessPtr("shop"), Privileges: []string{"SELECT"},
		WriteConnectionSecretToRef: &NamespacedRef{Name: "s", Namespace: "ns"}}}
	if err := setAccessList(u, list); err != nil {
		t.Fatal(err)
	}
	got, _, _ := unstructured.NestedSlice(u.Object, "spec", "parameters", "service", "access")
	if want := "[map[database:shop privileges:[SELECT] user:a writeConnectionSecretToRef:map[name:s namespace:ns]]]"; fmt.Sprint(got) != want {
		t.Errorf("access = %v\nwant %s", got, want)
	}
	if v, _, _ := unstructured.NestedString(u.Object, "spec", "parameters", "service", "majorVersion"); v != "16" {
		t.Error("other service fields were lost")
	}
	if err := setAccessList(u, nil); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "parameters", "service", "access"); found {
		t.Error("an empty list should remove the field")
	}
}

func TestAccessRules(t *testing.T) {
	for name, ok := range map[string]bool{
		"app": true, "app-1": true, "a": true, "a1": true,
		"App": false, "app_1": false, "1app": false, "app-": false, "-app": false, "": false, "app.x": false,
	} {
		if AccessNameRule.MatchString(name) != ok {
			t.Errorf("AccessNameRule(%q) = %v, want %v", name, !ok, ok)
		}
	}
	if u, d := AccessLimits(PostgreSQL); u != 63 || d != 63 {
		t.Errorf("PostgreSQL limits = %d, %d", u, d)
	}
	if u, d := AccessLimits(MariaDB); u != 32 || d != 64 {
		t.Errorf("MariaDB limits = %d, %d", u, d)
	}
	if !PrivilegeRule(PostgreSQL).MatchString("SELECT") || PrivilegeRule(PostgreSQL).MatchString("ALL PRIVILEGES") || PrivilegeRule(PostgreSQL).MatchString("select") {
		t.Error("PostgreSQL privilege rule")
	}
	if !PrivilegeRule(MariaDB).MatchString("ALL PRIVILEGES") || !PrivilegeRule(MariaDB).MatchString("LOCK_TABLES") || PrivilegeRule(MariaDB).MatchString("select") {
		t.Error("MariaDB privilege rule")
	}
	if PrivilegesSupported(PostgreSQL, "") || PrivilegesSupported(PostgreSQL, CompositionPostgreSQLCNPG) || !PrivilegesSupported(PostgreSQL, CompositionPostgreSQLStackGres) || !PrivilegesSupported(MariaDB, "") {
		t.Error("PrivilegesSupported")
	}
	if _, ok := AccessSecretOf(Redis); ok {
		t.Error("Redis has no database users")
	}
	if got := AccessSecretName("db", Access{User: "app"}); got != "db-app" {
		t.Errorf("default secret name %q", got)
	}
	if got := AccessSecretName("db", Access{User: "app", WriteConnectionSecretToRef: &NamespacedRef{Name: "x"}}); got != "x" {
		t.Errorf("secret name %q", got)
	}
	if AccessDatabase(Access{User: "app"}) != "app" || AccessDatabase(Access{User: "app", Database: accessPtr("shop")}) != "shop" {
		t.Error("AccessDatabase")
	}
}

// fakeAccessClaim returns a fake dynamic client holding one PostgreSQL claim.
func fakeAccessClaim(t *testing.T, composition string, access ...any) *dynamicfake.FakeDynamicClient {
	t.Helper()
	spec := map[string]any{"parameters": map[string]any{"service": map[string]any{"access": access}}}
	if composition != "" {
		spec["compositionRef"] = map[string]any{"name": composition}
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": ClaimGroupVersion.String(), "kind": PostgreSQL.Kind,
		"metadata": map[string]any{"name": "db", "namespace": "ns", "resourceVersion": "1"},
		"spec":     spec,
	}}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{PostgreSQL.GVR(): "VSHNPostgreSQLList"}, obj)
}

func TestChangeAccessRetriesConflicts(t *testing.T) {
	dyn := fakeAccessClaim(t, CompositionPostgreSQLStackGres, map[string]any{"user": "a"})
	var updates, conflicts atomic.Int32
	dyn.PrependReactor("update", PostgreSQL.Resource, func(k8stesting.Action) (bool, runtime.Object, error) {
		if updates.Add(1) <= 3 {
			conflicts.Add(1)
			return true, nil, apierrors.NewConflict(PostgreSQL.GVR().GroupResource(), "db", errors.New("the object has been modified"))
		}
		return false, nil, nil
	})
	c := newClient(dyn, Options{})
	view, err := c.PutAccess(context.Background(), PostgreSQL, "ns", "db", "test", Access{User: "b", Privileges: []string{"SELECT"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if conflicts.Load() != 3 || updates.Load() != 4 {
		t.Errorf("updates = %d with %d conflicts, want 4 with 3", updates.Load(), conflicts.Load())
	}
	if accessUserList(view.Users) != "a,b[SELECT]" {
		t.Errorf("access after retries = %s", accessUserList(view.Users))
	}
	var gets int
	for _, a := range dyn.Actions() {
		if a.GetVerb() == "get" {
			gets++
		}
	}
	if gets != 4 {
		t.Errorf("%d reads, want one before each of the 4 writes (a retry must read again)", gets)
	}
}

func TestPutAccessRefusals(t *testing.T) {
	ctx := context.Background()

	c := newClient(fakeAccessClaim(t, "", map[string]any{"user": "a"}), Options{})
	if _, err := c.PutAccess(ctx, PostgreSQL, "ns", "db", "test", Access{User: "b", Privileges: []string{"SELECT"}}, true); !errors.Is(err, ErrPrivilegesUnsupported) {
		t.Errorf("privileges on the default (CloudNativePG) composition: err = %v", err)
	}
	if _, err := c.PutAccess(ctx, PostgreSQL, "ns", "db", "test", Access{User: "a"}, true); !errors.Is(err, ErrAccessExists) {
		t.Errorf("create of a listed user: err = %v", err)
	}
	view, err := c.GetAccess(ctx, PostgreSQL, "ns", "db", Exact)
	if err != nil || accessUserList(view.Users) != "a" {
		t.Errorf("a refused change was written: %v %v", view, err)
	}
	if _, err := c.PutAccess(ctx, PostgreSQL, "ns", "missing", "test", Access{User: "a"}, true); !IsNotFound(err) {
		t.Errorf("missing claim: err = %v, want not found", err)
	}

	// Removing the last user removes the field; removing an unlisted user writes nothing.
	view, removed, err := c.DeleteAccess(ctx, PostgreSQL, "ns", "db", "test", "a")
	if err != nil || !removed || len(view.Users) != 0 {
		t.Errorf("DeleteAccess(a) = %v, %v, %v", view, removed, err)
	}
	if _, removed, err := c.DeleteAccess(ctx, PostgreSQL, "ns", "db", "test", "a"); err != nil || removed {
		t.Errorf("second DeleteAccess(a) = %v, %v", removed, err)
	}
	if _, removed, err := c.DeleteAccess(ctx, PostgreSQL, "ns", "gone", "test", "a"); err != nil || removed {
		t.Errorf("DeleteAccess on a missing claim = %v, %v; want no error", removed, err)
	}
}
