package controller_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// checkProvisioned asserts what every Ready claim must show and returns its instance namespace.
func checkProvisioned(t *testing.T, k kindInfo, obj *unstructured.Unstructured) string {
	t.Helper()
	gen := obj.GetGeneration()
	for _, typ := range []string{"Synced", "Ready"} {
		c := cond(obj, typ)
		if c == nil {
			t.Fatalf("no %s condition: %v", typ, obj.Object["status"])
		}
		wantReason := map[string]string{"Synced": "ReconcileSuccess", "Ready": "Available"}[typ]
		if c["status"] != "True" || c["reason"] != wantReason || condGen(c) != gen {
			t.Errorf("%s = %v, want True/%s for generation %d", typ, c, wantReason, gen)
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(c["lastTransitionTime"])); err != nil {
			t.Errorf("%s lastTransitionTime: %v", typ, err)
		}
	}
	if og, _, _ := unstructured.NestedInt64(obj.Object, "status", "observedGeneration"); og != gen {
		t.Errorf("status.observedGeneration = %d, want %d", og, gen)
	}
	if !slices.Contains(obj.GetFinalizers(), finalizerName) {
		t.Errorf("finalizers = %v, want %s", obj.GetFinalizers(), finalizerName)
	}
	if got := str(obj, "spec", "compositionRef", "name"); got != k.DefaultComposition {
		t.Errorf("compositionRef = %q, want %q", got, k.DefaultComposition)
	}
	composite := str(obj, "spec", "resourceRef", "name")
	if !regexp.MustCompile("^" + regexp.QuoteMeta(obj.GetName()) + "-[a-z]{5}$").MatchString(composite) {
		t.Errorf("resourceRef.name = %q, want %s-<5 lowercase letters>", composite, obj.GetName())
	}
	if str(obj, "spec", "resourceRef", "kind") != "X"+k.Kind || str(obj, "spec", "resourceRef", "apiVersion") != k.GVR.GroupVersion().String() {
		t.Errorf("resourceRef = %v", obj.Object["spec"].(map[string]any)["resourceRef"])
	}
	ns := str(obj, "status", "instanceNamespace")
	if k.NoInstanceNamespace {
		if ns != "" {
			t.Errorf("instanceNamespace = %q, want none", ns)
		}
		return ""
	}
	if want := "vshn-" + k.Service + "-" + composite; ns != want {
		t.Errorf("instanceNamespace = %q, want %q", ns, want)
	}
	return ns
}

// checkInstanceNamespace asserts the instance namespace and its viewer RoleBinding.
func checkInstanceNamespace(t *testing.T, k kindInfo, obj *unstructured.Unstructured, ns string) {
	t.Helper()
	a := admin(t)
	ctx := ctxFor(t)
	n, err := a.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("instance namespace: %v", err)
	}
	want := map[string]string{"appcat.vshn.io/claim-name": obj.GetName(), "appcat.vshn.io/claim-namespace": obj.GetNamespace(), "appcat.vshn.io/claim-kind": k.Kind}
	for key, v := range want {
		if n.Labels[key] != v {
			t.Errorf("namespace label %s = %q, want %q", key, n.Labels[key], v)
		}
	}
	customer, err := a.kube.RbacV1().RoleBindings(obj.GetNamespace()).Get(ctx, "appcat-customer", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the user namespace has no appcat-customer RoleBinding: %v", err)
	}
	viewer, err := a.kube.RbacV1().RoleBindings(ns).Get(ctx, "appcat:services:read", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("instance viewer RoleBinding: %v", err)
	}
	if viewer.RoleRef.Kind != "ClusterRole" || viewer.RoleRef.Name != "appcat:services:read" {
		t.Errorf("viewer roleRef = %+v", viewer.RoleRef)
	}
	if fmt.Sprint(viewer.Subjects) != fmt.Sprint(customer.Subjects) {
		t.Errorf("viewer subjects = %v, want those of appcat-customer %v", viewer.Subjects, customer.Subjects)
	}
}

