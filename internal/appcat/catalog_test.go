package appcat

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// catalogObject is an AppCat object as AppCat's API server serves it.
func catalogObject(name string, plans map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "api.appcat.vshn.io/v1", "kind": "AppCat",
		"metadata": map[string]any{"name": name},
		"details":  map[string]any{"displayname": "Redis by VSHN", "zone": "rma1"},
		"plans":    plans,
		"status":   map[string]any{"compositionName": name},
	}}
}

func fakeCatalog(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{CatalogGVR: "AppCatList"}, objs...)
}

func TestCatalogDecodesEntriesAndIsReadOnce(t *testing.T) {
	dyn := fakeCatalog(catalogObject("vshnredis.vshn.appcat.vshn.io", map[string]any{
		"standard-1":  map[string]any{"size": map[string]any{"cpu": "250m", "disk": "16Gi", "memory": "1Gi"}},
		"standard-16": map[string]any{"note": "big", "size": map[string]any{"cpu": "4", "disk": "16Gi", "memory": "16Gi"}},
	}))
	var lists atomic.Int32
	dyn.PrependReactor("list", "appcats", func(k8stesting.Action) (bool, runtime.Object, error) {
		lists.Add(1)
		return false, nil, nil
	})
	c := newClient(dyn, Options{})
	for range 3 {
		cat, err := c.Catalog(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		e, ok := cat.ByComposition("vshnredis.vshn.appcat.vshn.io")
		if !ok {
			t.Fatalf("catalog %+v has no Redis entry", cat)
		}
		if !reflect.DeepEqual(e.PlanNames(), []string{"standard-1", "standard-16"}) || !e.PlansKnown() {
			t.Errorf("plans %v", e.PlanNames())
		}
		if e.Plans["standard-16"].Note != "big" || e.Plans["standard-16"].Size.Memory != "16Gi" || e.Details["zone"] != "rma1" {
			t.Errorf("entry %+v", e)
		}
	}
	if lists.Load() != 1 {
		t.Errorf("%d list requests, want 1", lists.Load())
	}
}

func TestCatalogErrorsAreCachedAndClassified(t *testing.T) {
	for name, tc := range map[string]struct {
		err         error
		unavailable bool
	}{
		"forbidden":   {apierrors.NewForbidden(CatalogGVR.GroupResource(), "", errors.New("no")), true},
		"not served":  {apierrors.NewNotFound(CatalogGVR.GroupResource(), ""), true},
		"unreachable": {errors.New("dial tcp 127.0.0.1:1: connection refused"), false},
	} {
		t.Run(name, func(t *testing.T) {
			dyn := fakeCatalog()
			var lists atomic.Int32
			dyn.PrependReactor("list", "appcats", func(k8stesting.Action) (bool, runtime.Object, error) {
				lists.Add(1)
				return true, nil, tc.err
			})
			c := newClient(dyn, Options{})
			_, err1 := c.Catalog(context.Background())
			_, err2 := c.Catalog(context.Background())
			if err1 == nil || err2 == nil || lists.Load() != 1 {
				t.Fatalf("errors %v, %v after %d lists; want an error, cached", err1, err2, lists.Load())
			}
			if got := errors.Is(err1, ErrCatalogUnavailable); got != tc.unavailable {
				t.Errorf("errors.Is(%v, ErrCatalogUnavailable) = %v", err1, got)
			}
		})
	}
}

func TestPlansKnown(t *testing.T) {
	// AppCat's answer when a composition's plans annotation is not valid JSON.
	broken := CatalogEntry{Plans: map[string]CatalogPlan{"Plans are currently not available": {}}}
	if broken.PlansKnown() {
		t.Error("the placeholder plan counts as a plan list")
	}
	if (CatalogEntry{}).PlansKnown() {
		t.Error("an entry without plans counts as a plan list")
	}
	if !(CatalogEntry{Plans: map[string]CatalogPlan{"standard-2": {Size: CatalogSize{CPU: "400m"}}}}).PlansKnown() {
		t.Error("a plan list is not recognised")
	}
}
