package appcat

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Reading the scrape targets of an instance namespace: its ServiceMonitors and PodMonitors
// (Prometheus Operator, monitoring.coreos.com/v1) and its Services. AppCat lets customers read
// Services in the instance namespace (ClusterRole appcat:services:read, component-appcat
// component/main.jsonnet, bound by appcat pkg/comp-functions/functions/common/instance_namespace.go)
// but not the monitors; when those are forbidden, the Services with a metrics port are what the
// customer can see.

var (
	ServiceMonitorGVR = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "servicemonitors"}
	PodMonitorGVR     = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "podmonitors"}
	serviceGVR        = schema.GroupVersionResource{Version: "v1", Resource: "services"}
)

// MetricsTarget is one scrape target of an instance.
type MetricsTarget struct {
	// Source is ServiceMonitor, PodMonitor, or Service (a Service with a metrics port, found
	// when the monitors cannot be read).
	Source string
	// Monitor is the ServiceMonitor's or PodMonitor's name.
	Monitor string
	// Service is the Service scraped (ServiceMonitor, Service).
	Service string
	// Port is the port's name; PortNumber its number where a Service says it (else 0).
	Port       string
	PortNumber int64
	Path       string
	Scheme     string
	// Selector is the monitor's (or Service's) label selector of the scraped pods or Services.
	Selector map[string]string
	// ScrapeURL is the in-cluster URL of a Service target, e.g.
	// http://redis-metrics.vshn-redis-x.svc:9121/metrics; empty for PodMonitor targets.
	ScrapeURL string
}

// GetMetricsEndpoint reads the scrape targets of an instance. The instance must be provisioned
// (status.instanceNamespace set). It fails when the instance namespace has no target the caller
// can see, saying what is missing.
func (c *Client) GetMetricsEndpoint(ctx context.Context, k Kind, namespace, name string) (*MetricsEndpoint, error) {
	u, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	e := &MetricsEndpoint{}
	e.InstanceNamespace, _, _ = unstructured.NestedString(u.Object, "status", "instanceNamespace")
	if e.InstanceNamespace == "" {
		return nil, fmt.Errorf("%s %s/%s is not provisioned yet: it has no status.instanceNamespace", k.Kind, namespace, name)
	}
	ns := e.InstanceNamespace
	services, err := c.dynamic.Resource(serviceGVR).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing the Services of instance namespace %s: %w", ns, err)
	}
	sms, smNote, err := c.listMonitors(ctx, ServiceMonitorGVR, "ServiceMonitor", ns)
	if err != nil {
		return nil, err
	}
	pms, pmNote, err := c.listMonitors(ctx, PodMonitorGVR, "PodMonitor", ns)
	if err != nil {
		return nil, err
	}
	for _, sm := range sms {
		e.Targets = append(e.Targets, serviceMonitorTargets(&sm, services.Items)...)
	}
	for _, pm := range pms {
		e.Targets = append(e.Targets, podMonitorTargets(&pm)...)
	}
	for _, note := range []string{smNote, pmNote} {
		if note != "" {
			e.Notes = append(e.Notes, note)
		}
	}
	if smNote != "" || pmNote != "" {
		// Monitors unreadable: what the Services show.
		e.Targets = append(e.Targets, metricsServiceTargets(services.Items, e.Targets)...)
	}
	if len(e.Targets) == 0 {
		what := fmt.Sprintf("instance namespace %s of %s %s/%s has no ServiceMonitor, no PodMonitor and no Service with a metrics port", ns, k.Kind, namespace, name)
		if len(e.Notes) > 0 {
			what += " (" + strings.Join(e.Notes, "; ") + ")"
		}
		return nil, fmt.Errorf("%s: nothing scrapes the instance's metrics", what)
	}
	return e, nil
}

// listMonitors lists monitors of one kind. A cluster without the CRD, or a caller not allowed to
// list them, gives a note instead of an error; when both kinds lack their CRD the cluster runs no
// Prometheus Operator and the second call's note says so.
func (c *Client) listMonitors(ctx context.Context, gvr schema.GroupVersionResource, kind, ns string) ([]unstructured.Unstructured, string, error) {
	list, err := c.dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
	switch {
	case err == nil:
		return list.Items, "", nil
	case apierrors.IsNotFound(err):
		return nil, fmt.Sprintf("the cluster has no %s CRD (%s.%s/%s)", kind, gvr.Resource, gvr.Group, gvr.Version), nil
	case apierrors.IsForbidden(err):
		return nil, fmt.Sprintf("listing %ss in %s is forbidden to these credentials", kind, ns), nil
	}
	return nil, "", fmt.Errorf("listing the %ss of instance namespace %s: %w", kind, ns, err)
}

