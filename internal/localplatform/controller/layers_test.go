package controller

import (
	"maps"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// providerConfigPolicy is the admission policy for AppCat's provider-config label check.
const providerConfigPolicy = "appcat-provider-config"

// TestLayersAgree: every service kind of the provider's API layer (appcat.Kinds) has exactly one
// row in the platform's kind table that says the same about it (service name, backups and how they
// name their instance, database users, maintenance window, metrics targets, the status field its
// version is reported in), an installed CRD of that kind and resource, a catalog entry for its
// default composition, the customer role's grant to manage its claims, and the admission policies
// exactly where AppCat runs its webhook; and the table has no row the API layer lacks. A
// half-registered kind fails here, not silently at run time.
func TestLayersAgree(t *testing.T) {
	objs, err := manifests.Objects()
	if err != nil {
		t.Fatal(err)
	}
	crds := map[string]string{}       // kind -> plural of the installed CRDs
	catalog := map[string]bool{}      // compositions the catalog describes
	policies := map[string][]string{} // admission policy -> the resources it matches
	customer := map[string][]string{} // API group -> resources the customer role may create
	for _, o := range objs {
		switch o.GetKind() {
		case "CustomResourceDefinition":
			kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
			plural, _, _ := unstructured.NestedString(o.Object, "spec", "names", "plural")
			crds[kind] = plural
		case "AppCat":
			catalog[o.GetName()] = true
		case "ValidatingAdmissionPolicy":
			rules, _, _ := unstructured.NestedSlice(o.Object, "spec", "matchConstraints", "resourceRules")
			for _, r := range rules {
				res, _, _ := unstructured.NestedStringSlice(r.(map[string]any), "resources")
				policies[o.GetName()] = append(policies[o.GetName()], res...)
			}
		case "ClusterRole":
			if o.GetName() != "appcat:customer" {
				continue
			}
			rules, _, _ := unstructured.NestedSlice(o.Object, "rules")
			for _, r := range rules {
				rule := r.(map[string]any)
				groups, _, _ := unstructured.NestedStringSlice(rule, "apiGroups")
				res, _, _ := unstructured.NestedStringSlice(rule, "resources")
				verbs, _, _ := unstructured.NestedStringSlice(rule, "verbs")
				if !slices.Contains(verbs, "get") {
					continue
				}
				for _, g := range groups {
					customer[g] = append(customer[g], res...)
				}
			}
		}
	}
	if len(policies) == 0 {
		t.Fatal("the manifests hold no admission policies")
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
			if !catalog[row.DefaultComposition] {
				t.Errorf("the catalog has no entry for the default composition %s", row.DefaultComposition)
			}
			if row.gvk().GroupVersion() != k.GVR().GroupVersion() {
				t.Errorf("group %s on the platform, %s in the API layer", row.gvk().GroupVersion(), k.GVR().GroupVersion())
			}
			if row.external != k.External {
				t.Errorf("external: platform %v, API layer %v", row.external, k.External)
			}
			if !slices.Contains(customer[k.GVR().GroupVersion().Group], k.Resource) {
				t.Errorf("the customer role may not manage %s", k.Resource)
			}
			// AppCat's webhook refuses deletion of protected claims and unknown provider
			// configs; the platform's admission policies do the same for exactly those kinds.
			// The provider-config rule is left out where the webhook does not check the label,
			// the deletion rule where it is not registered for deletion.
			for name, resources := range policies {
				want := k.Webhook && !k.WebhookIgnoresDeletion
				if name == providerConfigPolicy {
					want = k.Webhook && !k.WebhookIgnoresProviderConfig
				}
				if slices.Contains(resources, k.Resource) != want {
					t.Errorf("admission policy %s matches %s: %v, want %v (webhook %v, ignores the provider config %v)",
						name, k.Resource, slices.Contains(resources, k.Resource), want, k.Webhook, k.WebhookIgnoresProviderConfig)
				}
			}
			if row.noInstanceNamespace != k.NoInstanceNamespace {
				t.Errorf("no instance namespace: platform %v, API layer %v", row.noInstanceNamespace, k.NoInstanceNamespace)
			}
			if row.noInstanceNamespace && (row.access != nil || row.backup != nil || row.maintenance || row.monitoring != nil) {
				t.Errorf("a kind without instance namespace has users, backups, maintenance or monitors on the platform")
			}
			if row.maintenance != k.Maintenance {
				t.Errorf("maintenance window: platform %v, API layer %v", row.maintenance, k.Maintenance)
			}
			if (row.monitoring != nil) != k.MetricsTargets {
				t.Errorf("metrics targets: platform %v, API layer %v", row.monitoring != nil, k.MetricsTargets)
			}
			if (row.backup == nil) != (k.Backups == nil) {
				t.Fatalf("backups: platform %v, API layer %v", row.backup != nil, k.Backups != nil)
			}
			if b := k.Backups; b != nil {
				if row.backup.Kind != b.Kind || row.backup.resource != b.Resource || row.backup.instanceField != b.InstanceField ||
					row.backup.fieldsIn != b.FieldsIn || row.backup.nestedSuffix != b.InstanceOfComposite {
					t.Errorf("backups: platform %s/%s naming the instance in %s (in %q, nested %q), API layer %s/%s in %s (in %q, nested %q)",
						row.backup.Kind, row.backup.resource, row.backup.instanceField, row.backup.fieldsIn, row.backup.nestedSuffix,
						b.Kind, b.Resource, b.InstanceField, b.FieldsIn, b.InstanceOfComposite)
				}
				if crds[b.Kind] != b.Resource {
					t.Errorf("installed CRD of %s: resource %q, want %q", b.Kind, crds[b.Kind], b.Resource)
				}
				if !slices.Contains(customer[b.GVR().Group], b.Resource) {
					t.Errorf("the customer role may not read %s", b.Resource)
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
			// reads it from, and none where the API layer reads none.
			obj := row.newObject()
			status := map[string]any{}
			setRunningVersion(status, row.DefaultVersion)
			setRunningReleaseTag(status, row.DefaultVersion+".1")
			row.report(obj, status)
			reported := maps.Clone(status)
			delete(reported, statusLocalPlatform)
			switch s, _ := status[k.VersionStatus].(string); {
			case k.VersionStatus == "" && len(reported) > 0:
				t.Errorf("the platform reports a version (status %v), the API layer reads none", reported)
			case k.VersionStatus != "" && s == "":
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
