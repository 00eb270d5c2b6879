package controller

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// Alert delivery (extension): a claim whose spec.parameters.monitoring.alertmanagerConfigRef
// names an AlertmanagerConfig with webhook receivers gets
//   - one test notification per attachment (a new or changed reference), once the claim is Ready;
//   - capacity alerts from the test hook annotation local.appcat.vshn.io/disk-usage-percent:
//     PersistentVolumeFillingUp fires while less than 3 % of the disk is free and is resolved
//     when usage drops again.
//
// Deliveries are Alertmanager webhook payloads (version 4) posted to the receivers' URLs. Only
// loopback URLs are ever called: the local platform sends no traffic anywhere else, and says so
// in memory.alerting.message. What was delivered is recorded in memory.alerting.

const (
	annotationDiskUsage   = "local.appcat.vshn.io/disk-usage-percent"
	alertTestNotification = "AppCatTestNotification"
	alertPVFillingUp      = "PersistentVolumeFillingUp"
	pvFillingUpFreeBelow  = 3.0 // percent free
	alertRetry            = 3 * time.Second
	alertDeliveryTimeout  = 5 * time.Second
	alertRunbookBase      = "https://registry.terraform.io/providers/vshn/appcat/latest/docs/guides/"
	alertingStatusField   = memory.KeyAlerting
)

var alertmanagerConfigGVK = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1alpha1", Kind: "AlertmanagerConfig"}

var alertHTTPClient = &http.Client{
	Timeout: alertDeliveryTimeout,
	// Never follow a redirect: it could lead off loopback.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{Proxy: nil},
}

// firingAlert is one entry of memory.alerting.firing.
type firingAlert struct {
	Alertname string `json:"alertname"`
	StartsAt  string `json:"startsAt"`
}

// alertingStatus is memory.alerting.
type alertingStatus struct {
	Channel                string        `json:"channel,omitempty"`
	TestNotificationSentAt string        `json:"testNotificationSentAt,omitempty"`
	Firing                 []firingAlert `json:"firing,omitempty"`
	Message                string        `json:"message,omitempty"`
}

// deliverAlerts brings memory.alerting (in status, written by the caller) up to date and sends
// what is due. It returns when to look again (0: nothing pending).
func (r *reconciler) deliverAlerts(ctx context.Context, obj *unstructured.Unstructured, status map[string]any, ready bool) (time.Duration, error) {
	ref, _, _ := unstructured.NestedString(obj.Object, "spec", "parameters", "monitoring", "alertmanagerConfigRef")
	template := alertmanagerConfigTemplate(obj) // alerting_template.go; takes precedence over ref
	if template != nil {
		ref = templateChannel
	}
	if ref == "" {
		delete(status, alertingStatusField)
		return 0, nil
	}
	var st alertingStatus
	if raw, ok := status[alertingStatusField]; ok {
		b, _ := json.Marshal(raw)
		_ = json.Unmarshal(b, &st)
	}
	if st.Channel != ref {
		st = alertingStatus{Channel: ref} // a new attachment
	}
	defer func() { status[alertingStatusField] = toJSONMap(st) }()
	if !ready {
		return 0, nil // delivered once the claim is Ready (a later reconcile)
	}

	cfg := &unstructured.Unstructured{}
	cfg.SetGroupVersionKind(alertmanagerConfigGVK)
	var err error
	if template != nil {
		cfg.Object["spec"] = template
	} else {
		err = r.client.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: ref}, cfg)
	}
	if apierrors.IsNotFound(err) {
		// The watch on AlertmanagerConfigs wakes the claim when it appears.
		st.Message = fmt.Sprintf("AlertmanagerConfig %q not found in namespace %q: nothing delivered", ref, obj.GetNamespace())
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	urls, receiver := webhookURLs(cfg)
	if len(urls) == 0 {
		st.Message = fmt.Sprintf("AlertmanagerConfig %q has no webhook receiver: the local platform delivers to webhook receivers only", ref)
		return 0, nil
	}
	for _, u := range urls {
		if err := checkLoopback(u); err != nil {
			st.Message = fmt.Sprintf("refused to deliver to %s: %v; the local platform only calls loopback URLs", redactURL(u), err)
			return 0, nil
		}
	}
	st.Message = ""
	now := r.now().UTC()
	labels := r.alertLabels(obj, status)

	if st.TestNotificationSentAt == "" {
		a := webhookAlert{Status: "firing", Labels: withLabels(labels, "alertname", alertTestNotification, "severity", "info"),
			Annotations: map[string]string{
				"summary":     "Test notification from AppCat",
				"description": fmt.Sprintf("The %s instance %s/%s now sends its alerts to %q.", r.kind.Kind, obj.GetNamespace(), obj.GetName(), ref),
			}, StartsAt: now.Format(time.RFC3339)}
		if err := postAlerts(ctx, urls, receiver, "firing", []webhookAlert{a}); err != nil {
			st.Message = "test notification not delivered: " + err.Error()
			return alertRetry, nil
		}
		st.TestNotificationSentAt = now.Format(time.RFC3339)
	}

	want, herr := wantedCapacityAlerts(obj)
	if herr != nil {
		st.Message = herr.Error()
		return 0, nil
	}
	var keep []firingAlert
	firing := map[string]firingAlert{}
	for _, f := range st.Firing {
		firing[f.Alertname] = f
	}
	// Resolve what no longer fires.
	for _, f := range st.Firing {
		if _, still := want[f.Alertname]; still {
			keep = append(keep, f)
			continue
		}
		a := capacityAlert(labels, f.Alertname, "The condition no longer holds.", f.StartsAt)
		a.Status, a.EndsAt = "resolved", now.Format(time.RFC3339)
		if err := postAlerts(ctx, urls, receiver, "resolved", []webhookAlert{a}); err != nil {
			st.Message = "resolved alert not delivered: " + err.Error()
			keep = append(keep, f)
		}
	}
	// Fire what newly fires.
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, already := firing[n]; already {
			continue
		}
		f := firingAlert{Alertname: n, StartsAt: now.Format(time.RFC3339)}
		if err := postAlerts(ctx, urls, receiver, "firing", []webhookAlert{capacityAlert(labels, n, want[n], f.StartsAt)}); err != nil {
			st.Message = "alert not delivered: " + err.Error()
			continue
		}
		keep = append(keep, f)
	}
	st.Firing = keep
	if st.Message != "" {
		return alertRetry, nil
	}
	return 0, nil
}

