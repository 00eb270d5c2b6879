package controller

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// namespaceGoneRetry is how soon a claim is looked at again while its namespace lingers.
const namespaceGoneRetry = 200 * time.Millisecond

// finalize removes what the claim's instance consisted of, then lets the claim go.
//
// This control plane runs no garbage collector, so nothing acts on the ownerReferences: the
// controller deletes every object it created itself. kube-controller-manager's namespace
// controller does run; emptying the instance namespace and completing its deletion through the
// finalize subresource here does not wait for it, so a claim goes as soon as its instance is gone.
func (r *reconciler) finalize(ctx context.Context, obj *unstructured.Unstructured) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, finalizer) && !controllerutil.ContainsFinalizer(obj, legacyFinalizer) {
		return ctrl.Result{}, nil
	}
	if err := r.deleteOwnedSecrets(ctx, obj, ""); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.deleteAccessSecrets(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.deleteBackups(ctx, obj); err != nil { // backups.go
		return ctrl.Result{}, err
	}
	forgetSLA(obj)                              // sla_probes.go
	if err := r.removeServer(obj); err != nil { // servers.go
		return ctrl.Result{}, err
	}
	if err := r.cas.deleteInstanceCA(ctx, obj.GetUID()); err != nil { // instance_ca.go
		return ctrl.Result{}, err
	}
	if r.kind.noInstanceNamespace {
		// The platform's memory and data history are kept in appcat-system (state.go, data.go).
		mem := memoryKey(r.kind, obj)
		if err := r.deleteConfigMaps(ctx, mem.Namespace, mem.Name, dataHistoryKeyOf(mem).Name); err != nil {
			return ctrl.Result{}, err
		}
	}
	nsName, _, _ := unstructured.NestedString(obj.Object, "status", "instanceNamespace")
	if nsName == "" && !r.kind.noInstanceNamespace {
		nsName = r.kind.instanceNS(obj)
	}
	if nsName != "" {
		gone, err := r.deleteInstanceNamespace(ctx, obj, nsName)
		if err != nil {
			return ctrl.Result{}, err
		}
		if !gone {
			return ctrl.Result{RequeueAfter: namespaceGoneRetry}, nil
		}
	}
	controllerutil.RemoveFinalizer(obj, finalizer)
	controllerutil.RemoveFinalizer(obj, legacyFinalizer)
	if err := r.client.Update(ctx, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("removing finalizer: %w", err)
	}
	r.seen.Delete(claimKey(obj))
	logr.FromContextOrDiscard(ctx).Info("claim deleted", "instanceNamespace", nsName)
	return ctrl.Result{}, nil
}

// deleteInstanceNamespace deletes the instance namespace and reports whether it is gone.
func (r *reconciler) deleteInstanceNamespace(ctx context.Context, obj *unstructured.Unstructured, name string) (bool, error) {
	var ns corev1.Namespace
	if err := r.client.Get(ctx, types.NamespacedName{Name: name}, &ns); err != nil {
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, fmt.Errorf("reading instance namespace %s: %w", name, err)
	}
	if !belongsTo(&ns, r.kind, obj) {
		return true, nil // not made for this claim: not ours to delete
	}

	// Empty it: the viewer binding, the metrics Service and monitor, the probe and data
	// histories and the platform's memory are the objects the controller puts there.
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: instanceViewerRoleBinding}}
	if err := r.client.Delete(ctx, rb); err != nil && !apierrors.IsNotFound(err) {
		return false, fmt.Errorf("deleting RoleBinding %s/%s: %w", name, instanceViewerRoleBinding, err)
	}
	if err := r.deleteMonitoring(ctx, obj, name); err != nil { // monitoring_objects.go
		return false, err
	}
	// The probe history (sla_probes.go), the data history (data.go) and the memory (state.go).
	if err := r.deleteConfigMaps(ctx, name, slaHistoryName, dataHistoryName, stateConfigMapName); err != nil {
		return false, err
	}

	if ns.DeletionTimestamp == nil {
		if err := r.client.Delete(ctx, &ns); err != nil && !apierrors.IsNotFound(err) {
			return false, fmt.Errorf("deleting instance namespace %s: %w", name, err)
		}
		// Re-read: the finalize call needs the namespace as it is now, being deleted.
		if err := r.client.Get(ctx, types.NamespacedName{Name: name}, &ns); err != nil {
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, fmt.Errorf("reading instance namespace %s: %w", name, err)
		}
	}
	if len(ns.Spec.Finalizers) > 0 {
		// The namespace controller's last step, done here: clear spec.finalizers. The API
		// server removes a deleted namespace as soon as it has no finalizers left.
		ns.Spec.Finalizers = nil
		if _, err := r.clientset.CoreV1().Namespaces().Finalize(ctx, &ns, metav1.UpdateOptions{}); err != nil {
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, fmt.Errorf("finalizing instance namespace %s: %w", name, err)
		}
	}
	err := r.client.Get(ctx, types.NamespacedName{Name: name}, &ns)
	if apierrors.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading instance namespace %s: %w", name, err)
	}
	if len(ns.Spec.Finalizers) == 0 && len(ns.Finalizers) == 0 {
		// Finalized but not yet removed (the API server removes it on a delete call once no
		// finalizer is left): delete again.
		if err := r.client.Delete(ctx, &ns); err != nil && !apierrors.IsNotFound(err) {
			return false, fmt.Errorf("deleting instance namespace %s: %w", name, err)
		}
	}
	return false, nil
}

// deleteConfigMaps deletes ConfigMaps of a namespace; missing ones are fine.
func (r *reconciler) deleteConfigMaps(ctx context.Context, namespace string, names ...string) error {
	for _, name := range names {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
		if err := r.client.Delete(ctx, cm); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting ConfigMap %s/%s: %w", namespace, name, err)
		}
	}
	return nil
}
