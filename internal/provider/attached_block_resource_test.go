package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Helpers of the acceptance tests of resources attached to an instance (backup policy,
// maintenance window), the backups data source and restores.

// Local platform extensions the tests drive (internal/localplatform/README.md).
const (
	clockSpeedAnnotation = "local.appcat.vshn.io/clock-speed"
	writeDataAnnotation  = "local.appcat.vshn.io/write-data"
)

const (
	policyManager = "terraform-appcat-backup-policy"
	windowManager = "terraform-appcat-maintenance-window"
)

// block is a resource or data source block of any type with the given attribute lines.
func block(kind, typ, label string, lines ...string) string {
	return fmt.Sprintf("\n%s %q %q {\n  %s\n}\n", kind, typ, label, strings.Join(lines, "\n  "))
}

// instance is an instance resource block of kind k, without deletion protection so the test can
// clean up.
func (k accKind) instance(label, name string, lines ...string) string {
	return block("resource", k.resourceType, label, k.withRequired(slices.Concat([]string{fmt.Sprintf("name = %q", name), "deletion_protection = false"}, lines))...)
}

// addrOf is the address of the instance resource with the label.
func (k accKind) addrOf(label string) string { return k.resourceType + "." + label }

// wrapped turns the spaces of an expected message into \s+, as Terraform wraps long messages.
func wrapped(re string) string { return "(?s)" + strings.ReplaceAll(re, " ", `\s+`) }

// ref is the reference to an attribute of the instance resource with the label.
func (k accKind) ref(label, attr string) string { return k.resourceType + "." + label + "." + attr }

// kindName is the kind attribute's value for k.
func (k accKind) kindName() string { return strings.TrimPrefix(k.resourceType, "appcat_") }

// attachedTo are the lines that attach a resource to the instance with the label.
func (k accKind) attachedTo(label string) []string {
	return []string{fmt.Sprintf("kind = %q", k.kindName()), "instance_id = " + k.ref(label, "id")}
}

// lateString is a config variable whose value is known only when the step runs (e.g. the name
// of a backup the platform takes during the test).
type lateString struct{ v *string }

func (l lateString) MarshalJSON() ([]byte, error) {
	if *l.v == "" {
		return nil, fmt.Errorf("test bug: variable used before it was set")
	}
	return json.Marshal(*l.v)
}

// --- platform checks ---

// specFieldOrAbsent checks one field of the claim's spec where the platform may leave it out
// (absent means its default).
func specFieldOrAbsent(want any, fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec"}, fields...)...); !found {
			return nil
		}
		return specField(want, fields...)(u)
	}
}

// specFieldIs checks a string field of the claim's spec against a value known only when the
// check runs.
func specFieldIs(want *string, fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error { return specField(*want, fields...)(u) }
}

// specAbsent checks that a field of the claim's spec is not set.
func specAbsent(fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		if v, found, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec"}, fields...)...); found {
			return fmt.Errorf("spec.%s is set to %v, want it absent", strings.Join(fields, "."), v)
		}
		return nil
	}
}

// statusMatches checks a string field of the claim's status against a regular expression.
func statusMatches(re string, fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		got, _, _ := unstructured.NestedString(u.Object, append([]string{"status"}, fields...)...)
		if !regexp.MustCompile(re).MatchString(got) {
			return fmt.Errorf("status.%s = %q, want a match of %s", strings.Join(fields, "."), got, re)
		}
		return nil
	}
}

// blockOwnedOnlyBy checks that exactly one field manager owns fields of spec.parameters.<block>.
func blockOwnedOnlyBy(block, manager string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		owners := appcat.BlockOwners(u, block)
		if len(owners) != 1 || len(owners[manager]) == 0 {
			return fmt.Errorf("spec.parameters.%s is owned by %v, want only %s", block, owners, manager)
		}
		return nil
	}
}

// managerOwnsOnly checks that a field manager owns fields of the given block and nothing else in
// spec.parameters, i.e. it never touches the instance's fields.
func managerOwnsOnly(manager, block string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		for _, mf := range u.GetManagedFields() {
			if mf.Manager != manager || mf.FieldsV1 == nil {
				continue
			}
			var fields map[string]any
			if err := json.Unmarshal(mf.FieldsV1.Raw, &fields); err != nil {
				return err
			}
			params, _ := fields["f:spec"].(map[string]any)["f:parameters"].(map[string]any)
			for k := range params {
				if k != "f:"+block && k != "." {
					return fmt.Errorf("field manager %s owns spec.parameters.%s, want only spec.parameters.%s", manager, strings.TrimPrefix(k, "f:"), block)
				}
			}
			return nil
		}
		return fmt.Errorf("field manager %s owns nothing", manager)
	}
}

// managerAbsent checks that a field manager owns no field of the claim any more.
func managerAbsent(manager string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		for _, mf := range u.GetManagedFields() {
			if mf.Manager == manager {
				return fmt.Errorf("field manager %s still owns fields: %s", manager, mf.FieldsV1.Raw)
			}
		}
		return nil
	}
}

// dataChecksumIs checks the data marker of the claim's instance (the platform's memory).
func dataChecksumIs(t *testing.T, want *string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		got := str(claimMemory(t, u), "data", "checksum")
		if got != *want {
			return fmt.Errorf("data marker %q, want %q", got, *want)
		}
		return nil
	}
}

// dataChecksumIsNot checks that the data marker of the claim's instance differs from another's.
func dataChecksumIsNot(t *testing.T, other *string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		got := str(claimMemory(t, u), "data", "checksum")
		if got == *other {
			return fmt.Errorf("data marker %q, want a different one", got)
		}
		return nil
	}
}

