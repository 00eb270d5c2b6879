package appcat

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Claim is an AppCat claim of any kind: the Crossplane claim envelope around the kind's
// typed spec.parameters (P). JSON names are exactly the API's.
type Claim[P any] struct {
	APIVersion string     `json:"apiVersion,omitempty"`
	Kind       string     `json:"kind,omitempty"`
	Metadata   ObjectMeta `json:"metadata"`
	Spec       Spec[P]    `json:"spec"`
	Status     Status     `json:"status,omitempty"`
}

// ObjectMeta is the part of Kubernetes object metadata the provider reads and writes.
type ObjectMeta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	Generation        int64             `json:"generation,omitempty"`
	ResourceVersion   string            `json:"resourceVersion,omitempty"`
	UID               string            `json:"uid,omitempty"`
	DeletionTimestamp *string           `json:"deletionTimestamp,omitempty"`
}

// Spec is the claim's spec: the AppCat parameters plus the Crossplane claim fields.
type Spec[P any] struct {
	Parameters                 P            `json:"parameters"`
	WriteConnectionSecretToRef *LocalRef    `json:"writeConnectionSecretToRef,omitempty"`
	CompositionRef             *LocalRef    `json:"compositionRef,omitempty"`
	ResourceRef                *ResourceRef `json:"resourceRef,omitempty"`

	// CompositionUpdatePolicy (Automatic or Manual) and CompositionRevisionRef are Crossplane's
	// claim fields that choose which revision of the composition reconciles the instance.
	CompositionUpdatePolicy *string   `json:"compositionUpdatePolicy,omitempty"`
	CompositionRevisionRef  *LocalRef `json:"compositionRevisionRef,omitempty"`
}

// LocalRef names an object by name only.
type LocalRef struct {
	Name string `json:"name"`
}

// ResourceRef points at the claim's cluster-scoped composite.
type ResourceRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
}

// Status is the part of a claim's status that is common to all kinds.
type Status struct {
	Conditions        []Condition `json:"conditions,omitempty"`
	InstanceNamespace string      `json:"instanceNamespace,omitempty"`
	// CurrentVersion and PreviousVersion are PostgreSQL's (the major version, or the pinned image
	// tag on CloudNativePG); CurrentReleaseTag is Redis' (the image tag it runs); MariaDBVersion is
	// MariaDB's ("11.4.2-MariaDB-log"). Kind.VersionStatus says which one a kind reports.
	CurrentVersion    string `json:"currentVersion,omitempty"`
	PreviousVersion   string `json:"previousVersion,omitempty"`
	CurrentReleaseTag string `json:"currentReleaseTag,omitempty"`
	MariaDBVersion    string `json:"mariadbVersion,omitempty"`
	// Version is ExoscaleKafka's: the Kafka version Exoscale reports.
	Version   string     `json:"version,omitempty"`
	Schedules *Schedules `json:"schedules,omitempty"`
}

// Status fields that report a version (Kind.VersionStatus).
const (
	StatusCurrentVersion    = "currentVersion"
	StatusPreviousVersion   = "previousVersion"
	StatusCurrentReleaseTag = "currentReleaseTag"
	StatusMariaDBVersion    = "mariadbVersion"
	StatusVersion           = "version"
)

// Field is the status field of that name among those that report a version ("" for others).
func (s Status) Field(name string) string {
	switch name {
	case StatusCurrentVersion:
		return s.CurrentVersion
	case StatusPreviousVersion:
		return s.PreviousVersion
	case StatusCurrentReleaseTag:
		return s.CurrentReleaseTag
	case StatusMariaDBVersion:
		return s.MariaDBVersion
	case StatusVersion:
		return s.Version
	}
	return ""
}

// Schedules are the effective backup and maintenance schedules the platform chose.
type Schedules struct {
	Backup      string       `json:"backup,omitempty"`
	Maintenance *Maintenance `json:"maintenance,omitempty"`
}

// Maintenance is a maintenance window, as in spec.parameters.maintenance and status.schedules.
type Maintenance struct {
	DayOfWeek            *string `json:"dayOfWeek,omitempty"`
	TimeOfDay            *string `json:"timeOfDay,omitempty"`
	PinImageTag          *string `json:"pinImageTag,omitempty"`
	DisableAppcatRelease *bool   `json:"disableAppcatRelease,omitempty"`
}

// Condition is a Crossplane-style status condition.
type Condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
	ObservedGeneration int64  `json:"observedGeneration,omitempty"`
}

// Condition returns the condition of the given type, or nil.
func (s Status) Condition(conditionType string) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == conditionType {
			return &s.Conditions[i]
		}
	}
	return nil
}

// ID is the claim's identifier as the provider uses it: namespace/name.
func (c *Claim[P]) ID() string { return c.Metadata.Namespace + "/" + c.Metadata.Name }

// FromUnstructured decodes an API object into a typed claim.
func FromUnstructured[P any](u *unstructured.Unstructured) (*Claim[P], error) {
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	var c Claim[P]
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decoding %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return &c, nil
}

// applyObject turns a claim into the object sent with server-side apply: only apiVersion, kind,
// metadata (name, namespace, labels, annotations) and spec — never status or server-owned metadata,
// so the field manager owns exactly what the user configured.
func applyObject[P any](k Kind, c *Claim[P]) (*unstructured.Unstructured, error) {
	spec, err := toMap(c.Spec)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{"name": c.Metadata.Name, "namespace": c.Metadata.Namespace}
	if len(c.Metadata.Labels) > 0 {
		meta["labels"] = stringMapToAny(c.Metadata.Labels)
	}
	if len(c.Metadata.Annotations) > 0 {
		meta["annotations"] = stringMapToAny(c.Metadata.Annotations)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": k.APIVersion(),
		"kind":       k.Kind,
		"metadata":   meta,
		"spec":       spec,
	}}, nil
}

func toMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func stringMapToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
