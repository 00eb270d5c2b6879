package controller

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The SLA reporter's queries on the metrics server's Prometheus-compatible API (README: "SLA
// reports and metrics"): parameters and answers as the Prometheus HTTP API has them
// (query, time; query, start, end, step), evaluated by promql_reporter.go over the SLI series of
// every provisioned instance.

// sliExporterNamespace is the namespace label of the SLI series on AppCat: the SLI exporter's own
// namespace (component-appcat tests/golden/.../sli_exporter/v1_namespace_syn-appcat-slos.yaml).
const sliExporterNamespace = "syn-appcat-slos"

// reporterQuery answers the request if it is one of the reporter's queries and tells whether it
// did. Range queries that are not are answered 400 bad_data too.
func (s *metricsServer) reporterQuery(w http.ResponseWriter, req *http.Request, isRange bool) bool {
	q, ok, err := parseReporterQuery(req.FormValue("query"))
	if !ok && !isRange {
		return false
	}
	if !ok {
		err = fmt.Errorf("range queries are only supported for the SLA reporter's queries (appcat pkg/slareport/prom.go)")
	}
	if err != nil {
		writePromError(w, http.StatusBadRequest, "bad_data", err.Error())
		return true
	}
	series, err := s.sliSeries(req)
	if err != nil {
		writePromError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
		return true
	}
	if !isRange {
		at, err := promTime(req.FormValue("time"), time.Now())
		if err != nil {
			writePromError(w, http.StatusBadRequest, "bad_data", "time: "+err.Error())
			return true
		}
		result := []any{}
		for _, smp := range q.eval(series, at) {
			result = append(result, map[string]any{"metric": smp.metric, "value": promValue(at, smp.value)})
		}
		writePromData(w, "vector", result)
		return true
	}
	start, err1 := promTime(req.FormValue("start"), time.Time{})
	end, err2 := promTime(req.FormValue("end"), time.Time{})
	step, err3 := promDuration(req.FormValue("step"))
	if err1 != nil || err2 != nil || err3 != nil || end.Before(start) || end.Sub(start)/step > 11000 {
		writePromError(w, http.StatusBadRequest, "bad_data", "start, end and step must be times and a positive duration, with at most 11000 points")
		return true
	}
	type row struct {
		metric map[string]string
		values []any
	}
	var rows []*row
	byKey := map[string]*row{}
	for t := start; !t.After(end); t = t.Add(step) {
		for _, smp := range q.eval(series, t) {
			key := fmt.Sprint(smp.metric)
			r := byKey[key]
			if r == nil {
				r = &row{metric: smp.metric}
				byKey[key] = r
				rows = append(rows, r)
			}
			r.values = append(r.values, promValue(t, smp.value))
		}
	}
	result := []any{}
	for _, r := range rows {
		result = append(result, map[string]any{"metric": r.metric, "values": r.values})
	}
	writePromData(w, "matrix", result)
	return true
}

func (s *metricsServer) queryRange(w http.ResponseWriter, req *http.Request) {
	s.reporterQuery(w, req, true)
}

// sliSeries are the SLI series of every provisioned instance, labelled as the sloth recording
// rule labels them once the reporter's query has aggregated them (component-appcat
// tests/golden/.../sli_exporter/70_slo_vshn_redis.yaml: by service, namespace, name,
// organization, sla; sloth_id, sloth_service, sloth_slo).
func (s *metricsServer) sliSeries(req *http.Request) ([]sliSeries, error) {
	var out []sliSeries
	for _, k := range kinds {
		if k.noInstanceNamespace {
			continue // no instance, so no probes and no SLI series (sla_probes.go)
		}
		list := k.newList()
		if err := s.reader.List(req.Context(), list); err != nil {
			return nil, err
		}
		for i := range list.Items {
			obj, err := withStoredState(req.Context(), s.reader, k, &list.Items[i]) // state.go
			if err != nil {
				return nil, err
			}
			instanceNS := str(obj, "status", "instanceNamespace")
			if instanceNS == "" || !hasBeenProvisioned(obj) {
				continue
			}
			h, err := readProbeHistoryWith(req.Context(), s.reader, instanceNS)
			if err != nil {
				return nil, err
			}
			now := storedClock(obj.Object["status"]).at(time.Now()).UTC()
			out = append(out, newSLISeries(sliLabels(k, obj), h, now))
		}
	}
	return out, nil
}

func sliLabels(k *kind, obj *unstructured.Unstructured) map[string]string {
	sloth := "appcat-vshn-" + k.Service
	if intParam(obj, 1, "instances") > 1 {
		sloth += "-ha"
	}
	return map[string]string{
		"service": k.Kind, "namespace": sliExporterNamespace, "name": specString(obj, "resourceRef", "name"),
		"organization": "unknown", "sla": stringParam(obj, "besteffort", "service", "serviceLevel"),
		"sloth_id": sloth + "-uptime", "sloth_service": sloth, "sloth_slo": "uptime",
	}
}

// promTime reads a Prometheus API time: Unix seconds (with fraction) or RFC 3339; def when empty.
func promTime(v string, def time.Time) (time.Time, error) {
	if v == "" {
		if def.IsZero() {
			return def, fmt.Errorf("missing")
		}
		return def, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
	}
	return time.Parse(time.RFC3339Nano, v)
}

// promDuration reads a step: seconds (with fraction) or a PromQL duration.
func promDuration(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := model.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid step %q", v)
	}
	return time.Duration(d), nil
}

func promValue(t time.Time, v float64) []any {
	return []any{float64(t.UnixMilli()) / 1000, strconv.FormatFloat(v, 'f', -1, 64)}
}

func writePromData(w http.ResponseWriter, resultType string, result []any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": resultType, "result": result}})
}

func writePromError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "errorType": typ, "error": strings.TrimSpace(msg)})
}
