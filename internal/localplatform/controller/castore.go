package controller

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	platformCASecret = "platform-ca"
	// keyPasswordSeed holds random bytes from which instance passwords are derived (see password).
	keyPasswordSeed = "password-seed"
)

// platformSecrets is the platform's CA and password seed, loaded from (or first written to)
// Secret appcat-system/platform-ca. It lives in the API, not in the process, so a restarted
// controller signs with the same CA and hands out the same passwords.
type platformSecrets struct {
	ca   *authority
	seed []byte
}

// caStore loads platformSecrets once per process. It is shared by the reconcilers of all kinds.
type caStore struct {
	c client.Client // reads of Secrets bypass the cache (see Run)

	mu     sync.Mutex
	loaded *platformSecrets

	instances sync.Map // claim UID → *authority, its instance's CA (instance_ca.go)
}

func (s *caStore) get(ctx context.Context) (*platformSecrets, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded != nil {
		return s.loaded, nil
	}
	ps, err := s.loadOrCreate(ctx)
	if err != nil {
		return nil, err
	}
	s.loaded = ps
	return ps, nil
}

func (s *caStore) loadOrCreate(ctx context.Context) (*platformSecrets, error) {
	key := types.NamespacedName{Namespace: systemNamespace, Name: platformCASecret}
	var sec corev1.Secret
	err := s.c.Get(ctx, key, &sec)
	if err == nil {
		return s.parse(ctx, &sec)
	}
	if !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("reading platform CA: %w", err)
	}

	ca, err := newAuthority("appcat-local-platform-ca")
	if err != nil {
		return nil, err
	}
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	sec = corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: platformCASecret},
		Type:       corev1.SecretTypeTLS,
		Data: map[string][]byte{
			corev1.TLSCertKey:       ca.certPEM,
			corev1.TLSPrivateKeyKey: ca.keyPEM,
			"ca.crt":                ca.certPEM,
			keyPasswordSeed:         seed,
		},
	}
	if err := s.ensureSystemNamespace(ctx); err != nil {
		return nil, err
	}
	err = s.c.Create(ctx, &sec)
	if apierrors.IsAlreadyExists(err) {
		// Another controller process won the race: use its CA.
		if err := s.c.Get(ctx, key, &sec); err != nil {
			return nil, fmt.Errorf("reading platform CA: %w", err)
		}
		return s.parse(ctx, &sec)
	}
	if err != nil {
		return nil, fmt.Errorf("creating platform CA: %w", err)
	}
	return &platformSecrets{ca: ca, seed: seed}, nil
}

func (s *caStore) parse(ctx context.Context, sec *corev1.Secret) (*platformSecrets, error) {
	ca, err := parseAuthority(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", sec.Namespace, sec.Name, err)
	}
	seed := sec.Data[keyPasswordSeed]
	if len(seed) == 0 {
		// A CA secret written by someone else: add the seed once, keeping their CA.
		seed = make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		sec.Data[keyPasswordSeed] = seed
		if err := s.c.Update(ctx, sec); err != nil {
			return nil, fmt.Errorf("adding password seed to %s/%s: %w", sec.Namespace, sec.Name, err)
		}
	}
	return &platformSecrets{ca: ca, seed: seed}, nil
}

func (s *caStore) ensureSystemNamespace(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: systemNamespace}}
	if err := s.c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", systemNamespace, err)
	}
	return nil
}

const passwordLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// password is the instance password of a claim: 32 letters and digits (safe in URLs without
// escaping), an HMAC of the claim UID under the platform's random seed. Nobody can guess it
// without the seed, and it stays the same across updates, renamed or deleted connection
// secrets, and controller restarts, as a real database's password would.
func (p *platformSecrets) password(uid string) string {
	mac := hmac.New(sha256.New, p.seed)
	mac.Write([]byte("password/" + uid))
	sum := mac.Sum(nil)
	out := make([]byte, len(sum))
	for i, b := range sum {
		out[i] = passwordLetters[int(b)%len(passwordLetters)]
	}
	return string(out)
}
