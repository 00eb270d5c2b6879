package manifests_test

import (
	"context"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestCustomerRoleWithinNamespaceAdmin: on real AppCat installations a customer administers
// their own namespaces (e.g. APPUiO Cloud: Kubernetes' built-in ClusterRole admin, bound per
// namespace). The local customer role imitates that and must never grant more: every verb it
// grants on a built-in Kubernetes resource, admin grants too. AppCat's kinds and the
// AlertmanagerConfigs are not built in (their operators add them to admin on a real cluster);
// TestClusterRoles checks them.
func TestCustomerRoleWithinNamespaceAdmin(t *testing.T) {
	var customer *rbacv1.ClusterRole
	for _, r := range decodeAll(t).roles {
		if r.Name == "appcat:customer" {
			customer = r
		}
	}
	if customer == nil {
		t.Fatal("no ClusterRole appcat:customer")
	}
	admin := aggregatedAdmin(t)
	builtIn := map[string]bool{"": true, "events.k8s.io": true}
	for _, rule := range customer.Rules {
		for _, group := range rule.APIGroups {
			if !builtIn[group] {
				continue
			}
			for _, res := range rule.Resources {
				for _, verb := range rule.Verbs {
					if !allows(admin, group, res, verb) {
						t.Errorf("appcat:customer may %s %s.%s, a namespace admin may not", verb, res, group)
					}
				}
			}
		}
	}
}

// aggregatedAdmin is the built-in ClusterRole admin with the rules of the roles it aggregates,
// and of those they aggregate (admin takes edit, edit takes view). The local platform runs no
// kube-controller-manager, whose aggregation controller would fill them in, so the test does it.
func aggregatedAdmin(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs := kubernetes.NewForConfigOrDie(platformtest.Platform().AdminConfig())
	admin, err := cs.RbacV1().ClusterRoles().Get(ctx, "admin", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the built-in ClusterRole admin: %v", err)
	}
	seen := map[string]bool{admin.Name: true}
	var aggregate func(r *rbacv1.ClusterRole)
	aggregate = func(r *rbacv1.ClusterRole) {
		if r.AggregationRule == nil {
			return
		}
		for _, sel := range r.AggregationRule.ClusterRoleSelectors {
			list, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&sel)})
			if err != nil {
				t.Fatal(err)
			}
			for i := range list.Items {
				part := &list.Items[i]
				if seen[part.Name] {
					continue
				}
				seen[part.Name] = true
				admin.Rules = append(admin.Rules, part.Rules...)
				aggregate(part)
			}
		}
	}
	aggregate(admin)
	if !allows(admin, "", "secrets", "get") {
		t.Fatalf("the aggregated ClusterRole admin may not even read secrets: %+v", admin.Rules)
	}
	return admin
}
