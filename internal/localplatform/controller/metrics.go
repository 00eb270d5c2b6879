package controller

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Instance metrics (README: "SLA reports and metrics"). The controller serves each instance's
// metrics in the Prometheus text format on loopback (metrics_server.go): the SLI exporter's
// appcat_probes_seconds with the labels AppCat gives it, and the capacity series AppCat's
// customer alerts use (kubelet volume stats, container memory against its limit). Every series
// also carries namespace=<instance namespace>, the selector that picks the instance.
//
// The values are the local platform's model of the instance: the disk and memory sizes from
// spec.parameters.size, disk usage 5 % unless the test hook annotation
// local.appcat.vshn.io/disk-usage-percent says otherwise, memory 25 % of the limit, and one
// successful probe per 10 s of platform time since creation while the claim is Ready.

const metricsDiskUsageAnnotation = "local.appcat.vshn.io/disk-usage-percent"

// MetricNames are the metric names every instance has, in the order they are served.
var MetricNames = []string{
	"appcat_probes_seconds",
	"kubelet_volume_stats_capacity_bytes",
	"kubelet_volume_stats_used_bytes",
	"kubelet_volume_stats_available_bytes",
	"container_memory_working_set_bytes",
	"kube_pod_container_resource_limits",
}

// probeBuckets are the histogram's upper bounds in seconds.
var probeBuckets = []string{"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf"}

// renderMetrics writes the instance's metrics in the Prometheus text format (version 0.0.4) as of
// platform time now.
func renderMetrics(k *kind, obj *unstructured.Unstructured, now time.Time) string {
	instanceNS := str(obj, "status", "instanceNamespace")
	ready := false
	if c, ok := getCondition(obj, typeReady); ok {
		ready = c.Status == statusTrue && c.ObservedGeneration == obj.GetGeneration()
	}
	reason := "success"
	if !ready {
		reason = "fail-notready"
	}
	base := [][2]string{{"namespace", instanceNS}}
	probe := append(base, [][2]string{
		{"service", k.Kind}, {"claim_namespace", obj.GetNamespace()}, {"instance_namespace", instanceNS},
		{"name", obj.GetName()}, {"reason", reason}, {"organization", "local"},
		{"ha", strconv.FormatBool(intParam(obj, 1, "instances") > 1)},
		{"sla", stringParam(obj, "besteffort", "service", "serviceLevel")},
		{"maintenance", "false"},
	}...)
	var count int64
	if ready {
		if created := obj.GetCreationTimestamp().Time; !created.IsZero() && now.After(created) {
			count = int64(now.Sub(created)/(10*time.Second)) + 1
		} else {
			count = 1
		}
	}
	var b strings.Builder
	b.WriteString("# HELP appcat_probes_seconds Latency of the SLI prober's connection probes of the instance.\n# TYPE appcat_probes_seconds histogram\n")
	for i, le := range probeBuckets {
		n := count
		if i == 0 {
			n = 0 // every probe takes between 5 and 10 ms
		}
		writeSample(&b, "appcat_probes_seconds_bucket", append(append([][2]string{}, probe...), [2]string{"le", le}), float64(n))
	}
	writeSample(&b, "appcat_probes_seconds_sum", probe, float64(count)*0.007)
	writeSample(&b, "appcat_probes_seconds_count", probe, float64(count))

	capacity := quantityBytes(stringParam(obj, k.defaultDisk, "size", "disk"), 16<<30)
	usage := 5.0
	if v, err := strconv.ParseFloat(obj.GetAnnotations()[metricsDiskUsageAnnotation], 64); err == nil && v >= 0 && v <= 100 {
		usage = v
	}
	used := math.Round(capacity * usage / 100)
	pvc := append(base, [2]string{"persistentvolumeclaim", "data-" + obj.GetName() + "-0"})
	writeFamily(&b, "kubelet_volume_stats_capacity_bytes", "gauge", "Capacity of the instance's volume in bytes.", pvc, capacity)
	writeFamily(&b, "kubelet_volume_stats_used_bytes", "gauge", "Bytes used on the instance's volume.", pvc, used)
	writeFamily(&b, "kubelet_volume_stats_available_bytes", "gauge", "Bytes available on the instance's volume.", pvc, capacity-used)

	memLimit := quantityBytes(stringParam(obj, "1Gi", "size", "memory"), 1<<30)
	pod := append(base, [][2]string{{"pod", obj.GetName() + "-0"}, {"container", k.Service}}...)
	writeFamily(&b, "container_memory_working_set_bytes", "gauge", "Working set of the instance's container in bytes.", pod, math.Round(memLimit/4))
	writeFamily(&b, "kube_pod_container_resource_limits", "gauge", "Resource limit of the instance's container.",
		append(append([][2]string{}, pod...), [][2]string{{"resource", "memory"}, {"unit", "byte"}}...), memLimit)
	return b.String()
}

func quantityBytes(s string, def float64) float64 {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return def
	}
	return q.AsApproximateFloat64()
}

func writeFamily(b *strings.Builder, name, typ, help string, labels [][2]string, v float64) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	writeSample(b, name, labels, v)
}

func writeSample(b *strings.Builder, name string, labels [][2]string, v float64) {
	sorted := append([][2]string(nil), labels...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i][0] < sorted[j][0] })
	b.WriteString(name)
	if len(sorted) == 0 {
		b.WriteString(" " + strconv.FormatFloat(v, 'f', -1, 64) + "\n")
		return
	}
	b.WriteByte('{')
	for i, l := range sorted {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%s=%s", l[0], strconv.Quote(l[1]))
	}
	b.WriteString("} ")
	b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	b.WriteByte('\n')
}