func matchLabels(obj map[string]any, fields ...string) map[string]string {
	m, _, _ := unstructured.NestedStringMap(obj, fields...)
	return m
}

func serviceMonitorTargets(sm *unstructured.Unstructured, services []unstructured.Unstructured) []MetricsTarget {
	sel := matchLabels(sm.Object, "spec", "selector", "matchLabels")
	endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
	var out []MetricsTarget
	for _, raw := range endpoints {
		ep, _ := raw.(map[string]any)
		port, _ := ep["port"].(string)
		path, scheme := endpointPathScheme(ep)
		matched := false
		for i := range services {
			svc := &services[i]
			if len(sel) == 0 || !labels.SelectorFromSet(sel).Matches(labels.Set(svc.GetLabels())) {
				continue
			}
			matched = true
			t := MetricsTarget{Source: "ServiceMonitor", Monitor: sm.GetName(), Service: svc.GetName(), Port: port, Path: path, Scheme: scheme, Selector: sel}
			if n := servicePort(svc, port); n > 0 {
				t.PortNumber = n
				t.ScrapeURL = fmt.Sprintf("%s://%s.%s.svc:%d%s", scheme, svc.GetName(), svc.GetNamespace(), n, path)
			}
			out = append(out, t)
		}
		if !matched {
			out = append(out, MetricsTarget{Source: "ServiceMonitor", Monitor: sm.GetName(), Port: port, Path: path, Scheme: scheme, Selector: sel})
		}
	}
	return out
}

func podMonitorTargets(pm *unstructured.Unstructured) []MetricsTarget {
	sel := matchLabels(pm.Object, "spec", "selector", "matchLabels")
	endpoints, _, _ := unstructured.NestedSlice(pm.Object, "spec", "podMetricsEndpoints")
	var out []MetricsTarget
	for _, raw := range endpoints {
		ep, _ := raw.(map[string]any)
		port, _ := ep["port"].(string)
		path, scheme := endpointPathScheme(ep)
		out = append(out, MetricsTarget{Source: "PodMonitor", Monitor: pm.GetName(), Port: port, Path: path, Scheme: scheme, Selector: sel})
	}
	return out
}

// metricsServiceTargets are the Services with a port named like a metrics port, except those
// already found through a ServiceMonitor.
func metricsServiceTargets(services []unstructured.Unstructured, known []MetricsTarget) []MetricsTarget {
	seen := map[string]bool{}
	for _, t := range known {
		seen[t.Service+"/"+t.Port] = true
	}
	var out []MetricsTarget
	for i := range services {
		svc := &services[i]
		ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
		for _, raw := range ports {
			p, _ := raw.(map[string]any)
			name, _ := p["name"].(string)
			if !strings.Contains(name, "metrics") || seen[svc.GetName()+"/"+name] {
				continue
			}
			n, _, _ := unstructured.NestedInt64(p, "port")
			out = append(out, MetricsTarget{
				Source: "Service", Service: svc.GetName(), Port: name, PortNumber: n, Path: "/metrics", Scheme: "http",
				Selector:  matchLabels(svc.Object, "spec", "selector"),
				ScrapeURL: fmt.Sprintf("http://%s.%s.svc:%d/metrics", svc.GetName(), svc.GetNamespace(), n),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// endpointPathScheme are an endpoint's path and scheme with the Prometheus Operator's defaults.
func endpointPathScheme(ep map[string]any) (string, string) {
	path, _ := ep["path"].(string)
	if path == "" {
		path = "/metrics"
	}
	scheme, _ := ep["scheme"].(string)
	if scheme == "" {
		scheme = "http"
	}
	return path, scheme
}

// servicePort is the number of the Service's port named name (0 when it has none).
func servicePort(svc *unstructured.Unstructured, name string) int64 {
	ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
	for _, raw := range ports {
		p, _ := raw.(map[string]any)
		if p["name"] == name {
			n, _, _ := unstructured.NestedInt64(p, "port")
			return n
		}
	}
	return 0
}
