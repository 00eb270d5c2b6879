package controller

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// TestLayersAgree: every service kind of the provider's API layer (appcat.Kinds) has exactly one
// row in the platform's kind table that says the same about it (service name, backups and how they
// name their instance, database users, the status field its version is reported in), and an
// installed CRD of that kind and resource; and the table has no row the API layer lacks. A
// half-registered kind fails here, not silently at run time.
func TestLayersAgree(t *testing.T) {
	objs, err := manifests.Objects()
	if err != nil {
		t.Fatal(err)
	}
	crds := map[string]string{} // kind -> plural of the installed CRDs
	for _, o := range objs {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		plural, _, _ := unstructured.NestedString(o.Object, "spec", "names", "plural")
		crds[kind] = plural
	}

	seen := map[string]bool{}
	for _, k := range appcat.Kinds {
		t.Run(k.Kind, func(t *testing.T) {
			if seen[k.Kind] {
				t.Fatalf("%s is listed twice in appcat.Kinds", k.Kind)
			}
			seen[k.Kind] = true
			row := kindByName(k.Kind)
			if row == nil {
				t.Fatalf("the platform has no row for %s", k.Kind)
			}
			if row.Service != k.Service {
				t.Errorf("service %q on the platform, %q in the API layer", row.Service, k.Service)
			}
			if crds[k.Kind] != k.Resource {
				t.Errorf("installed CRD of %s: resource %q, want %q", k.Kind, crds[k.Kind], k.Resource)
			}
			if (row.backup == nil) != (k.Backups == nil) {
				t.Fatalf("backups: platform %v, API layer %v", row.backup != nil, k.Backups != nil)
			}
			if b := k.Backups; b != nil {
				if row.backup.Kind != b.Kind || row.backup.resource != b.Resource || row.backup.instanceField != b.InstanceField {
					t.Errorf("backups: platform %s/%s naming the instance in %s, API layer %s/%s in %s",
						row.backup.Kind, row.backup.resource, row.backup.instanceField, b.Kind, b.Resource, b.InstanceField)
				}
				if crds[b.Kind] != b.Resource {
					t.Errorf("installed CRD of %s: resource %q, want %q", b.Kind, crds[b.Kind], b.Resource)
				}
			}
			if (row.access == nil) != (k.Users == nil) {
				t.Fatalf("database users: platform %v, API layer %v", row.access != nil, k.Users != nil)
			}
			if u := k.Users; u != nil {
				if row.access.userMaxLength != u.UserMaxLength || row.access.databaseMaxLength != u.DatabaseMaxLength ||
					row.access.privilegePattern.String() != u.Privilege.String() {
					t.Errorf("database user rules differ: platform %d/%d %s, API layer %d/%d %s",
						row.access.userMaxLength, row.access.databaseMaxLength, row.access.privilegePattern,
						u.UserMaxLength, u.DatabaseMaxLength, u.Privilege)
				}
			}
			// The platform reports a provisioned instance's version in the field the API layer
			// reads it from.
			obj := row.newObject()
			status := map[string]any{}
			setRunningVersion(status, row.DefaultVersion)
			setRunningReleaseTag(status, row.DefaultVersion+".1")
			row.reportVersion(obj, status)
			if s, _ := status[k.VersionStatus].(string); s == "" {
				t.Errorf("the platform reports no %s (status %v)", k.VersionStatus, status)
			}
		})
	}
	for _, row := range kinds {
		if !seen[row.Kind] {
			t.Errorf("the platform serves %s, which the API layer does not know", row.Kind)
		}
	}
}
