package controller_test

import (
	"crypto/x509"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Each instance trusts its own CA only, as on real AppCat (instance_ca.go): two Redis instances
// get different ca.crt, each one's client certificate verifies against its own CA and not against
// the other's, and deleting a claim deletes its CA.
func TestEachInstanceHasItsOwnCA(t *testing.T) {
	u := user(t)
	var (
		secrets []*corev1.Secret
		uids    []types.UID
		names   []string
	)
	for range 2 {
		name := uniqueName("redis-ca")
		created := createClaim(t, u, redis, newClaim(redis, name, name+"-conn", nil))
		obj := waitReady(t, u, redis, userNS(), name)
		secrets = append(secrets, checkSecret(t, redis, obj, name+"-conn", redisKeys))
		uids = append(uids, created.GetUID())
		names = append(names, name)
	}
	if string(secrets[0].Data["ca.crt"]) == string(secrets[1].Data["ca.crt"]) {
		t.Fatal("both instances have the same ca.crt")
	}
	for i, s := range secrets {
		cert := parseCert(t, s.Data["tls.crt"])
		usage := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: caPool(t, s), KeyUsages: usage}); err != nil {
			t.Errorf("instance %d: its certificate does not verify against its own ca.crt: %v", i, err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: caPool(t, secrets[1-i]), KeyUsages: usage}); err == nil {
			t.Errorf("instance %d: its certificate verifies against the other instance's ca.crt", i)
		}
	}

	ctx := ctxFor(t)
	// The platform keeps the instance's CA in appcat-system, labelled with the claim's UID.
	storedCAs := func() []corev1.Secret {
		list, err := admin(t).kube.CoreV1().Secrets("appcat-system").List(ctx, metav1.ListOptions{LabelSelector: "appcat.vshn.io/instance-ca-of=" + string(uids[0])})
		if err != nil {
			t.Fatal(err)
		}
		return list.Items
	}
	if cas := storedCAs(); len(cas) != 1 || string(cas[0].Data["ca.crt"]) != string(secrets[0].Data["ca.crt"]) {
		t.Fatalf("the instance's CA is not stored as the one in its connection secret (%d stored)", len(cas))
	}
	deleteClaimAndWait(t, redis, userNS(), names[0])
	if cas := storedCAs(); len(cas) != 0 {
		t.Error("the instance's CA is left after its claim is gone")
	}
}
