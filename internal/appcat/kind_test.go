package appcat

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestKindGroupVersion: a kind names its own API group where it is not AppCat's claim group
// (Codey's CodeyInstance is codey.io/v1); those that name none are vshn.appcat.vshn.io/v1.
func TestKindGroupVersion(t *testing.T) {
	if got := Codey.GVR(); got != (schema.GroupVersionResource{Group: "codey.io", Version: "v1", Resource: "codeyinstances"}) {
		t.Errorf("GVR = %v", got)
	}
	if got := Codey.APIVersion(); got != "codey.io/v1" {
		t.Errorf("APIVersion = %q", got)
	}
	for _, k := range Kinds {
		if !k.GroupVersion.Empty() {
			continue
		}
		if k.GVR().Group != "vshn.appcat.vshn.io" || k.APIVersion() != "vshn.appcat.vshn.io/v1" {
			t.Errorf("%s: %v %s", k.Kind, k.GVR(), k.APIVersion())
		}
	}
}
