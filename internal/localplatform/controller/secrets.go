package controller

import (
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const keyCACert = "ca.crt"

// connectionSecretData is the full content of a claim's connection secret. existing is the
// secret as it is now (nil if none): its certificate is kept while it still fits.
func connectionSecretData(k *kind, obj *unstructured.Unstructured, instanceNS string, ps *platformSecrets, existing *corev1.Secret) (map[string][]byte, error) {
	plan := k.connection(connectionInput{obj: obj, namespace: instanceNS, password: ps.password(string(obj.GetUID()))})
	data := make(map[string][]byte, len(plan.values)+3)
	for key, v := range plan.values {
		data[key] = []byte(v)
	}
	if !plan.noCA {
		data[keyCACert] = ps.ca.certPEM
	}
	if plan.leaf != nil {
		certKey, keyKey := plan.leafKeyNames()
		if existing != nil && ps.ca.matches(*plan.leaf, existing.Data[certKey], existing.Data[keyKey]) {
			data[certKey] = existing.Data[certKey]
			data[keyKey] = existing.Data[keyKey]
		} else {
			crt, key, err := ps.ca.issue(*plan.leaf)
			if err != nil {
				return nil, fmt.Errorf("issuing certificate: %w", err)
			}
			data[certKey] = crt
			data[keyKey] = key
		}
	}
	return data, nil
}

func claimLabels(k *kind, obj *unstructured.Unstructured) map[string]string {
	return map[string]string{labelClaimName: obj.GetName(), labelClaimKind: k.Kind}
}

func ownerRef(obj *unstructured.Unstructured) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: obj.GetAPIVersion(),
		Kind:       obj.GetKind(),
		Name:       obj.GetName(),
		UID:        obj.GetUID(),
		Controller: ptr.To(true),
	}
}

func ownedBy(o metav1.Object, uid types.UID) bool {
	for _, ref := range o.GetOwnerReferences() {
		if ref.UID == uid {
			return true
		}
	}
	return false
}

// ensureConnectionSecret writes the claim's connection secret, complete in one write, and only
// when its content differs; published tells whether it wrote. A secret of that name that this
// claim does not own is left alone and reported to the user, as Crossplane refuses to
// overwrite it. Until the claim has published a secret (fresh), it creates without reading
// first.
func (r *reconciler) ensureConnectionSecret(ctx context.Context, obj *unstructured.Unstructured, instanceNS string, ps *platformSecrets, fresh bool) (published bool, err error) {
	name := specString(obj, "writeConnectionSecretToRef", "name")
	if name == "" {
		return false, nil
	}
	key := types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}
	create := func() error {
		data, err := connectionSecretData(r.kind, obj, instanceNS, ps, nil)
		if err != nil {
			return err
		}
		return r.client.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{
				Namespace:       key.Namespace,
				Name:            key.Name,
				Labels:          claimLabels(r.kind, obj),
				OwnerReferences: []metav1.OwnerReference{ownerRef(obj)},
			},
			Type: corev1.SecretTypeOpaque,
			Data: data,
		})
	}
	if fresh {
		err := create()
		if err == nil {
			return true, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return false, fmt.Errorf("creating connection secret %s: %w", key, err)
		}
	}
	var existing corev1.Secret
	err = r.client.Get(ctx, key, &existing)
	switch {
	case apierrors.IsNotFound(err):
		if err := create(); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return false, retrySoon("connection secret %s created meanwhile", key)
			}
			return false, fmt.Errorf("creating connection secret %s: %w", key, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("reading connection secret %s: %w", key, err)
	}

	if !ownedBy(&existing, obj.GetUID()) {
		return false, userError{
			msg:   fmt.Sprintf("cannot write connection secret: secret %q already exists in namespace %q and is not owned by this claim", name, key.Namespace),
			retry: conflictRetry,
		}
	}
	data, err := connectionSecretData(r.kind, obj, instanceNS, ps, &existing)
	if err != nil {
		return false, err
	}
	labels := maps.Clone(existing.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, claimLabels(r.kind, obj))
	if equality.Semantic.DeepEqual(existing.Data, data) && maps.Equal(existing.Labels, labels) {
		return false, nil
	}
	existing.Data = data
	existing.Labels = labels
	if err := r.client.Update(ctx, &existing); err != nil {
		return false, fmt.Errorf("updating connection secret %s: %w", key, err)
	}
	return true, nil
}

// deleteOwnedSecrets deletes the connection secrets of this claim except keep (empty: all).
// It finds them by label and checks ownership, so a secret someone else labelled survives.
func (r *reconciler) deleteOwnedSecrets(ctx context.Context, obj *unstructured.Unstructured, keep string) error {
	var list corev1.SecretList
	if err := r.client.List(ctx, &list, client.InNamespace(obj.GetNamespace()), client.MatchingLabels(claimLabels(r.kind, obj))); err != nil {
		return fmt.Errorf("listing connection secrets: %w", err)
	}
	for i := range list.Items {
		s := &list.Items[i]
		if s.Name == keep || !ownedBy(s, obj.GetUID()) || isAccessSecret(s) { // user secrets: access.go
			continue
		}
		if err := r.client.Delete(ctx, s); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting connection secret %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}
