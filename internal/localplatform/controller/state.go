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
	st, cm, err := readState(ctx, r.client, r.kind.instanceNS(obj))
	if err != nil {
		return ctx, err
	}
	mergeState(obj, st)
	return context.WithValue(ctx, stateKey{}, &passState{cm: cm}), nil
}

// readState reads the memory kept in an instance namespace; empty when there is none.
func readState(ctx context.Context, c client.Reader, instanceNS string) (map[string]any, *corev1.ConfigMap, error) {
	if instanceNS == "" {
		return nil, nil, nil
	}
	var cm corev1.ConfigMap
	err := c.Get(ctx, types.NamespacedName{Namespace: instanceNS, Name: stateConfigMapName}, &cm)
	if apierrors.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading ConfigMap %s/%s: %w", instanceNS, stateConfigMapName, err)
	}
	st, err := memory.Decode(cm.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("ConfigMap %s/%s: %w", instanceNS, stateConfigMapName, err)
	}
	return st, &cm, nil
}

// withStoredState returns obj with the memory of its instance merged into its status, for
// readers outside a pass (a restore's source, the metrics API).
func withStoredState(ctx context.Context, c client.Reader, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	st, _, err := readState(ctx, c, str(obj, "status", "instanceNamespace"))
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
func (r *reconciler) saveState(ctx context.Context, obj *unstructured.Unstructured, instanceNS string, st map[string]any) error {
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
	if ps != nil && ps.cm != nil && ps.cm.Namespace == instanceNS {
		cm := ps.cm.DeepCopy()
		cm.Data = data
		if err := r.client.Update(ctx, cm); err != nil {
			if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
				return errRetry
			}
			return fmt.Errorf("updating ConfigMap %s/%s: %w", instanceNS, stateConfigMapName, err)
		}
		ps.cm = cm
		return nil
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: instanceNS, Name: stateConfigMapName, Labels: claimLabels(r.kind, obj)},
		Data:       data,
	}
	if err := r.client.Create(ctx, cm); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return errRetry
		}
		return fmt.Errorf("creating ConfigMap %s/%s: %w", instanceNS, stateConfigMapName, err)
	}
	if ps != nil {
		ps.cm = cm
	}
	return nil
}
