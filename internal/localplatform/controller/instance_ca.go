package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Each instance has a CA of its own, as in real AppCat, where the composition gives every instance
// a self-signed cert-manager Issuer and a `<service>-ca` Certificate (Secret tls-ca-certificate) in
// its instance namespace (pkg/comp-functions/functions/common/tls.go, CreateTLSCerts): a client
// that trusts one instance's ca.crt trusts no other instance. Here the CA is kept in
// appcat-system/instance-ca-<claim UID>, beside the platform's own, so that it exists before the
// instance namespace does and survives a controller restart; the claim's finalizer deletes it
// (cleanup.go). Kinds without an instance namespace, and the Exoscale kinds, whose ca.crt stands
// for Exoscale's CA, use the platform's CA.

const labelInstanceCAOf = "appcat.vshn.io/instance-ca-of"

func instanceCASecretName(uid types.UID) string { return "instance-ca-" + string(uid) }

// secretsFor is the platform's secrets as one claim uses them: with its instance's CA, or the
// platform's for kinds that have none of their own; the same password seed either way.
func (r *reconciler) secretsFor(ctx context.Context, obj *unstructured.Unstructured, instanceNS string) (*platformSecrets, error) {
	if instanceNS == "" || r.kind.external {
		return r.cas.get(ctx)
	}
	return r.cas.forInstance(ctx, obj.GetUID(), instanceNS)
}

// forInstance is the platform's secrets with the CA of the instance of claim uid.
func (s *caStore) forInstance(ctx context.Context, uid types.UID, instanceNS string) (*platformSecrets, error) {
	ps, err := s.get(ctx)
	if err != nil {
		return nil, err
	}
	ca, err := s.instanceCA(ctx, uid, instanceNS)
	if err != nil {
		return nil, err
	}
	own := *ps
	own.ca = ca
	return &own, nil
}

// instanceCA loads the instance's CA, or creates it on first use.
func (s *caStore) instanceCA(ctx context.Context, uid types.UID, instanceNS string) (*authority, error) {
	if ca, ok := s.instances.Load(uid); ok {
		return ca.(*authority), nil //nolint:forcetypeassert // only authorities are stored
	}
	key := types.NamespacedName{Namespace: systemNamespace, Name: instanceCASecretName(uid)}
	var sec corev1.Secret
	err := s.c.Get(ctx, key, &sec)
	switch {
	case apierrors.IsNotFound(err):
		ca, err := s.createInstanceCA(ctx, key, uid, instanceNS)
		if err != nil {
			return nil, err
		}
		s.instances.Store(uid, ca)
		return ca, nil
	case err != nil:
		return nil, fmt.Errorf("reading the CA of instance %s: %w", instanceNS, err)
	}
	ca, err := parseAuthority(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", key, err)
	}
	s.instances.Store(uid, ca)
	return ca, nil
}

func (s *caStore) createInstanceCA(ctx context.Context, key types.NamespacedName, uid types.UID, instanceNS string) (*authority, error) {
	ca, err := newAuthority(instanceNS + "-ca")
	if err != nil {
		return nil, err
	}
	sec := corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name, Labels: map[string]string{labelInstanceCAOf: string(uid)}},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: ca.certPEM, corev1.TLSPrivateKeyKey: ca.keyPEM, keyCACert: ca.certPEM},
	}
	err = s.c.Create(ctx, &sec)
	if apierrors.IsAlreadyExists(err) {
		// Another reconcile of the same claim won the race: use its CA.
		if err := s.c.Get(ctx, key, &sec); err != nil {
			return nil, fmt.Errorf("reading the CA of instance %s: %w", instanceNS, err)
		}
		return parseAuthority(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
	}
	if err != nil {
		return nil, fmt.Errorf("creating the CA of instance %s: %w", instanceNS, err)
	}
	return ca, nil
}

// deleteInstanceCA deletes the claim's instance CA, if it has one.
func (s *caStore) deleteInstanceCA(ctx context.Context, uid types.UID) error {
	s.instances.Delete(uid)
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: instanceCASecretName(uid)}}
	if err := s.c.Delete(ctx, sec); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting the instance CA %s/%s: %w", sec.Namespace, sec.Name, err)
	}
	return nil
}
