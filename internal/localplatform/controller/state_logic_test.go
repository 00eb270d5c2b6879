package controller

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestSplitState: the platform's memory is split off a status, the claim keeps the rest, and the
// status it came from is left as it was; merging puts the memory back.
func TestSplitState(t *testing.T) {
	status := map[string]any{
		"instanceNamespace": "vshn-redis-db-x",
		"currentReleaseTag": "7.2",
		statusLocalPlatform: map[string]any{keyVersion: "7.2"},
		stateData:           map[string]any{"checksum": "abc"},
		alertingStatusField: map[string]any{"message": "m"},
	}
	claim, st := splitState(status)
	if want := map[string]any{"instanceNamespace": "vshn-redis-db-x", "currentReleaseTag": "7.2"}; !reflect.DeepEqual(claim, want) {
		t.Errorf("claim part %v, want %v", claim, want)
	}
	if len(st) != 3 || st[stateData] == nil || st[statusLocalPlatform] == nil || st[alertingStatusField] == nil {
		t.Errorf("memory part %v", st)
	}
	if len(status) != 5 {
		t.Errorf("splitState changed its input: %v", status)
	}

	obj := &unstructured.Unstructured{Object: map[string]any{"status": claim}}
	mergeState(obj, st)
	if !reflect.DeepEqual(obj.Object["status"], status) {
		t.Errorf("merged %v, want %v", obj.Object["status"], status)
	}

	// A claim without a status yet gets one holding the memory.
	fresh := &unstructured.Unstructured{Object: map[string]any{}}
	mergeState(fresh, map[string]any{stateData: map[string]any{"checksum": "e3"}})
	if runningVersion(fresh.Object["status"].(map[string]any)) != "" || fresh.Object["status"].(map[string]any)[stateData] == nil {
		t.Errorf("merged into a claim without status: %v", fresh.Object)
	}
}
