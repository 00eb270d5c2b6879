package provider

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// setServiceLevels makes the platform's claim schema of a kind accept only levels, as
// component-appcat does on a best-effort-only cluster (the serviceLevel enum of the XRD), waits
// until the cluster publishes it, and restores the schema when the test ends. Not for parallel
// tests: every test of the package shares the CRDs.
func setServiceLevels(t *testing.T, k appcat.Kind, levels []string) {
	t.Helper()
	ri := adminDynamic(t).Resource(crdGVR)
	crdName := k.Resource + "." + appcat.ClaimGroupVersion.Group
	const enumPath = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/parameters/properties/service/properties/serviceLevel/enum"
	set := func(levels []string) {
		t.Helper()
		patch, _ := json.Marshal([]map[string]any{{"op": "replace", "path": enumPath, "value": levels}})
		if _, err := ri.Patch(context.Background(), crdName, types.JSONPatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatalf("setting the service levels of %s: %v", crdName, err)
		}
		// the OpenAPI document follows the CRD a moment later
		err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(context.Context) (bool, error) {
			c, err := appcat.New(platformtest.Platform().AdminConfig(), appcat.Options{})
			if err != nil {
				return false, err
			}
			got, err := c.ServiceLevels(k)
			return err == nil && slices.Equal(got, levels), nil
		})
		if err != nil {
			t.Fatalf("the cluster never published service levels %v for %s: %v", levels, k.Kind, err)
		}
	}
	set(levels)
	t.Cleanup(func() { set([]string{"besteffort", "guaranteed"}) })
}

// TestAccCatalogBestEffortOnly: on a cluster that offers only besteffort, guaranteed is refused at
// plan time on service_level, before anything reaches the platform; besteffort still plans. Not
// parallel: it changes the shared claim schema.
func TestAccCatalogBestEffortOnly(t *testing.T) {
	k := redisAcc
	ns, name := testNamespace(t), k.name()
	setServiceLevels(t, k.api, []string{"besteffort"})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      k.config(ns, name, `instances = 3`, `service_level = "guaranteed"`),
				ExpectError: spaced(`Service level "guaranteed" is not offered on this cluster.*service_level = "guaranteed".*Redis with service level .besteffort. only`),
			},
			{
				Config:             k.config(ns, name, `instances = 3`, `service_level = "besteffort"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	list, err := adminDynamic(t).Resource(k.api.GVR()).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 {
		t.Errorf("a refused plan left %d claims in %s", len(list.Items), ns)
	}
}
