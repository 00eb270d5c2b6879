package appcat

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SLA reports (extension of this project's platform): one read-only SLAReport object of group
// api.appcat.vshn.io/v1 per instance and month in the claim's namespace, named
// <claim>-<yyyy-mm> and labelled with the claim's name and kind.

// Labels on every SLAReport naming the claim it belongs to.
const (
	LabelClaimName = "appcat.vshn.io/claim-name"
	LabelClaimKind = "appcat.vshn.io/claim-kind"
)

// SLAReportGVR is the group/version/resource of the SLA reports.
var SLAReportGVR = schema.GroupVersionResource{Group: "api.appcat.vshn.io", Version: "v1", Resource: "slareports"}

// MonthFormat is a report's month, yyyy-mm.
var MonthFormat = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// SLAReport is the status of one monthly SLA report.
type SLAReport struct {
	Name string `json:"-"`
	// ClaimName and ClaimKind name the instance (from the report's labels).
	ClaimName           string  `json:"-"`
	ClaimKind           string  `json:"-"`
	Month               string  `json:"month"`
	AvailabilityPercent float64 `json:"availabilityPercent"`
	TargetPercent       float64 `json:"targetPercent"`
	Met                 bool    `json:"met"`
	DowntimeSeconds     int64   `json:"downtimeSeconds"`
	DowntimeMinutes     int64   `json:"downtimeMinutes"`
	ServiceCredit       int64   `json:"serviceCredit"`
	Final               bool    `json:"final"`
	UpdatedAt           string  `json:"updatedAt,omitempty"`
}

// SLAReportName is the name of an instance's report of month.
func SLAReportName(claimName, month string) string { return claimName + "-" + month }

// GetSLAReport reads the report of one instance and month; the error is NotFound when the
// platform has none (yet).
func (c *Client) GetSLAReport(ctx context.Context, namespace, claimName, month string) (*SLAReport, error) {
	u, err := c.dynamic.Resource(SLAReportGVR).Namespace(namespace).Get(ctx, SLAReportName(claimName, month), metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return decodeSLAReport(u.GetName(), u.Object["status"])
}

// ListSLAReports lists the months an instance has reports for, oldest first.
func (c *Client) ListSLAReports(ctx context.Context, k Kind, namespace, claimName string) ([]SLAReport, error) {
	selector := labels.SelectorFromSet(labels.Set{LabelClaimName: claimName, LabelClaimKind: k.Kind}).String()
	list, err := c.dynamic.Resource(SLAReportGVR).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, fmt.Errorf("listing the SLA reports of %s %s/%s: %w", k.Kind, namespace, claimName, err)
	}
	out, err := decodeSLAReports(list.Items, "")
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out, nil
}

// ListNamespaceSLAReports lists the reports of every instance in a namespace for one month,
// ordered by instance name and kind: one LIST for the whole namespace.
func (c *Client) ListNamespaceSLAReports(ctx context.Context, namespace, month string) ([]SLAReport, error) {
	list, err := c.dynamic.Resource(SLAReportGVR).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing the SLA reports in namespace %s: %w", namespace, err)
	}
	out, err := decodeSLAReports(list.Items, month)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ClaimName != out[j].ClaimName {
			return out[i].ClaimName < out[j].ClaimName
		}
		return out[i].ClaimKind < out[j].ClaimKind
	})
	return out, nil
}

// decodeSLAReports decodes report objects, keeping only those of month when month is set.
func decodeSLAReports(items []unstructured.Unstructured, month string) ([]SLAReport, error) {
	out := make([]SLAReport, 0, len(items))
	for i := range items {
		r, err := decodeSLAReport(items[i].GetName(), items[i].Object["status"])
		if err != nil {
			return nil, err
		}
		if month != "" && r.Month != month {
			continue
		}
		r.ClaimName, r.ClaimKind = items[i].GetLabels()[LabelClaimName], items[i].GetLabels()[LabelClaimKind]
		out = append(out, *r)
	}
	return out, nil
}

func decodeSLAReport(name string, status any) (*SLAReport, error) {
	raw, err := json.Marshal(status)
	if err != nil {
		return nil, err
	}
	var r SLAReport
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decoding SLA report %s: %w", name, err)
	}
	r.Name = name
	return &r, nil
}
