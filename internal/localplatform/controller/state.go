package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// The platform's own memory of an instance: what it needs to remember between passes and what
// its extensions record (clock, data marker, version bookkeeping, backups' data, users kept,
// last maintenance, alert deliveries). Real AppCat has none of it in the claim, so the claim's
// status carries only what AppCat writes there; the memory lives in the ConfigMap
// local-platform-state of the instance namespace, one JSON value per key. Comments write its
// keys as memory.<key> (memory.data, memory.localPlatform.clock, ...).
//
// Inside a pass the memory is part of the status map the controller works on, under stateKeys:
// loadState merges it into the claim as read, and writeStatus splits it off again, saving it to
// the ConfigMap (when it changed) before it writes the rest to the claim. So the operations keep
// one status to read and write; only the write decides where each part goes.

const (
	stateConfigMapName = memory.ConfigMapName

	stateAccess          = memory.KeyAccess
	stateRetainedRoles   = memory.KeyRetainedRoles
	stateLastMaintenance = memory.KeyLastMaintenance
	stateData            = memory.KeyData
)

// stateKeys are the status keys that are the platform's memory, never written to a claim.
var stateKeys = memory.Keys

// passState is what loadState found: the ConfigMap, for an update without a read; nil when
// the instance has none yet.
type passState struct {
	cm *corev1.ConfigMap
}

type stateKey struct{}

// loadState reads the instance's memory and merges it into obj's status.
func (r *reconciler) loadState(ctx context.Context, obj *unstructured.Unstructured) (context.Context, error) {
	st, cm, err := readState(ctx, r.client, memoryKey(r.kind, obj))
	if err != nil {
		return ctx, err
	}
	mergeState(obj, st)
	return context.WithValue(ctx, stateKey{}, &passState{cm: cm}), nil
}

// memoryKey is where the memory of a claim is kept: the ConfigMap local-platform-state in its
// instance namespace (none before the claim has a composite), or, for a kind without instance
// namespace, a ConfigMap of its own in appcat-system (memory.SystemKey). The namespace comes from
// the composite, not from status.instanceNamespace: a pass saves the memory before it writes the
// claim (writeStatus), and when that claim write is lost (a conflict), the next pass must still
// find the memory.
func memoryKey(k *kind, obj *unstructured.Unstructured) types.NamespacedName {
	if k.noInstanceNamespace {
		ns, name := memory.SystemKey(obj.GetUID())
		return types.NamespacedName{Namespace: ns, Name: name}
	}
	ns := k.instanceNS(obj)
	if ns == "" {
		return types.NamespacedName{}
	}
	return types.NamespacedName{Namespace: ns, Name: stateConfigMapName}
}

// readState reads the memory kept at key; empty when there is none (or no key yet).
func readState(ctx context.Context, c client.Reader, key types.NamespacedName) (map[string]any, *corev1.ConfigMap, error) {
	if key.Namespace == "" {
		return nil, nil, nil
	}
	var cm corev1.ConfigMap
	err := c.Get(ctx, key, &cm)
	if apierrors.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading ConfigMap %s: %w", key, err)
	}
	st, err := memory.Decode(cm.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("ConfigMap %s: %w", key, err)
	}
	return st, &cm, nil
}

// withStoredState returns obj with the memory of its instance merged into its status, for
// readers outside a pass (a restore's source, the metrics API).
func withStoredState(ctx context.Context, c client.Reader, k *kind, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	st, _, err := readState(ctx, c, memoryKey(k, obj))
	if err != nil || len(st) == 0 {
		return obj, err
	}
	out := obj.DeepCopy()
	mergeState(out, st)
	return out, nil
}

func mergeState(obj *unstructured.Unstructured, st map[string]any) {
	if len(st) == 0 {
		return
	}
	status, ok := obj.Object["status"].(map[string]any)
	if !ok {
		status = map[string]any{}
		obj.Object["status"] = status
	}
	maps.Copy(status, st)
}

// splitState separates a status into the part the claim shows and the platform's memory.
func splitState(status any) (claim, st map[string]any) {
	s, _ := status.(map[string]any)
	claim, st = map[string]any{}, map[string]any{}
	for k, v := range s {
		claim[k] = v
	}
	for _, k := range stateKeys {
		if v, ok := claim[k]; ok {
			st[k] = v
			delete(claim, k)
		}
	}
	return claim, st
}

// saveState writes the memory to the instance namespace's ConfigMap. A concurrent change (which
// only another pass of the same claim could make) ends the pass with errRetry.
func (r *reconciler) saveState(ctx context.Context, obj *unstructured.Unstructured, key types.NamespacedName, st map[string]any) error {
	instanceNS := key.Namespace
	if instanceNS == "" {
		return fmt.Errorf("cannot keep the platform's memory of %s/%s: no instance namespace yet", obj.GetNamespace(), obj.GetName())
	}
	data := make(map[string]string, len(st))
	for k, v := range st {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		data[k] = string(raw)
	}
	ps, _ := ctx.Value(stateKey{}).(*passState)
	if ps != nil && ps.cm != nil && ps.cm.Namespace == key.Namespace && ps.cm.Name == key.Name {
		cm := ps.cm.DeepCopy()
		cm.Data = data
		if err := r.client.Update(ctx, cm); err != nil {
			if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
				return retrySoon("ConfigMap %s changed meanwhile: %v", key, err)
			}
			return fmt.Errorf("updating ConfigMap %s: %w", key, err)
		}
		ps.cm = cm
		return nil
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name, Labels: claimLabels(r.kind, obj)},
		Data:       data,
	}
	if err := r.client.Create(ctx, cm); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return retrySoon("ConfigMap %s created meanwhile", key)
		}
		return fmt.Errorf("creating ConfigMap %s: %w", key, err)
	}
	if ps != nil {
		ps.cm = cm
	}
	return nil
}