// checkSecret asserts the connection secret's keys, labels, owner and CA, and returns it.
func checkSecret(t *testing.T, k kindInfo, obj *unstructured.Unstructured, name string, wantKeys []string) *corev1.Secret {
	t.Helper()
	s := getSecret(t, user(t), obj.GetNamespace(), name) // the user can read it
	if got := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(got, slices.Sorted(slices.Values(wantKeys))) {
		t.Errorf("secret keys = %v\nwant %v", got, slices.Sorted(slices.Values(wantKeys)))
	}
	for key, v := range s.Data {
		if len(v) == 0 {
			t.Errorf("secret key %s is empty", key)
		}
	}
	if s.Labels["appcat.vshn.io/claim-name"] != obj.GetName() || s.Labels["appcat.vshn.io/claim-kind"] != k.Kind {
		t.Errorf("secret labels = %v", s.Labels)
	}
	if len(s.OwnerReferences) != 1 || s.OwnerReferences[0].UID != obj.GetUID() || s.OwnerReferences[0].Kind != k.Kind {
		t.Errorf("secret ownerReferences = %+v", s.OwnerReferences)
	}
	if want := expectedCA(t, obj); string(want) != string(s.Data["ca.crt"]) {
		t.Error("ca.crt is not the CA the platform keeps for the instance")
	}
	return s
}

// expectedCA is the CA of the claim's instance, as the platform keeps it: an instance of its own
// (one with a reported instance namespace) has its own CA, as on real AppCat; other kinds share
// the platform's, in Secret appcat-system/platform-ca.
func expectedCA(t *testing.T, obj *unstructured.Unstructured) []byte {
	t.Helper()
	if str(obj, "status", "instanceNamespace") == "" {
		return getSecret(t, admin(t), "appcat-system", "platform-ca").Data["ca.crt"]
	}
	list, err := admin(t).kube.CoreV1().Secrets("appcat-system").List(ctxFor(t),
		metav1.ListOptions{LabelSelector: "appcat.vshn.io/instance-ca-of=" + string(obj.GetUID())})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("%d CAs kept for instance %s, want 1", len(list.Items), obj.GetName())
	}
	return list.Items[0].Data["ca.crt"]
}

func parseCert(t *testing.T, p []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(p)
	if b == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func caPool(t *testing.T, s *corev1.Secret) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.Data["ca.crt"]) {
		t.Fatal("ca.crt holds no certificate")
	}
	return pool
}

// checkURL parses a connection URL and compares it with the secret's other keys.
func checkURL(t *testing.T, raw, scheme, user, password, host, port, path string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("URL %q: %v", raw, err)
	}
	pw, _ := u.User.Password()
	if u.Scheme != scheme || u.User.Username() != user || pw != password || u.Hostname() != host || u.Port() != port || u.Path != path {
		t.Errorf("URL %q, want %s://%s:<password>@%s:%s%s", raw, scheme, user, host, port, path)
	}
}