// wantedCapacityAlerts are the capacity alerts that fire now, with their description.
func wantedCapacityAlerts(obj *unstructured.Unstructured) (map[string]string, error) {
	v, ok := obj.GetAnnotations()[annotationDiskUsage]
	if !ok {
		return nil, nil
	}
	used, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || used < 0 || used > 100 {
		return nil, fmt.Errorf("annotation %s: %q is not a percentage from 0 to 100", annotationDiskUsage, v)
	}
	out := map[string]string{}
	if free := 100 - used; free < pvFillingUpFreeBelow {
		out[alertPVFillingUp] = fmt.Sprintf("The instance's volume has only %.2f %% free space left.", free)
	}
	return out, nil
}

func capacityAlert(labels map[string]string, name, description, startsAt string) webhookAlert {
	return webhookAlert{
		Status: "firing",
		Labels: withLabels(labels, "alertname", name, "severity", "critical"),
		Annotations: map[string]string{
			"summary":     "PersistentVolume is filling up.",
			"description": description,
			"runbook_url": alertRunbookBase + "runbook-persistent-volume-filling-up",
		},
		StartsAt: startsAt,
	}
}

func (r *reconciler) alertLabels(obj *unstructured.Unstructured, status map[string]any) map[string]string {
	instanceNS, _ := status["instanceNamespace"].(string)
	return map[string]string{
		"claim_name":      obj.GetName(),
		"claim_namespace": obj.GetNamespace(),
		"namespace":       instanceNS,
		"service":         r.kind.Kind,
	}
}

func withLabels(base map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(base)+len(kv)/2)
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// webhookURLs lists the webhook URLs of every receiver (the route's receiver first) and the
// name of the receiver that gets the alerts.
func webhookURLs(cfg *unstructured.Unstructured) ([]string, string) {
	receiver, _, _ := unstructured.NestedString(cfg.Object, "spec", "route", "receiver")
	receivers, _, _ := unstructured.NestedSlice(cfg.Object, "spec", "receivers")
	var urls []string
	for _, raw := range receivers {
		rcv, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		name, _ := rcv["name"].(string)
		if receiver != "" && name != receiver {
			continue
		}
		if receiver == "" {
			receiver = name
		}
		hooks, _ := rcv["webhookConfigs"].([]any)
		for _, h := range hooks {
			if m, ok := h.(map[string]any); ok {
				if u, _ := m["url"].(string); u != "" {
					urls = append(urls, u)
				}
			}
		}
	}
	return urls, receiver
}

// checkLoopback refuses every URL whose host is not a loopback address or localhost.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("not an http(s) URL")
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("host %q is not a loopback address", host)
}

// redactURL keeps scheme and host of a URL (its path and query may hold a token).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// webhookAlert and webhookPayload are Alertmanager's webhook format (version 4).
type webhookAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

type webhookPayload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []webhookAlert    `json:"alerts"`
}

func postAlerts(ctx context.Context, urls []string, receiver, status string, alerts []webhookAlert) error {
	for i := range alerts {
		if alerts[i].EndsAt == "" {
			alerts[i].EndsAt = "0001-01-01T00:00:00Z"
		}
		alerts[i].Fingerprint = fingerprint(alerts[i].Labels)
	}
	p := webhookPayload{
		Version: "4", Status: status, Receiver: receiver,
		GroupKey:          fmt.Sprintf("{}:{alertname=%q}", alerts[0].Labels["alertname"]),
		GroupLabels:       map[string]string{"alertname": alerts[0].Labels["alertname"]},
		CommonLabels:      alerts[0].Labels,
		CommonAnnotations: alerts[0].Annotations,
		Alerts:            alerts,
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("%s: %v", redactURL(u), err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Alertmanager/appcat-local")
		resp, err := alertHTTPClient.Do(req)
		if err != nil {
			return fmt.Errorf("%s: %v", redactURL(u), err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s answered %s", redactURL(u), resp.Status)
		}
	}
	return nil
}

func fingerprint(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\xff", k, labels[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func toJSONMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// alertmanagerConfigObject is what the controller watches for channel changes.
func alertmanagerConfigObject() client.Object {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(alertmanagerConfigGVK)
	return u
}

// alertChannelClaims wakes the claims of the namespace whose monitoring names the changed
// AlertmanagerConfig (a channel created after the claim, a receiver URL fixed).
func (r *reconciler) alertChannelClaims(ctx context.Context, o client.Object) []reconcile.Request {
	list := r.kind.newList()
	if err := r.client.List(ctx, list, client.InNamespace(o.GetNamespace())); err != nil {
		r.log.Error(err, "listing claims", "kind", r.kind.Kind)
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		ref, _, _ := unstructured.NestedString(list.Items[i].Object, "spec", "parameters", "monitoring", "alertmanagerConfigRef")
		if ref != o.GetName() {
			continue
		}
		key := client.ObjectKeyFromObject(&list.Items[i])
		r.forget(key)
		reqs = append(reqs, reconcile.Request{NamespacedName: key})
	}
	return reqs
}
