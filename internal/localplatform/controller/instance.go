package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// The instance namespace stands in for the service AppCat would run: it exists, it points back
// to its claim, and the claim's users may look into it (RoleBinding appcat:services:read).

func namespaceLabels(k *kind, obj *unstructured.Unstructured, composite string) map[string]string {
	return map[string]string{
		labelClaimName:      obj.GetName(),
		labelClaimNamespace: obj.GetNamespace(),
		labelClaimKind:      k.Kind,
		labelComposite:      composite,
	}
}

// belongsTo tells whether an instance namespace was made for this claim.
func belongsTo(ns *corev1.Namespace, k *kind, obj *unstructured.Unstructured) bool {
	l := ns.Labels
	return l[labelClaimName] == obj.GetName() && l[labelClaimNamespace] == obj.GetNamespace() && l[labelClaimKind] == k.Kind
}

// ensureInstanceNamespace creates the claim's instance namespace if missing. For a claim not
// provisioned before (fresh) it creates right away, which spares a read in the common case.
func (r *reconciler) ensureInstanceNamespace(ctx context.Context, obj *unstructured.Unstructured, name, composite string, fresh bool) error {
	create := func() error {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: namespaceLabels(r.kind, obj, composite)}}
		return r.client.Create(ctx, ns)
	}
	if fresh {
		err := create()
		if err == nil {
			return nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating instance namespace %s: %w", name, err)
		}
	}
	var ns corev1.Namespace
	err := r.client.Get(ctx, types.NamespacedName{Name: name}, &ns)
	if apierrors.IsNotFound(err) {
		if err := create(); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return retrySoon("namespace %s created meanwhile", name)
			}
			return fmt.Errorf("creating instance namespace %s: %w", name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading instance namespace %s: %w", name, err)
	}
	if !belongsTo(&ns, r.kind, obj) {
		return userError{msg: fmt.Sprintf("cannot provision: namespace %q exists and does not belong to this claim", name), retry: conflictRetry}
	}
	if ns.DeletionTimestamp != nil {
		// Left over from an earlier claim of the same name and composite (unlikely with the
		// random suffix); wait until it is gone.
		return userError{msg: fmt.Sprintf("instance namespace %q is still being deleted", name), retry: conflictRetry}
	}
	return nil
}

// ensureViewerBinding mirrors the subjects of the claim namespace's appcat-customer
// RoleBinding into the instance namespace's appcat:services:read binding. Without a
// customer binding there is nobody to grant, and a binding left from before is removed. In a
// namespace just created (fresh) there is no binding yet, so it is not read first.
func (r *reconciler) ensureViewerBinding(ctx context.Context, obj *unstructured.Unstructured, instanceNS string, fresh bool) error {
	var customer rbacv1.RoleBinding
	err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: customerRoleBinding}, &customer)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading RoleBinding %s/%s: %w", obj.GetNamespace(), customerRoleBinding, err)
	}
	granted := err == nil && len(customer.Subjects) > 0

	key := types.NamespacedName{Namespace: instanceNS, Name: instanceViewerRoleBinding}
	var current rbacv1.RoleBinding
	exists := false
	if !fresh {
		err = r.client.Get(ctx, key, &current)
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("reading RoleBinding %s: %w", key, err)
		}
		exists = err == nil
	}

	want := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: instanceViewerClusterRole}
	switch {
	case !granted && !exists:
		return nil
	case !granted:
		if err := r.client.Delete(ctx, &current); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting RoleBinding %s: %w", key, err)
		}
		return nil
	case exists && current.RoleRef != want:
		// roleRef is immutable: replace the binding.
		if err := r.client.Delete(ctx, &current); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting RoleBinding %s: %w", key, err)
		}
		return retrySoon("RoleBinding %s deleted to change its roleRef", key)
	case exists:
		if equality.Semantic.DeepEqual(current.Subjects, customer.Subjects) {
			return nil
		}
		current.Subjects = customer.Subjects
		if err := r.client.Update(ctx, &current); err != nil {
			return fmt.Errorf("updating RoleBinding %s: %w", key, err)
		}
		return nil
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: instanceNS, Name: instanceViewerRoleBinding, Labels: claimLabels(r.kind, obj)},
		RoleRef:    want,
		Subjects:   customer.Subjects,
	}
	if err := r.client.Create(ctx, rb); err != nil {
		if apierrors.IsAlreadyExists(err) {
			if fresh {
				return r.ensureViewerBinding(ctx, obj, instanceNS, false)
			}
			return retrySoon("RoleBinding %s created meanwhile", key)
		}
		return fmt.Errorf("creating RoleBinding %s: %w", key, err)
	}
	return nil
}
