package controller_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var alertmanagerConfigs = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1alpha1", Resource: "alertmanagerconfigs"}

func webhookChannel(name, url string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "monitoring.coreos.com/v1alpha1",
		"kind":       "AlertmanagerConfig",
		"metadata":   map[string]any{"name": name, "namespace": userNS()},
		"spec": map[string]any{
			"route":     map[string]any{"receiver": name},
			"receivers": []any{map[string]any{"name": name, "webhookConfigs": []any{map[string]any{"url": url}}}},
		},
	}}
}

// TestAlertDelivery: a user's channel pointing off loopback is refused (nothing sent, the status
// says why, the URL's path is not repeated); once the user points it at a loopback receiver, the
// platform sends the test notification there, exactly once.
func TestAlertDelivery(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer srv.Close()

	u, ctx := user(t), ctxFor(t)
	channel := uniqueName("chan")
	created, err := u.dyn.Resource(alertmanagerConfigs).Namespace(userNS()).Create(ctx, webhookChannel(channel, "https://hooks.example.com/services/SECRET"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("a user creates an AlertmanagerConfig in their namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = admin(t).dyn.Resource(alertmanagerConfigs).Namespace(userNS()).Delete(ctxFor(t), channel, metav1.DeleteOptions{})
	})

	name := uniqueName("alert")
	createClaim(t, u, redis, newClaim(redis, name, "", map[string]any{
		"monitoring": map[string]any{"alertmanagerConfigRef": channel, "alertmanagerConfigSecretRef": channel + "-alert-channel"},
	}))
	mem := waitMemory(t, u, redis, userNS(), name, "a refusal in the platform's alerting record", func(m *unstructured.Unstructured) bool {
		return strings.Contains(str(m, "alerting", "message"), "only calls loopback")
	})
	if msg := str(mem, "alerting", "message"); strings.Contains(msg, "SECRET") || !strings.Contains(msg, "hooks.example.com") {
		t.Errorf("alerting.message = %q: want the host named and the path left out", msg)
	}
	if at := str(mem, "alerting", "testNotificationSentAt"); at != "" {
		t.Errorf("testNotificationSentAt = %q for a refused URL", at)
	}

	// The user fixes the channel: the watch wakes the claim and the notification goes out.
	fixed := webhookChannel(channel, srv.URL+"/hook")
	fixed.SetResourceVersion(created.GetResourceVersion())
	if _, err := u.dyn.Resource(alertmanagerConfigs).Namespace(userNS()).Update(ctx, fixed, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	mem = waitMemory(t, u, redis, userNS(), name, "testNotificationSentAt", func(m *unstructured.Unstructured) bool {
		return str(m, "alerting", "testNotificationSentAt") != ""
	})
	if msg := str(mem, "alerting", "message"); msg != "" {
		t.Errorf("alerting.message = %q after a delivery", msg)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("receiver got %d payloads, want 1", len(got))
	}
	alerts, _ := got[0]["alerts"].([]any)
	if got[0]["version"] != "4" || got[0]["status"] != "firing" || len(alerts) != 1 {
		t.Fatalf("payload %v", got[0])
	}
	labels, _ := alerts[0].(map[string]any)["labels"].(map[string]any)
	if labels["alertname"] != "AppCatTestNotification" || labels["claim_name"] != name || labels["claim_namespace"] != userNS() {
		t.Errorf("labels %v", labels)
	}
}