// dataMarker is the platform's data marker of an instance: what it holds.
type dataMarker struct {
	Checksum  string `json:"checksum"`
	Writes    int64  `json:"writes"`
	UpdatedAt string `json:"updatedAt"`
}

func readDataMarker(t *testing.T, kind appcat.Kind, ns, name string) dataMarker {
	t.Helper()
	u, err := getClaim(context.Background(), adminDynamic(t), kind, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := unstructured.NestedMap(claimMemory(t, u).Object, "data")
	raw, _ := json.Marshal(m)
	var d dataMarker
	_ = json.Unmarshal(raw, &d)
	return d
}

// writeData writes to an instance through the platform's write-data hook (as an application
// would write to the database) and waits until the platform reports the write. It returns the
// data marker after the write.
func writeData(t *testing.T, kind appcat.Kind, ns, name, payload string) dataMarker {
	t.Helper()
	before := readDataMarker(t, kind, ns, name)
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{writeDataAnnotation: payload}}})
	_, err := adminDynamic(t).Resource(kind.GVR()).Namespace(ns).Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: "test-application"})
	if err != nil {
		t.Fatalf("writing data to %s/%s: %v", ns, name, err)
	}
	var after dataMarker
	eventually(t, 30*time.Second, fmt.Sprintf("the platform reports the write %q to %s/%s", payload, ns, name), func() bool {
		after = readDataMarker(t, kind, ns, name)
		return after.Writes > before.Writes && after.Checksum != before.Checksum
	})
	return after
}

// backupHolding waits until the platform has a backup of the instance that holds the data with
// the checksum, and returns its name.
func backupHolding(t *testing.T, kind appcat.Kind, ns, name, checksum string) string {
	t.Helper()
	bk, _ := appcat.BackupKindOf(kind)
	var found string
	eventually(t, 90*time.Second, fmt.Sprintf("a backup of %s/%s holds checksum %s", ns, name, checksum), func() bool {
		list, err := adminDynamic(t).Resource(bk.GVR()).Namespace(ns).List(context.Background(),
			metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		claim, err := getClaim(context.Background(), adminDynamic(t), kind, ns, name)
		if err != nil {
			t.Fatal(err)
		}
		// Which data each backup holds: the platform's record, in its memory of the instance.
		records, _, _ := unstructured.NestedSlice(claimMemory(t, claim).Object, "localPlatform", "backups")
		holds := map[string]bool{}
		for _, r := range records {
			if m, _ := r.(map[string]any); m["checksum"] == checksum {
				holds[fmt.Sprint(m["name"])] = true
			}
		}
		// A backup names its instance in its status, as on AppCat: the claim, or the composite
		// of the PostgreSQL instance nested in it.
		want, field := name, []string{"status", bk.InstanceField}
		if bk.FieldsIn != "" {
			field = []string{"status", bk.FieldsIn, bk.InstanceField}
		}
		if bk.InstanceOfComposite != "" {
			composite, _, _ := unstructured.NestedString(claim.Object, "spec", "resourceRef", "name")
			want = composite + bk.InstanceOfComposite
		}
		for _, b := range list.Items {
			owner, _, _ := unstructured.NestedString(b.Object, field...)
			if owner == want && holds[b.GetName()] {
				found = b.GetName()
				return true
			}
		}
		return false
	})
	return found
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s", timeout, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// --- state checks ---

// stringIs is a knownvalue check against a value known only when the check runs.
type stringIs struct{ want *string }

func (c stringIs) CheckValue(v any) error {
	if s, ok := v.(string); !ok || s != *c.want {
		return fmt.Errorf("expected %q, got %v", *c.want, v)
	}
	return nil
}
func (c stringIs) String() string { return *c.want }

// stateCheckFunc is a statecheck from a function of the state's values.
type stateCheckFunc func(req statecheck.CheckStateRequest) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req)
}

// stateValue returns an attribute of a resource or data source in the state.
func stateValue(req statecheck.CheckStateRequest, addr string, path tfjsonpath.Path) (any, error) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == addr {
			return tfjsonpath.Traverse(r.AttributeValues, path)
		}
	}
	return nil, fmt.Errorf("%s is not in the state", addr)
}

// backupsListed checks the appcat_backups data source: newest first, every entry with a name,
// time and status, and one entry named *name (what that backup holds is checked on the platform).
func backupsListed(addr string, name *string) statecheck.StateCheck {
	return stateCheckFunc(func(req statecheck.CheckStateRequest) error {
		v, err := stateValue(req, addr, tfjsonpath.New("backups"))
		if err != nil {
			return err
		}
		list, _ := v.([]any)
		if len(list) == 0 {
			return fmt.Errorf("%s lists no backups", addr)
		}
		var times []string
		found := false
		for _, item := range list {
			b, _ := item.(map[string]any)
			n, _ := b["name"].(string)
			ts, _ := b["time"].(string)
			status, _ := b["status"].(string)
			if n == "" || status == "" {
				return fmt.Errorf("%s: backup without name or status: %v", addr, b)
			}
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				return fmt.Errorf("%s: backup %s has time %q, not RFC 3339", addr, n, ts)
			}
			times = append(times, ts)
			found = found || n == *name
		}
		if !found {
			return fmt.Errorf("%s does not list backup %s", addr, *name)
		}
		if !slices.IsSortedFunc(times, func(a, b string) int { return strings.Compare(b, a) }) {
			return fmt.Errorf("%s: backups are not newest first: %v", addr, times)
		}
		return nil
	})
}

// notInSchema matches Terraform's error for an argument the resource's schema does not have: a
// kind that lacks an attribute (kindDescriptor.lacks) leaves it out of its schema.
func notInSchema(attr string) string {
	return `(?s)An argument named "` + regexp.QuoteMeta(attr) + `" is not expected here`
}