func TestPostgreSQL(t *testing.T) {
	u := user(t)
	pgKeys := []string{"POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "POSTGRESQL_DB", "POSTGRESQL_URL", "ca.crt", "tls.crt", "tls.key"}

	t.Run("ClusterIP", func(t *testing.T) {
		name := uniqueName("pg")
		createClaim(t, u, postgres, newClaim(postgres, name, name+"-conn", map[string]any{
			"service": map[string]any{"majorVersion": "16"},
		}))
		obj := waitReady(t, u, postgres, userNS(), name)
		ns := checkProvisioned(t, postgres, obj)
		checkInstanceNamespace(t, postgres, obj, ns)
		if v := str(obj, "status", "currentVersion"); v != "16" {
			t.Errorf("currentVersion = %q, want 16", v)
		}

		s := checkSecret(t, postgres, obj, name+"-conn", pgKeys)
		host := "postgresql-rw." + ns + ".svc.cluster.local"
		d := func(k string) string { return string(s.Data[k]) }
		if d("POSTGRESQL_HOST") != host || d("POSTGRESQL_PORT") != "5432" || d("POSTGRESQL_USER") != "postgres" || d("POSTGRESQL_DB") != "postgres" {
			t.Errorf("secret = host %q port %q user %q db %q", d("POSTGRESQL_HOST"), d("POSTGRESQL_PORT"), d("POSTGRESQL_USER"), d("POSTGRESQL_DB"))
		}
		if len(d("POSTGRESQL_PASSWORD")) < 16 {
			t.Errorf("password %q too short", d("POSTGRESQL_PASSWORD"))
		}
		checkURL(t, d("POSTGRESQL_URL"), "postgresql", "postgres", d("POSTGRESQL_PASSWORD"), host, "5432", "/postgres")
		cert := parseCert(t, s.Data["tls.crt"])
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: host, Roots: caPool(t, s)}); err != nil {
			t.Errorf("tls.crt does not verify against ca.crt for %s: %v", host, err)
		}
		if _, err := tlsKeyPair(s); err != nil {
			t.Errorf("tls.crt/tls.key: %v", err)
		}
	})

	t.Run("LoadBalancer", func(t *testing.T) {
		name := uniqueName("pglb")
		createClaim(t, u, postgres, newClaim(postgres, name, name+"-conn", map[string]any{
			"network": map[string]any{"serviceType": "LoadBalancer"},
		}))
		obj := waitReady(t, u, postgres, userNS(), name)
		checkProvisioned(t, postgres, obj)
		if v := str(obj, "status", "currentVersion"); v != postgres.DefaultVersion {
			t.Errorf("currentVersion = %q, want the default %s", v, postgres.DefaultVersion)
		}
		s := checkSecret(t, postgres, obj, name+"-conn", append(slices.Clone(pgKeys), "LOADBALANCER_IP"))
		ip := string(s.Data["LOADBALANCER_IP"])
		if !strings.HasPrefix(ip, "127.") {
			t.Errorf("LOADBALANCER_IP = %q, want a 127.x loopback address", ip)
		}
		if err := parseCert(t, s.Data["tls.crt"]).VerifyHostname(ip); err != nil {
			t.Errorf("tls.crt does not cover the load balancer address: %v", err)
		}
	})

	t.Run("WithoutSecret", func(t *testing.T) {
		name := uniqueName("pgns")
		createClaim(t, u, postgres, newClaim(postgres, name, "", nil))
		obj := waitReady(t, u, postgres, userNS(), name)
		checkProvisioned(t, postgres, obj)
		list, err := u.kube.CoreV1().Secrets(userNS()).List(ctxFor(t), metav1.ListOptions{LabelSelector: "appcat.vshn.io/claim-name=" + name})
		if err != nil || len(list.Items) != 0 {
			t.Errorf("secrets written for a claim without writeConnectionSecretToRef: %v %v", list, err)
		}
	})
}

// tlsKeyPair checks that tls.crt and tls.key belong together.
func tlsKeyPair(s *corev1.Secret) (tls.Certificate, error) {
	return tls.X509KeyPair(s.Data["tls.crt"], s.Data["tls.key"])
}

// redisKeys are the keys of a standalone Redis instance's connection secret.
var redisKeys = []string{"REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_URL", "ca.crt", "tls.crt", "tls.key"}

func TestRedis(t *testing.T) {
	u := user(t)
	base := redisKeys
	for _, tc := range []struct {
		name      string
		instances int64
		host      string // service name
		sentinels bool
	}{
		{"Standalone", 1, "redis-headless", false},
		{"HA", 3, "redis-master", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := uniqueName("redis")
			createClaim(t, u, redis, newClaim(redis, name, name+"-conn", map[string]any{
				"instances": tc.instances,
				"service":   map[string]any{"version": "8.0"},
			}))
			obj := waitReady(t, u, redis, userNS(), name)
			ns := checkProvisioned(t, redis, obj)
			checkInstanceNamespace(t, redis, obj, ns)
			// Redis reports the image tag it runs, no currentVersion (apis/vshn/v1/dbaas_vshn_redis.go).
			if v, cv := str(obj, "status", "currentReleaseTag"), str(obj, "status", "currentVersion"); v != "8.0" || cv != "" {
				t.Errorf("currentReleaseTag = %q, currentVersion = %q, want 8.0 and none", v, cv)
			}
			keys := slices.Clone(base)
			if tc.sentinels {
				keys = append(keys, "SENTINEL_HOSTS")
			}
			s := checkSecret(t, redis, obj, name+"-conn", keys)
			d := func(k string) string { return string(s.Data[k]) }
			host := tc.host + "." + ns + ".svc.cluster.local"
			if d("REDIS_HOST") != host || d("REDIS_PORT") != "6379" || d("REDIS_USERNAME") != "default" {
				t.Errorf("secret = host %q port %q user %q, want host %q", d("REDIS_HOST"), d("REDIS_PORT"), d("REDIS_USERNAME"), host)
			}
			checkURL(t, d("REDIS_URL"), "rediss", "default", d("REDIS_PASSWORD"), host, "6379", "")
			if tc.sentinels {
				hosts := strings.Split(d("SENTINEL_HOSTS"), ",")
				if len(hosts) != 3 {
					t.Errorf("SENTINEL_HOSTS = %q, want three sentinels", d("SENTINEL_HOSTS"))
				}
				for i, h := range hosts {
					if want := fmt.Sprintf("redis-node-%d.redis-headless.%s.svc.cluster.local", i, ns); h != want {
						t.Errorf("sentinel host %q, want %q (no port, as AppCat writes it)", h, want)
					}
				}
			}
			// Redis authenticates clients by certificate: tls.crt is a client certificate of the CA.
			cert := parseCert(t, s.Data["tls.crt"])
			if _, err := cert.Verify(x509.VerifyOptions{Roots: caPool(t, s), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("client certificate does not verify against ca.crt: %v", err)
			}
			if _, err := tlsKeyPair(s); err != nil {
				t.Errorf("tls.crt/tls.key: %v", err)
			}
		})
	}
}

