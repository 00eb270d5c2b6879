package manifests_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

type backupExpectation struct {
	kind, plural string
	columns      []string          // printer column names, in order
	fields       map[string]string // status path -> type
	fieldsIn     string            // the status field holding the snapshot (id, date, instance); "" for the status
}

var backupKinds = []backupExpectation{
	{"VSHNPostgresBackup", "vshnpostgresbackups", []string{"Instance", "Status", "Started", "Completed", "Age"}, map[string]string{
		"status.databaseInstance": "string", "status.process.status": "string", "status.process.jobPod": "string",
		"status.process.timing.start": "string", "status.process.timing.end": "string",
		"status.backupInformation": "object",
	}, ""},
	{"VSHNRedisBackup", "vshnredisbackups", []string{"Instance", "Date", "Age"}, map[string]string{
		"status.id": "string", "status.date": "string", "status.instance": "string",
	}, ""},
	{"VSHNMariaDBBackup", "vshnmariadbbackups", []string{"Instance", "Date", "Age"}, map[string]string{
		"status.id": "string", "status.date": "string", "status.instance": "string",
	}, ""},
	{"VSHNNextcloudBackup", "vshnnextcloudbackups", []string{"Instance", "Date", "Age"}, map[string]string{
		"status.nextcloudFileBackup.id": "string", "status.nextcloudFileBackup.date": "string",
		"status.nextcloudFileBackup.instance": "string", "status.databaseType": "string",
		"status.FileBackupAvailable": "boolean", "status.DatabaseBackupAvailable": "boolean",
		"status.databaseBackupStatus": "object",
	}, "nextcloudFileBackup"},
	{"VSHNKeycloakBackup", "vshnkeycloakbackups", []string{"Database Instance", "Started", "Finished", "DatabaseBackup", "Age"}, map[string]string{
		"status.DatabaseBackupAvailable": "boolean", "status.databaseBackupStatus.databaseInstance": "string",
		"status.databaseBackupStatus.process.status": "string", "status.databaseBackupStatus.process.timing.end": "string",
		"status.databaseBackupStatus.backupInformation": "object",
	}, "databaseBackupStatus"},
}

func TestBackupCRDs(t *testing.T) {
	crds := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, c := range decodeAll(t).crds {
		crds[c.Name] = c
	}
	for _, b := range backupKinds {
		t.Run(b.kind, func(t *testing.T) {
			crd := crds[b.plural+"."+manifests.APIGroup]
			if crd == nil {
				t.Fatalf("no CRD %s.%s", b.plural, manifests.APIGroup)
			}
			if crd.Spec.Group != manifests.APIGroup || crd.Spec.Names.Kind != b.kind || crd.Spec.Names.Plural != b.plural ||
				crd.Spec.Scope != apiextensionsv1.NamespaceScoped {
				t.Errorf("names/scope: group %s kind %s plural %s scope %s", crd.Spec.Group, crd.Spec.Names.Kind, crd.Spec.Names.Plural, crd.Spec.Scope)
			}
			if len(crd.Spec.Versions) != 1 {
				t.Fatalf("versions: %d", len(crd.Spec.Versions))
			}
			v := crd.Spec.Versions[0]
			if v.Name != "v1" || !v.Served || !v.Storage {
				t.Errorf("version %s served %v storage %v", v.Name, v.Served, v.Storage)
			}
			if v.Subresources == nil || v.Subresources.Status == nil {
				t.Error("no status subresource: users (and the provider) must see status written only by the platform")
			}
			var cols []string
			for _, c := range v.AdditionalPrinterColumns {
				cols = append(cols, c.Name)
			}
			if !reflect.DeepEqual(cols, b.columns) {
				t.Errorf("printer columns %v, want %v", cols, b.columns)
			}
			root := v.Schema.OpenAPIV3Schema
			for p, typ := range b.fields {
				if s := prop(t, root, p); s.Type != typ {
					t.Errorf("%s: type %q, want %q", p, s.Type, typ)
				}
			}
		})
	}
}

func TestCustomerRoleReadsBackups(t *testing.T) {
	var customer *rbacv1.ClusterRole
	for _, r := range decodeAll(t).roles {
		if r.Name == "appcat:customer" {
			customer = r
		}
	}
	if customer == nil {
		t.Fatal("no ClusterRole appcat:customer")
	}
	for _, b := range backupKinds {
		for verb, want := range map[string]bool{"get": true, "list": true, "watch": true, "create": false, "update": false,
			"patch": false, "delete": false, "deletecollection": false} {
			if got := allows(customer, manifests.APIGroup, b.plural, verb); got != want {
				t.Errorf("%s %s: allowed %v, want %v", verb, b.plural, got, want)
			}
		}
		if allows(customer, manifests.APIGroup, b.plural+"/status", "update") {
			t.Errorf("customers may write %s/status", b.plural)
		}
	}
}

