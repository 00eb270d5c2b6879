// Package memory names where the local platform keeps its own memory of an instance — the
// ConfigMap local-platform-state in the instance namespace, one JSON value per key — and reads
// it back for tests. Real AppCat has no such object and the provider never reads it: it holds
// what the platform's extensions record (data marker, clock, version bookkeeping, which data
// each backup holds, users kept, last maintenance, alert deliveries), so that a claim's status
// carries only what AppCat writes there.
package memory

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/kubernetes"
)

// ConfigMapName is the memory's ConfigMap in an instance namespace.
const ConfigMapName = "local-platform-state"

// The memory's keys.
const (
	KeyLocalPlatform   = "localPlatform"   // {clock, backupsFrom, maintenanceFrom, version, previousVersion, releaseTag, backups}
	KeyData            = "data"            // the data marker: {checksum, writes, updatedAt}
	KeyAccess          = "access"          // database users provisioned: [{user, database, privileges, secretName}]
	KeyRetainedRoles   = "retainedRoles"   // users removed whose role and database are kept: [{user, database, removedAt}]
	KeyLastMaintenance = "lastMaintenance" // {startedAt, completedAt, success, message, backupName}
	KeyAlerting        = "alerting"        // alert deliveries: {channel, message, testNotificationSentAt, firing}
)

// SystemNamespace is where the memory of a claim without instance namespace is kept.
const SystemNamespace = "appcat-system"

// SystemKey is namespace and name of the memory of a claim whose kind has no instance namespace
// (ObjectBucket): a ConfigMap of its own in appcat-system, named after the claim's UID.
func SystemKey(uid types.UID) (namespace, name string) {
	return SystemNamespace, ConfigMapName + "-" + string(uid)
}

// Keys lists every key of the memory.
var Keys = []string{KeyLocalPlatform, KeyData, KeyAccess, KeyRetainedRoles, KeyLastMaintenance, KeyAlerting}

// Decode decodes a memory ConfigMap's data; numbers come out as in unstructured objects (int64
// or float64).
func Decode(data map[string]string) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range Keys {
		raw, ok := data[k]
		if !ok {
			continue
		}
		var v any
		if err := utiljson.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("key %s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// OfClaim reads the memory of a claim's instance as an unstructured object whose top-level
// fields are the keys; empty when the claim has no instance namespace or no memory yet.
func OfClaim(ctx context.Context, kube kubernetes.Interface, claim *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ns, _, _ := unstructured.NestedString(claim.Object, "status", "instanceNamespace")
	name := ConfigMapName
	if ns == "" {
		// No instance namespace: the claim's kind has none, or it is not provisioned yet
		// (then there is no memory in appcat-system either).
		ns, name = SystemKey(claim.GetUID())
	}
	out := &unstructured.Unstructured{Object: map[string]any{}}
	cm, err := kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the local platform's memory %s/%s: %w", ns, name, err)
	}
	m, err := Decode(cm.Data)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", ns, name, err)
	}
	out.Object = m
	return out, nil
}

// ProvisionedUser is one entry of the memory's access: a database user the platform provisioned
// (its connection secret is written).
type ProvisionedUser struct {
	User       string   `json:"user"`
	Database   string   `json:"database,omitempty"`
	Privileges []string `json:"privileges,omitempty"`
	SecretName string   `json:"secretName,omitempty"`
}

// RetainedRole is one entry of the memory's retainedRoles: a user (or a user's former database)
// removed from the claim's access list whose role and database the platform keeps, as AppCat does.
type RetainedRole struct {
	User      string `json:"user"`
	Database  string `json:"database,omitempty"`
	RemovedAt string `json:"removedAt,omitempty"`
}

// Users decodes the database users the memory records: provisioned ones in the claim's order,
// and the retained roles.
func Users(mem *unstructured.Unstructured) (provisioned []ProvisionedUser, retained []RetainedRole, err error) {
	raw, err := utiljson.Marshal(map[string]any{"a": mem.Object[KeyAccess], "r": mem.Object[KeyRetainedRoles]})
	if err != nil {
		return nil, nil, err
	}
	var v struct {
		A []ProvisionedUser `json:"a"`
		R []RetainedRole    `json:"r"`
	}
	err = utiljson.Unmarshal(raw, &v)
	return v.A, v.R, err
}

// Provisioned returns the provisioned entry of user, if listed.
func Provisioned(list []ProvisionedUser, user string) (ProvisionedUser, bool) {
	for _, p := range list {
		if p.User == user {
			return p, true
		}
	}
	return ProvisionedUser{}, false
}