func TestMariaDB(t *testing.T) {
	u := user(t)
	base := []string{"MARIADB_HOST", "MARIADB_PORT", "MARIADB_USERNAME", "MARIADB_PASSWORD", "MARIADB_URL", "ca.crt"}
	for _, tc := range []struct {
		name         string
		instances    int64
		loadBalancer bool
		host         string
	}{
		{"Standalone", 1, false, "mariadb"},
		{"GaleraLoadBalancer", 3, true, "proxysql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := uniqueName("maria")
			params := map[string]any{"instances": tc.instances, "service": map[string]any{"version": "11.4"}}
			if tc.loadBalancer {
				params["network"] = map[string]any{"serviceType": "LoadBalancer"}
			}
			createClaim(t, u, mariadb, newClaim(mariadb, name, name+"-conn", params))
			obj := waitReady(t, u, mariadb, userNS(), name)
			ns := checkProvisioned(t, mariadb, obj)
			checkInstanceNamespace(t, mariadb, obj, ns)
			// MariaDB reports mariadbVersion only from a full x.y.z image tag, which a new
			// instance on "11.4" does not have yet (vshnmariadb/mariadb_deploy.go), and its
			// instance count in currentInstances.
			if v, mv := str(obj, "status", "currentVersion"), str(obj, "status", "mariadbVersion"); v != "" || mv != "" {
				t.Errorf("currentVersion = %q, mariadbVersion = %q, want neither on a new 11.4", v, mv)
			}
			if n, _, _ := unstructured.NestedInt64(obj.Object, "status", "currentInstances"); n != tc.instances {
				t.Errorf("currentInstances = %d, want %d", n, tc.instances)
			}
			keys := slices.Clone(base)
			if tc.loadBalancer {
				keys = append(keys, "LOADBALANCER_IP")
			}
			s := checkSecret(t, mariadb, obj, name+"-conn", keys)
			d := func(k string) string { return string(s.Data[k]) }
			host := tc.host + "." + ns + ".svc.cluster.local"
			if d("MARIADB_HOST") != host || d("MARIADB_PORT") != "3306" || d("MARIADB_USERNAME") != "root" {
				t.Errorf("secret = host %q port %q user %q, want host %q", d("MARIADB_HOST"), d("MARIADB_PORT"), d("MARIADB_USERNAME"), host)
			}
			checkURL(t, d("MARIADB_URL"), "mysql", "root", d("MARIADB_PASSWORD"), host, "3306", "")
			if tc.loadBalancer && !strings.HasPrefix(d("LOADBALANCER_IP"), "127.") {
				t.Errorf("LOADBALANCER_IP = %q", d("LOADBALANCER_IP"))
			}
			if ca := parseCert(t, s.Data["ca.crt"]); !ca.IsCA {
				t.Error("ca.crt is not a CA certificate")
			}
		})
	}
}
