package controller

// Unit tests of the controller's pure logic; the behaviour against a real API server is
// tested in controller_test.

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

func claim(k *kind, name, uid string, params map[string]any) *unstructured.Unstructured {
	u := k.newObject()
	u.SetNamespace("ns")
	u.SetName(name)
	u.SetUID(types.UID(uid))
	u.SetGeneration(1)
	u.Object["spec"] = map[string]any{"parameters": params}
	return u
}

func TestCompositeAndNamespaceNames(t *testing.T) {
	re := regexp.MustCompile(`^shop-db-[a-z]{5}$`)
	seen := map[string]bool{}
	for range 50 {
		n := compositeName("shop-db")
		if !re.MatchString(n) {
			t.Fatalf("composite name %q does not match %s", n, re)
		}
		seen[n] = true
	}
	if len(seen) < 45 {
		t.Errorf("only %d distinct composite names in 50 draws: suffix not random", len(seen))
	}
	if got := instanceNamespace(kindByName("VSHNPostgreSQL"), "shop-db-qvgrd"); got != "vshn-postgresql-shop-db-qvgrd" {
		t.Errorf("instance namespace = %q", got)
	}
	if got := instanceNamespace(kindByName("VSHNRedis"), "c-abcde"); got != "vshn-redis-c-abcde" {
		t.Errorf("instance namespace = %q", got)
	}
	if got := instanceNamespace(kindByName("VSHNMariaDB"), "c-abcde"); got != "vshn-mariadb-c-abcde" {
		t.Errorf("instance namespace = %q", got)
	}
}

func TestDefaultSchedulesAreStableAndInRange(t *testing.T) {
	cron := regexp.MustCompile(`^([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \* \* \*$`)
	days := map[string]bool{}
	hours := map[int]bool{}
	for i := range 300 {
		uid := fmt.Sprintf("uid-%d", i)
		b := defaultBackupSchedule(uid)
		if !cron.MatchString(b) {
			t.Fatalf("backup schedule %q is not a daily cron", b)
		}
		if b != defaultBackupSchedule(uid) {
			t.Fatal("backup schedule not stable")
		}
		day, tod := defaultMaintenance(uid)
		if d2, t2 := defaultMaintenance(uid); d2 != day || t2 != tod {
			t.Fatal("maintenance window not stable")
		}
		if !slices.Contains(maintenanceDays, day) || day == "saturday" {
			t.Fatalf("maintenance day %q", day)
		}
		tm, err := time.Parse("15:04:05", tod)
		if err != nil {
			t.Fatalf("timeOfDay %q: %v", tod, err)
		}
		if h := tm.Hour(); h < 21 && h >= 5 {
			t.Fatalf("timeOfDay %q outside 21:00-05:00", tod)
		}
		days[day] = true
		hours[tm.Hour()] = true
	}
	if len(days) != 6 || len(hours) != 8 {
		t.Errorf("draws not spread: days %v, hours %v", days, hours)
	}
}

func TestEffectiveSchedules(t *testing.T) {
	k := kindByName("VSHNPostgreSQL")
	c := claim(k, "a", "uid-1", map[string]any{})
	s := effectiveSchedules(k, c)
	if s["backup"] != defaultBackupSchedule("uid-1") {
		t.Errorf("backup = %v", s["backup"])
	}
	m := s["maintenance"].(map[string]any)
	day, tod := defaultMaintenance("uid-1")
	if m["dayOfWeek"] != day || m["timeOfDay"] != tod || m["disableAppcatRelease"] != false {
		t.Errorf("maintenance = %v", m)
	}
	if _, ok := m["pinImageTag"]; ok {
		t.Error("pinImageTag set without being asked for")
	}

	c = claim(k, "a", "uid-1", map[string]any{
		"backup":      map[string]any{"schedule": "5 4 * * 0"},
		"maintenance": map[string]any{"dayOfWeek": "saturday", "pinImageTag": "15.3", "disableAppcatRelease": true},
	})
	c.SetGeneration(7)
	s = effectiveSchedules(k, c)
	m = s["maintenance"].(map[string]any)
	if s["backup"] != "5 4 * * 0" || m["dayOfWeek"] != "saturday" || m["timeOfDay"] != tod ||
		m["pinImageTag"] != "15.3" || m["disableAppcatRelease"] != true || s["observedGeneration"] != int64(7) {
		t.Errorf("schedules = %v", s)
	}

	// A kind without backups and maintenance window has no schedules; one with backups only,
	// no maintenance schedule.
	if s := effectiveSchedules(&kind{Kind: "VSHNNothing"}, c); s != nil {
		t.Errorf("schedules of a kind without backups and maintenance = %v, want none", s)
	}
	backupsOnly := &kind{Kind: "VSHNBackupsOnly", backup: k.backup}
	if s := effectiveSchedules(backupsOnly, c); s["backup"] != "5 4 * * 0" || s["maintenance"] != nil {
		t.Errorf("schedules of a kind with backups only = %v", s)
	}
}

