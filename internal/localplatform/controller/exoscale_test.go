package controller_test

import (
	"crypto/tls"
	"crypto/x509"
	"maps"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func exoscaleKindInfo(kind, service, resource, composition, versionField, defaultVersion string) kindInfo {
	return kindInfo{Kind: kind, Service: service, DefaultComposition: composition, VersionField: versionField, DefaultVersion: defaultVersion,
		GVR: schema.GroupVersionResource{Group: "exoscale.appcat.vshn.io", Version: "v1", Resource: resource}}
}

var exoscalePostgreSQL = exoscaleKindInfo("ExoscalePostgreSQL", "exoscale-postgresql", "exoscalepostgresqls", "exoscalepostgres.exoscale.appcat.vshn.io", "majorVersion", "16")

var exoscaleMySQL = exoscaleKindInfo("ExoscaleMySQL", "exoscale-mysql", "exoscalemysqls", "exoscalemysql.exoscale.appcat.vshn.io", "majorVersion", "8")

var exoscaleRedis = exoscaleKindInfo("ExoscaleRedis", "exoscale-redis", "exoscaleredis", "exoscaleredis.exoscale.appcat.vshn.io", "", "")

var exoscaleKafka = exoscaleKindInfo("ExoscaleKafka", "exoscale-kafka", "exoscalekafkas", "exoscalekafka.exoscale.appcat.vshn.io", "version", "3.8")

var exoscaleOpenSearch = exoscaleKindInfo("ExoscaleOpenSearch", "exoscale-opensearch", "exoscaleopensearches", "exoscaleopensearch.exoscale.appcat.vshn.io", "majorVersion", "2")

// TestExoscale: an Exoscale claim is provisioned as its composition does it — the connection
// secret holds exactly the XRD's connectionSecretKeys; the status has the conditions and no
// instance namespace, schedules or version (the claim's CRD has no such fields; Kafka's has
// status.version, which its composition fills); the platform's defaults apply; Kafka's client
// certificate is one the secret's ca.crt signed; and deleting the claim removes the controller's
// own namespace for it.
func TestExoscale(t *testing.T) {
	for _, tc := range []struct {
		k    kindInfo
		keys []string
		// version is the status.version the composition writes ("" for none).
		version string
	}{
		{exoscalePostgreSQL, []string{"POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PASSWORD", "POSTGRESQL_PORT", "POSTGRESQL_URL", "POSTGRESQL_USER", "ca.crt"}, ""},
		{exoscaleMySQL, []string{"MYSQL_DB", "MYSQL_HOST", "MYSQL_PASSWORD", "MYSQL_PORT", "MYSQL_URL", "MYSQL_USER", "ca.crt"}, ""},
		{exoscaleRedis, []string{"REDIS_HOST", "REDIS_PASSWORD", "REDIS_PORT", "REDIS_URL", "REDIS_USERNAME"}, ""},
		{exoscaleKafka, []string{"KAFKA_HOST", "KAFKA_NODES", "KAFKA_PORT", "KAFKA_URI", "ca.crt", "service.cert", "service.key"}, "3.8"},
		{exoscaleOpenSearch, []string{"OPENSEARCH_DASHBOARD_URI", "OPENSEARCH_HOST", "OPENSEARCH_PASSWORD", "OPENSEARCH_PORT", "OPENSEARCH_URI", "OPENSEARCH_USER"}, ""},
	} {
		t.Run(tc.k.Kind, func(t *testing.T) {
			u := user(t)
			name := uniqueName("exo")
			createClaim(t, u, tc.k, newClaim(tc.k, name, name+"-conn", map[string]any{
				"service": map[string]any{"zone": "de-fra-1"}, "maintenance": map[string]any{"dayOfWeek": "never"}}))
			obj := waitReady(t, u, tc.k, userNS(), name)

			status := obj.Object["status"].(map[string]any)
			for _, f := range []string{"instanceNamespace", "currentVersion", "schedules"} {
				if v, ok := status[f]; ok {
					t.Errorf("status.%s = %v: AppCat writes no such field for %s", f, v, tc.k.Kind)
				}
			}
			if got, _ := status["version"].(string); got != tc.version {
				t.Errorf("status.version = %q, want %q", got, tc.version)
			}
			if got := str(obj, "spec", "compositionRef", "name"); got != tc.k.DefaultComposition {
				t.Errorf("compositionRef %q, want %q", got, tc.k.DefaultComposition)
			}
			if got, _, _ := unstructured.NestedString(obj.Object, "spec", "parameters", "maintenance", "timeOfDay"); got != "22:30:00" {
				t.Errorf("maintenance.timeOfDay = %q, want the default 22:30:00", got)
			}

			s := getSecret(t, u, userNS(), name+"-conn")
			if keys := slices.Sorted(maps.Keys(s.Data)); !slices.Equal(keys, tc.keys) {
				t.Errorf("secret keys = %v, want %v", keys, tc.keys)
			}
			for k, v := range s.Data {
				if k != "ca.crt" && strings.Contains(k, "HOST") && !strings.Contains(string(v), ".de-fra-1.") {
					t.Errorf("%s = %q: not in the claim's zone", k, v)
				}
			}
			if nodes, ok := s.Data["KAFKA_NODES"]; ok {
				if n := strings.Fields(string(nodes)); len(n) != 3 || !strings.Contains(n[0], ".de-fra-1.") || !strings.HasSuffix(n[0], ":"+string(s.Data["KAFKA_PORT"])) {
					t.Errorf("KAFKA_NODES = %q, want three brokers host:port in the zone", nodes)
				}
			}
			if crt, ok := s.Data["service.cert"]; ok {
				// Kafka authenticates clients by certificate: service.cert is a client certificate of the CA.
				if _, err := parseCert(t, crt).Verify(x509.VerifyOptions{Roots: caPool(t, s), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
					t.Errorf("service.cert does not verify against ca.crt: %v", err)
				}
				if _, err := tls.X509KeyPair(crt, s.Data["service.key"]); err != nil {
					t.Errorf("service.cert/service.key: %v", err)
				}
			}

			composite := str(obj, "spec", "resourceRef", "name")
			deleteClaimAndWait(t, tc.k, userNS(), name)
			_, err := admin(t).kube.CoreV1().Namespaces().Get(ctxFor(t), "vshn-"+tc.k.Service+"-"+composite, metav1.GetOptions{})
			if err == nil {
				ns, _ := admin(t).kube.CoreV1().Namespaces().Get(ctxFor(t), "vshn-"+tc.k.Service+"-"+composite, metav1.GetOptions{})
				if ns.DeletionTimestamp == nil {
					t.Errorf("the controller's namespace for %s is still there", name)
				}
			} else if !apierrors.IsNotFound(err) {
				t.Error(err)
			}
		})
	}
}