// TestBackupKindsServedReadOnly checks against the API server: the backup kinds are served,
// admins (the platform) can write them with status, and a customer bound to a namespace reads
// them there but cannot create, change or delete them, nor read them elsewhere.
func TestBackupKindsServedReadOnly(t *testing.T) {
	e := newEnv(t)
	p := platformtest.Platform()
	userDyn := dynamic.NewForConfigOrDie(p.UserConfig())
	userCS := kubernetes.NewForConfigOrDie(p.UserConfig())
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "appcat-customer", Namespace: e.ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "appcat:customer"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "appcat-user"}},
	}
	if _, err := e.cs.RbacV1().RoleBindings(e.ns).Create(e.ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := wait.PollUntilContextCancel(e.ctx, 100*time.Millisecond, true, func(context.Context) (bool, error) {
		r, err := userCS.AuthorizationV1().SelfSubjectAccessReviews().Create(e.ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: e.ns, Group: manifests.APIGroup, Resource: "vshnredisbackups", Verb: "list",
			}},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed, err
	}); err != nil {
		t.Fatalf("the role binding never took effect: %v", err)
	}

	for _, b := range backupKinds {
		t.Run(b.kind, func(t *testing.T) {
			gvr := schema.GroupVersionResource{Group: manifests.APIGroup, Version: "v1", Resource: b.plural}
			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": manifests.APIGroup + "/v1", "kind": b.kind,
				"metadata": map[string]any{"name": "b1", "namespace": e.ns,
					"labels": map[string]any{"appcat.vshn.io/claim-name": "db", "appcat.vshn.io/claim-kind": "x"}},
			}}
			created, err := e.dyn.Resource(gvr).Namespace(e.ns).Create(e.ctx, obj, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("admin creating a %s: %v", b.kind, err)
			}
			// no namespace controller runs here: delete what the namespace would not take along
			t.Cleanup(func() { _ = e.dyn.Resource(gvr).Namespace(e.ns).Delete(e.ctx, "b1", metav1.DeleteOptions{}) })
			status := map[string]any{"dataChecksum": "abc", "instance": "db", "id": "b1ffffff", "date": "2026-05-01T10:00:00Z"}
			if b.fieldsIn != "" {
				status = map[string]any{"dataChecksum": "abc", b.fieldsIn: map[string]any{"instance": "db", "id": "b1ffffff", "date": "2026-05-01T10:00:00Z"}}
			}
			if b.kind == "VSHNKeycloakBackup" {
				status = map[string]any{"dataChecksum": "abc", "DatabaseBackupAvailable": true, b.fieldsIn: map[string]any{"databaseInstance": "db",
					"process": map[string]any{"status": "Completed", "timing": map[string]any{"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:00:01Z"}}}}
			}
			if b.kind == "VSHNPostgresBackup" {
				status = map[string]any{"dataChecksum": "abc", "databaseInstance": "db",
					"process": map[string]any{"status": "Completed", "timing": map[string]any{"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:00:01Z"}}}
			}
			created.Object["status"] = status
			if _, err := e.dyn.Resource(gvr).Namespace(e.ns).UpdateStatus(e.ctx, created, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("admin writing the status of a %s: %v", b.kind, err)
			}

			got, err := userDyn.Resource(gvr).Namespace(e.ns).Get(e.ctx, "b1", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("user reading a backup: %v", err)
			}
			// As AppCat's API, which serves Go types: fields it does not have are dropped.
			if c, found, _ := unstructured.NestedString(got.Object, "status", "dataChecksum"); found {
				t.Errorf("status.dataChecksum = %q kept: the status holds only AppCat's fields", c)
			}
			inst := got.Object["status"].(map[string]any)
			if b.fieldsIn != "" {
				inst, _ = inst[b.fieldsIn].(map[string]any)
			}
			if inst["instance"] != "db" && inst["databaseInstance"] != "db" {
				t.Errorf("status %v: the instance field was not kept", inst)
			}
			if list, err := userDyn.Resource(gvr).Namespace(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "appcat.vshn.io/claim-name=db"}); err != nil || len(list.Items) != 1 {
				t.Errorf("user listing backups by claim label: %v items, err %v", list, err)
			}
			if _, err := userDyn.Resource(gvr).Namespace(e.ns).Create(e.ctx, obj, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
				t.Errorf("user creating a backup: want Forbidden, got %v", err)
			}
			if _, err := userDyn.Resource(gvr).Namespace(e.ns).UpdateStatus(e.ctx, got, metav1.UpdateOptions{}); !apierrors.IsForbidden(err) {
				t.Errorf("user writing a backup's status: want Forbidden, got %v", err)
			}
			if err := userDyn.Resource(gvr).Namespace(e.ns).Delete(e.ctx, "b1", metav1.DeleteOptions{}); !apierrors.IsForbidden(err) {
				t.Errorf("user deleting a backup: want Forbidden, got %v", err)
			}
			if _, err := userDyn.Resource(gvr).List(e.ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
				t.Errorf("user listing backups in all namespaces: want Forbidden, got %v", err)
			}
		})
	}
}
