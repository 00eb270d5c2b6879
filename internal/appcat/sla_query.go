package appcat

import (
	"context"
	"fmt"
	"sort"

	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Running the reporter's queries, and finding the instances they are about.

// SLISeriesKey names one instance in the SLI series: `service` is the claim kind and `name` the
// composite's name (the SLI exporter probes composites: appcat
// pkg/sliexporter/vshnredis_controller/vshnredis_controller.go passes inst.Name of the XVSHNRedis;
// the sloth rules keep service, namespace, name, organization, sla — component-appcat
// tests/golden/.../sli_exporter/70_slo_vshn_redis.yaml).
type SLISeriesKey struct{ Service, Name string }

// QuerySLIAvailability evaluates the reporter's availability query at w.End over w.Range and
// returns each instance's availability in percent. The reporter runs the same expression as a
// range query (step 5m) and keeps only the last point, which lies at the range's end: an instant
// query at that time yields the same value. Where one instance has several series (its `sla` or
// `organization` label changed within the window) the lowest availability counts.
func QuerySLIAvailability(ctx context.Context, api promv1.API, w SLAWindow) (map[SLISeriesKey]float64, error) {
	query := SLIAvailabilityQuery(w.Range)
	v, _, err := api.Query(ctx, query, w.End)
	if err != nil {
		return nil, fmt.Errorf("querying the SLI availability (%s): %w", query, err)
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("the SLI availability query returned a %s, want a vector", v.Type())
	}
	out := map[SLISeriesKey]float64{}
	for _, s := range vec {
		k := SLISeriesKey{Service: string(s.Metric["service"]), Name: string(s.Metric["name"])}
		if cur, seen := out[k]; !seen || float64(s.Value) < cur {
			out[k] = float64(s.Value)
		}
	}
	return out, nil
}

// QuerySLATarget reads the SLA target in percent of a service (claim kind) at time at.
func QuerySLATarget(ctx context.Context, api promv1.API, service string, w SLAWindow) (float64, error) {
	query := SLATargetQuery(service)
	v, _, err := api.Query(ctx, query, w.End)
	if err != nil {
		return 0, fmt.Errorf("querying the SLA target (%s): %w", query, err)
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return 0, fmt.Errorf("the SLA target query returned a %s, want a vector", v.Type())
	}
	if len(vec) == 0 {
		return 0, fmt.Errorf("the endpoint has no %s at %s: it lacks AppCat's SLA recording rule sla:objective:ratio "+
			"(VSHN's reporter fails the same way)", query, w.End.Format("2006-01-02T15:04:05Z"))
	}
	return float64(vec[len(vec)-1].Value), nil
}

// SLASubject is an instance as the SLA figures need it.
type SLASubject struct {
	Kind      Kind
	Namespace string
	Name      string
	// Composite is spec.resourceRef.name: the `name` label of the instance's SLI series. Empty
	// until the platform has composed the instance.
	Composite string
	// ServiceLevel is spec.parameters.service.serviceLevel, besteffort when unset.
	ServiceLevel string
}

func slaSubject(k Kind, u *unstructured.Unstructured) SLASubject {
	s := SLASubject{Kind: k, Namespace: u.GetNamespace(), Name: u.GetName()}
	s.Composite, _, _ = unstructured.NestedString(u.Object, "spec", "resourceRef", "name")
	s.ServiceLevel, _, _ = unstructured.NestedString(u.Object, "spec", "parameters", "service", "serviceLevel")
	if s.ServiceLevel == "" {
		s.ServiceLevel = ServiceLevelBestEffort
	}
	return s
}

// GetSLASubject reads one instance.
func (c *Client) GetSLASubject(ctx context.Context, k Kind, namespace, name string) (SLASubject, error) {
	u, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return SLASubject{}, err
	}
	return slaSubject(k, u), nil
}

// ListSLASubjects lists the instances of kinds in a namespace (one LIST per kind), ordered by
// name and kind. Kinds the cluster does not serve have no instances.
func (c *Client) ListSLASubjects(ctx context.Context, kinds []Kind, namespace string) ([]SLASubject, error) {
	var out []SLASubject
	for _, k := range kinds {
		items, _, err := c.listClaims(ctx, k, namespace)
		if err != nil {
			return nil, err
		}
		for i := range items {
			out = append(out, slaSubject(k, &items[i]))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Kind.Kind < out[j].Kind.Kind
	})
	return out, nil
}

// SLAReport is one instance's SLA figures for one month.
type SLAReport struct {
	Subject SLASubject
	// HasSLA is false for instances VSHN states no SLA for; NoSLAReason says why.
	HasSLA      bool
	NoSLAReason string
	// Figures is nil without an SLA, or when the endpoint has no SLI series of the instance in
	// the window (NoSeries).
	Figures  *SLAFigures
	NoSeries bool
}

// SLAReports computes the month's figures of subjects: one availability query for all of them,
// and one target query per service. api is only used when a subject has an SLA.
func SLAReports(ctx context.Context, api promv1.API, subjects []SLASubject, w SLAWindow) ([]SLAReport, error) {
	out := make([]SLAReport, len(subjects))
	needQuery := false
	for i, s := range subjects {
		out[i].Subject = s
		out[i].HasSLA, out[i].NoSLAReason = SLACoverage(s.Kind.Kind, s.ServiceLevel)
		if out[i].HasSLA && s.Composite == "" {
			out[i].HasSLA, out[i].NoSLAReason = false, "the instance is not provisioned yet (its claim has no spec.resourceRef)"
		}
		needQuery = needQuery || out[i].HasSLA
	}
	if !needQuery {
		return out, nil
	}
	availability, err := QuerySLIAvailability(ctx, api, w)
	if err != nil {
		return nil, err
	}
	targets := map[string]float64{}
	for i := range out {
		if !out[i].HasSLA {
			continue
		}
		s := out[i].Subject
		a, ok := availability[SLISeriesKey{Service: s.Kind.Kind, Name: s.Composite}]
		if !ok {
			out[i].NoSeries = true
			continue
		}
		t, ok := targets[s.Kind.Kind]
		if !ok {
			if t, err = QuerySLATarget(ctx, api, s.Kind.Kind, w); err != nil {
				return nil, err
			}
			targets[s.Kind.Kind] = t
		}
		f := ComputeSLAFigures(a, t, w)
		out[i].Figures = &f
	}
	return out, nil
}
