package controller

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestAlertDeliveryOnlyToLoopback(t *testing.T) {
	for u, ok := range map[string]bool{
		"http://127.0.0.1:8080/hook":  true,
		"http://localhost:9/x":        true,
		"https://[::1]:8443/":         true,
		"http://127.0.0.2/":           true,
		"https://hooks.slack.com/x":   false,
		"http://10.0.0.1/":            false,
		"http://127.0.0.1.nip.io/":    false,
		"ftp://127.0.0.1/":            false,
		"http://user@example.com:80/": false,
	} {
		if err := checkLoopback(u); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want allowed %v", u, err, ok)
		}
	}
	if got := redactURL("https://hooks.example.com/services/T000/SECRET"); got != "https://hooks.example.com/…" {
		t.Errorf("redactURL kept the path: %q", got)
	}
}

func TestAlertCapacityThreshold(t *testing.T) {
	for value, want := range map[string]bool{"98": true, "97.5": true, "97": false, "50": false, "100": true} {
		obj := &unstructured.Unstructured{Object: map[string]any{}}
		obj.SetAnnotations(map[string]string{annotationDiskUsage: value})
		got, err := wantedCapacityAlerts(obj)
		if err != nil {
			t.Fatalf("%s: %v", value, err)
		}
		if _, firing := got[alertPVFillingUp]; firing != want {
			t.Errorf("disk usage %s %%: PersistentVolumeFillingUp firing = %v, want %v", value, firing, want)
		}
	}
	for _, bad := range []string{"full", "-1", "101"} {
		obj := &unstructured.Unstructured{Object: map[string]any{}}
		obj.SetAnnotations(map[string]string{annotationDiskUsage: bad})
		if _, err := wantedCapacityAlerts(obj); err == nil {
			t.Errorf("disk usage %q accepted", bad)
		}
	}
}