func TestPlatformConfig(t *testing.T) {
	cfg, err := parsePlatformConfig(nil)
	if err != nil || cfg.delay != 2*time.Second || cfg.failPattern != nil {
		t.Errorf("defaults: %+v %v", cfg, err)
	}
	cfg, err = parsePlatformConfig(map[string]string{"provisioningDelay": "0s", "failNamePattern": "^fail-"})
	if err != nil || cfg.delay != 0 || !cfg.failPattern.MatchString("fail-x") || cfg.failPattern.MatchString("ok") {
		t.Errorf("parsed: %+v %v", cfg, err)
	}
	for _, bad := range []map[string]string{{"provisioningDelay": "soon"}, {"provisioningDelay": "-1s"}, {"failNamePattern": "("}} {
		if _, err := parsePlatformConfig(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}

	c := claim(kindByName("VSHNRedis"), "a", "u", nil)
	if d, err := claimDelay(platformConfig{delay: 3 * time.Second}, c); err != nil || d != 3*time.Second {
		t.Errorf("platform delay: %v %v", d, err)
	}
	c.SetAnnotations(map[string]string{delayAnnotation: "150ms"})
	if d, err := claimDelay(platformConfig{delay: 3 * time.Second}, c); err != nil || d != 150*time.Millisecond {
		t.Errorf("annotation delay: %v %v", d, err)
	}
	c.SetAnnotations(map[string]string{delayAnnotation: "later"})
	if _, err := claimDelay(platformConfig{}, c); err == nil {
		t.Error("bad annotation accepted")
	}
}

func testAuthority(t *testing.T) *platformSecrets {
	t.Helper()
	ca, err := newAuthority("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	return &platformSecrets{ca: ca, seed: []byte("0123456789abcdef0123456789abcdef")}
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

func TestCertificates(t *testing.T) {
	ps := testAuthority(t)
	reloaded, err := parseAuthority(ps.ca.certPEM, ps.ca.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	host := "postgresql-rw.vshn-postgresql-x-abcde.svc.cluster.local"
	spec := leafSpec{commonName: host, dnsNames: []string{host, "postgresql-rw.vshn-postgresql-x-abcde.svc"}, ips: []string{"127.1.2.3"}}
	crt, key, err := reloaded.issue(spec)
	if err != nil {
		t.Fatal(err)
	}
	cert := parseCert(t, crt)
	if _, err := cert.Verify(x509.VerifyOptions{DNSName: host, Roots: ps.ca.pool}); err != nil {
		t.Errorf("server cert does not verify for %s: %v", host, err)
	}
	if err := cert.VerifyHostname("127.1.2.3"); err != nil {
		t.Errorf("server cert lacks the IP SAN: %v", err)
	}
	if !ps.ca.matches(spec, crt, key) {
		t.Error("fresh certificate does not match its own spec")
	}
	other := spec
	other.dnsNames = []string{"elsewhere"}
	if ps.ca.matches(other, crt, key) {
		t.Error("certificate matches a spec with other hosts")
	}
	foreign := testAuthority(t)
	if foreign.ca.matches(spec, crt, key) {
		t.Error("certificate matches a CA that did not sign it")
	}
	_, otherKey, _ := ps.ca.issue(spec)
	if ps.ca.matches(spec, crt, otherKey) {
		t.Error("certificate matches a key that is not its own")
	}

	ccrt, ckey, err := ps.ca.issue(leafSpec{commonName: "default", client: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseCert(t, ccrt).Verify(x509.VerifyOptions{Roots: ps.ca.pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client cert does not verify: %v", err)
	}
	if !ps.ca.matches(leafSpec{commonName: "default", client: true}, ccrt, ckey) || ps.ca.matches(spec, ccrt, ckey) {
		t.Error("client certificate matching is wrong")
	}
}

func TestPassword(t *testing.T) {
	ps := testAuthority(t)
	p := ps.password("uid-1")
	if len(p) != 32 || !regexp.MustCompile(`^[A-Za-z0-9]+$`).MatchString(p) {
		t.Errorf("password %q", p)
	}
	if p != ps.password("uid-1") || p == ps.password("uid-2") {
		t.Error("password not stable per claim or not distinct between claims")
	}
	other := &platformSecrets{ca: ps.ca, seed: []byte("another seed")}
	if other.password("uid-1") == p {
		t.Error("password does not depend on the platform seed")
	}
}

func secretKeys(t *testing.T, k *kind, params map[string]any) (map[string][]byte, *platformSecrets) {
	t.Helper()
	ps := testAuthority(t)
	data, err := connectionSecretData(k, claim(k, "c", "uid-9", params), "vshn-x-c-abcde", ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	return data, ps
}

func keysOf(m map[string][]byte) []string { return slices.Sorted(maps.Keys(m)) }

// TestStackGresHost: PostgreSQL on StackGres is reached at the service named after the
// composite, <composite>.vshn-postgresql-<composite>.svc.cluster.local
// (vshnpostgres/connection_details.go).
func TestStackGresHost(t *testing.T) {
	k := kindByName("VSHNPostgreSQL")
	obj := claim(k, "c", "uid-9", nil)
	_ = unstructured.SetNestedField(obj.Object, compositionStackGres, "spec", "compositionRef", "name")
	_ = unstructured.SetNestedField(obj.Object, "c-abcde", "spec", "resourceRef", "name")
	data, err := connectionSecretData(k, obj, "vshn-postgresql-c-abcde", testAuthority(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	host := "c-abcde.vshn-postgresql-c-abcde.svc.cluster.local"
	if got := string(data["POSTGRESQL_HOST"]); got != host {
		t.Errorf("POSTGRESQL_HOST = %q, want %q", got, host)
	}
	if !strings.Contains(string(data["POSTGRESQL_URL"]), "@"+host+":5432/") {
		t.Errorf("POSTGRESQL_URL = %q does not name %s", data["POSTGRESQL_URL"], host)
	}
}

func TestConnectionKeySets(t *testing.T) {
	ns := "vshn-x-c-abcde"
	cases := []struct {
		kind   string
		params map[string]any
		keys   []string
		values map[string]string
	}{
		{"VSHNPostgreSQL", nil,
			[]string{"POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PASSWORD", "POSTGRESQL_PORT", "POSTGRESQL_URL", "POSTGRESQL_USER", "ca.crt", "tls.crt", "tls.key"},
			map[string]string{"POSTGRESQL_HOST": "postgresql-rw." + ns + ".svc.cluster.local", "POSTGRESQL_PORT": "5432", "POSTGRESQL_USER": "postgres", "POSTGRESQL_DB": "postgres"}},
		{"VSHNPostgreSQL", map[string]any{"network": map[string]any{"serviceType": "LoadBalancer"}},
			[]string{"LOADBALANCER_IP", "POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PASSWORD", "POSTGRESQL_PORT", "POSTGRESQL_URL", "POSTGRESQL_USER", "ca.crt", "tls.crt", "tls.key"}, nil},
		{"VSHNRedis", nil,
			[]string{"REDIS_HOST", "REDIS_PASSWORD", "REDIS_PORT", "REDIS_URL", "REDIS_USERNAME", "ca.crt", "tls.crt", "tls.key"},
			map[string]string{"REDIS_HOST": "redis-headless." + ns + ".svc.cluster.local", "REDIS_PORT": "6379", "REDIS_USERNAME": "default"}},
		// AppCat writes the client certificate whatever the TLS settings (vshnredis/redis_deploy.go).
		{"VSHNRedis", map[string]any{"tls": map[string]any{"authClients": false}},
			[]string{"REDIS_HOST", "REDIS_PASSWORD", "REDIS_PORT", "REDIS_URL", "REDIS_USERNAME", "ca.crt", "tls.crt", "tls.key"}, nil},
		{"VSHNRedis", map[string]any{"instances": int64(3)},
			[]string{"REDIS_HOST", "REDIS_PASSWORD", "REDIS_PORT", "REDIS_URL", "REDIS_USERNAME", "SENTINEL_HOSTS", "ca.crt", "tls.crt", "tls.key"},
			map[string]string{"REDIS_HOST": "redis-master." + ns + ".svc.cluster.local"}},
		{"VSHNMariaDB", nil,
			[]string{"MARIADB_HOST", "MARIADB_PASSWORD", "MARIADB_PORT", "MARIADB_URL", "MARIADB_USERNAME", "ca.crt"},
			map[string]string{"MARIADB_HOST": "mariadb." + ns + ".svc.cluster.local", "MARIADB_PORT": "3306", "MARIADB_USERNAME": "root"}},
		{"VSHNMariaDB", map[string]any{"instances": int64(3), "network": map[string]any{"serviceType": "LoadBalancer"}},
			[]string{"LOADBALANCER_IP", "MARIADB_HOST", "MARIADB_PASSWORD", "MARIADB_PORT", "MARIADB_URL", "MARIADB_USERNAME", "ca.crt"},
			map[string]string{"MARIADB_HOST": "proxysql." + ns + ".svc.cluster.local"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %v", tc.kind, tc.params), func(t *testing.T) {
			data, ps := secretKeys(t, kindByName(tc.kind), tc.params)
			if got := keysOf(data); !slices.Equal(got, tc.keys) {
				t.Errorf("keys = %v, want %v", got, tc.keys)
			}
			for k, v := range tc.values {
				if string(data[k]) != v {
					t.Errorf("%s = %q, want %q", k, data[k], v)
				}
			}
			if string(data["ca.crt"]) != string(ps.ca.certPEM) {
				t.Error("ca.crt is not the platform CA")
			}
			if ip, ok := data["LOADBALANCER_IP"]; ok && !strings.HasPrefix(string(ip), "127.") {
				t.Errorf("LOADBALANCER_IP %q is not a loopback address", ip)
			}
		})
	}
}

func TestConnectionURLs(t *testing.T) {
	data, ps := secretKeys(t, kindByName("VSHNPostgreSQL"), nil)
	pw := ps.password("uid-9")
	host := "postgresql-rw.vshn-x-c-abcde.svc.cluster.local"
	if got, want := string(data["POSTGRESQL_URL"]), "postgresql://postgres:"+pw+"@"+host+":5432/postgres"; got != want {
		t.Errorf("POSTGRESQL_URL = %q, want %q", got, want)
	}
	if string(data["POSTGRESQL_PASSWORD"]) != pw {
		t.Error("POSTGRESQL_PASSWORD is not the claim's password")
	}
	if _, err := parseCert(t, data["tls.crt"]).Verify(x509.VerifyOptions{DNSName: host, Roots: ps.ca.pool}); err != nil {
		t.Errorf("tls.crt does not verify for %s: %v", host, err)
	}

	data, ps = secretKeys(t, kindByName("VSHNRedis"), map[string]any{"instances": int64(3)})
	pw = ps.password("uid-9")
	// As vshnredis/redis_deploy.go writes them: the master service, the nodes without ports.
	if got, want := string(data["REDIS_URL"]), "rediss://default:"+pw+"@redis-master.vshn-x-c-abcde.svc.cluster.local:6379"; got != want {
		t.Errorf("REDIS_URL = %q, want %q", got, want)
	}
	if got, want := string(data["SENTINEL_HOSTS"]), "redis-node-0.redis-headless.vshn-x-c-abcde.svc.cluster.local,"+
		"redis-node-1.redis-headless.vshn-x-c-abcde.svc.cluster.local,redis-node-2.redis-headless.vshn-x-c-abcde.svc.cluster.local"; got != want {
		t.Errorf("SENTINEL_HOSTS = %q, want %q", got, want)
	}
	// TLS off changes neither the scheme nor the client certificate AppCat writes.
	data, _ = secretKeys(t, kindByName("VSHNRedis"), map[string]any{"tls": map[string]any{"enabled": false}})
	if !strings.HasPrefix(string(data["REDIS_URL"]), "rediss://") || len(data["tls.crt"]) == 0 || len(data["tls.key"]) == 0 {
		t.Errorf("without TLS: REDIS_URL = %q, tls.crt %d bytes, tls.key %d bytes", data["REDIS_URL"], len(data["tls.crt"]), len(data["tls.key"]))
	}

	data, ps = secretKeys(t, kindByName("VSHNMariaDB"), nil)
	if got, want := string(data["MARIADB_URL"]), "mysql://root:"+ps.password("uid-9")+"@mariadb.vshn-x-c-abcde.svc.cluster.local:3306"; got != want {
		t.Errorf("MARIADB_URL = %q, want %q", got, want)
	}
}

func TestSecretKeepsCertificateWhileItFits(t *testing.T) {
	k := kindByName("VSHNPostgreSQL")
	ps := testAuthority(t)
	c := claim(k, "c", "uid-9", nil)
	first, err := connectionSecretData(k, c, "vshn-postgresql-c-abcde", ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	existing := secretWith(first)
	second, _ := connectionSecretData(k, c, "vshn-postgresql-c-abcde", ps, existing)
	if string(second["tls.crt"]) != string(first["tls.crt"]) || string(second["tls.key"]) != string(first["tls.key"]) {
		t.Error("certificate re-issued although it still fits")
	}
	// A LoadBalancer adds an IP SAN: the certificate must be re-issued.
	c2 := claim(k, "c", "uid-9", map[string]any{"network": map[string]any{"serviceType": "LoadBalancer"}})
	third, _ := connectionSecretData(k, c2, "vshn-postgresql-c-abcde", ps, existing)
	if string(third["tls.crt"]) == string(first["tls.crt"]) {
		t.Error("certificate kept although its SANs no longer fit")
	}
	if string(third["POSTGRESQL_PASSWORD"]) != string(first["POSTGRESQL_PASSWORD"]) {
		t.Error("password changed on update")
	}
}

func TestSetConditions(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t1 := t0.Add(time.Minute)
	status := map[string]any{"conditions": []any{
		map[string]any{"type": "Other", "status": "True", "reason": "X", "lastTransitionTime": "2020-01-01T00:00:00Z"},
	}}
	ready := condition{Type: typeReady, Status: statusFalse, Reason: reasonCreating, ObservedGeneration: 2}
	synced := condition{Type: typeSynced, Status: statusTrue, Reason: reasonReconcileSuccess, ObservedGeneration: 2}
	setConditions(status, t0, synced, ready)
	u := &unstructured.Unstructured{Object: map[string]any{"status": status}}
	if c, _ := getCondition(u, typeReady); c.condition != ready || !c.LastTransitionTime.Equal(t0) {
		t.Errorf("Ready = %+v", c)
	}
	if _, ok := getCondition(u, "Other"); !ok {
		t.Error("foreign condition dropped")
	}
	// Unchanged: time kept.
	setConditions(status, t1, synced, ready)
	if c, _ := getCondition(u, typeReady); !c.LastTransitionTime.Equal(t0) {
		t.Error("lastTransitionTime moved for an unchanged condition")
	}
	// New generation: new time, as Crossplane does.
	ready.ObservedGeneration = 3
	setConditions(status, t1, synced, ready)
	if c, _ := getCondition(u, typeReady); !c.LastTransitionTime.Equal(t1) || c.ObservedGeneration != 3 {
		t.Errorf("Ready after new generation = %+v", c)
	}
	if n := len(status["conditions"].([]any)); n != 3 {
		t.Errorf("%d conditions, want 3", n)
	}
}

func secretWith(data map[string][]byte) *corev1.Secret { return &corev1.Secret{Data: data} }
