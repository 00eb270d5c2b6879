package manifests_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestCatalogMatchesClaimSchemas: as on AppCat, where one component parameter gives both the
// claim schema's plan enum and default and the catalog's plans, each composition's catalog entry
// lists exactly the plans its kind's CRD accepts, the default plan among them, each with a size.
func TestCatalogMatchesClaimSchemas(t *testing.T) {
	objs := decodeAll(t)
	kindOf := map[string]string{
		manifests.CompositionPostgreSQLCNPG:      "VSHNPostgreSQL",
		manifests.CompositionPostgreSQLStackGres: "VSHNPostgreSQL",
		manifests.CompositionRedis:               "VSHNRedis",
		manifests.CompositionMariaDB:             "VSHNMariaDB",
		manifests.CompositionGarage:              "VSHNGarage",
		manifests.CompositionMinIO:               "VSHNMinio",
		manifests.CompositionNextcloud:           "VSHNNextcloud",
		manifests.CompositionKeycloak:            "VSHNKeycloak",
		manifests.CompositionForgejo:             "VSHNForgejo",
		manifests.CompositionExoscalePostgreSQL:  "ExoscalePostgreSQL",
		manifests.CompositionExoscaleMySQL:       "ExoscaleMySQL",
		manifests.CompositionExoscaleRedis:       "ExoscaleRedis",
		manifests.CompositionExoscaleKafka:       "ExoscaleKafka",
		manifests.CompositionExoscaleOpenSearch:  "ExoscaleOpenSearch",
		manifests.CompositionObjectBucketMinIO:   "ObjectBucket",
		manifests.CompositionCodey:               "CodeyInstance",
	}
	if len(objs.catalog) != len(kindOf) {
		t.Fatalf("%d catalog entries, want one per composition (%d)", len(objs.catalog), len(kindOf))
	}
	for _, e := range objs.catalog {
		t.Run(e.GetName(), func(t *testing.T) {
			kind, ok := kindOf[e.GetName()]
			if !ok {
				t.Fatalf("no composition %s", e.GetName())
			}
			if c, _, _ := unstructured.NestedString(e.Object, "status", "compositionName"); c != e.GetName() {
				t.Errorf("status.compositionName %q, want the object's name", c)
			}
			plans, _, _ := unstructured.NestedMap(e.Object, "plans")
			var names []string
			for name := range plans {
				names = append(names, name)
				for _, f := range []string{"cpu", "memory", "disk"} {
					if v, _, _ := unstructured.NestedString(plans, name, "size", f); v == "" {
						t.Errorf("plan %s has no size.%s", name, f)
					}
				}
			}
			slices.Sort(names)
			for _, crd := range objs.crds {
				if crd.Spec.Names.Kind != kind {
					continue
				}
				if _, sized := prop(t, crd.Spec.Versions[0].Schema.OpenAPIV3Schema, "spec.parameters").Properties["size"]; !sized {
					// A kind without sizes (ObjectBucket) has no plans.
					if len(names) > 0 {
						t.Errorf("catalog plans %v, but CRD %s has no size", names, crd.Name)
					}
					continue
				}
				plan := prop(t, crd.Spec.Versions[0].Schema.OpenAPIV3Schema, "spec.parameters.size.plan")
				var enum []string
				for _, v := range enumValues(t, plan) {
					enum = append(enum, v.(string))
				}
				slices.Sort(enum)
				if enum != nil && !reflect.DeepEqual(names, enum) { // the Exoscale kinds have no enum: Exoscale's plans
					t.Errorf("catalog plans %v, CRD %s accepts %v", names, crd.Name, enum)
				}
				if def := jsonValue(t, plan.Default); !slices.Contains(names, def.(string)) {
					t.Errorf("default plan %v is not in the catalog", def)
				}
			}
			if d, _, _ := unstructured.NestedStringMap(e.Object, "details"); d["displayname"] == "" || d["zone"] == "" {
				t.Errorf("details %v lack displayname or zone", d)
			}
		})
	}
}

// TestEveryUserReadsTheCatalog: the catalog reader role grants only reading appcats, and is bound
// to every authenticated user.
func TestEveryUserReadsTheCatalog(t *testing.T) {
	objs := decodeAll(t)
	var role *rbacv1.ClusterRole
	for _, r := range objs.roles {
		if r.Name == "appcat:catalog-reader" {
			role = r
		}
	}
	want := []rbacv1.PolicyRule{{APIGroups: []string{"api.appcat.vshn.io"}, Resources: []string{"appcats"}, Verbs: []string{"get", "list", "watch"}}}
	if role == nil || !reflect.DeepEqual(role.Rules, want) {
		t.Fatalf("appcat:catalog-reader = %+v, want rules %+v", role, want)
	}
	b := objs.rbindings[0]
	if b.RoleRef.Name != role.Name || len(b.Subjects) != 1 || b.Subjects[0].Kind != "Group" || b.Subjects[0].Name != "system:authenticated" {
		t.Errorf("binding %+v does not grant the catalog to every authenticated user", b)
	}
}

// TestUserListsCatalog: on the running platform, a user without any namespace granted lists the
// catalog (every entry, with its plans), and may not change it.
func TestUserListsCatalog(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	user := dynamic.NewForConfigOrDie(platformtest.Platform().UserConfig())
	gvr := schema.GroupVersionResource{Group: manifests.APIGroup, Version: "v1", Resource: "appcats"}
	list, err := user.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("user listing the catalog: %v", err)
	}
	var names []string
	for _, e := range list.Items {
		names = append(names, e.GetName())
		if plans, _, _ := unstructured.NestedMap(e.Object, "plans"); len(plans) == 0 && e.GetName() != manifests.CompositionObjectBucketMinIO {
			t.Errorf("%s has no plans", e.GetName())
		}
	}
	slices.Sort(names)
	want := []string{manifests.CompositionCodey, manifests.CompositionExoscaleKafka, manifests.CompositionExoscaleMySQL, manifests.CompositionExoscaleOpenSearch, manifests.CompositionExoscalePostgreSQL, manifests.CompositionExoscaleRedis, manifests.CompositionObjectBucketMinIO, manifests.CompositionForgejo, manifests.CompositionGarage, manifests.CompositionKeycloak, manifests.CompositionMariaDB, manifests.CompositionMinIO, manifests.CompositionNextcloud, manifests.CompositionPostgreSQLStackGres, manifests.CompositionPostgreSQLCNPG, manifests.CompositionRedis}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("user sees %v, want %v", names, want)
	}
	e := list.Items[0]
	e.Object["details"] = map[string]any{"zone": "changed"}
	if _, err := user.Resource(gvr).Update(ctx, &e, metav1.UpdateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("user updating the catalog: want Forbidden, got %v", err)
	}
}
