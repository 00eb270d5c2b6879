package controller

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The Exoscale DBaaS kinds (group exoscale.appcat.vshn.io). On AppCat their compositions
// (component-appcat component/exoscale_*.jsonnet) create one managed resource of
// provider-exoscale, which orders the database from Exoscale, and copy the keys of its connection
// secret into the claim's; Ready is the managed resource's Ready. Nothing runs in the cluster, so
// their rows are external: no instance namespace reported, no viewer binding, no SLI probes; and
// no restore, backups objects, users, AppCat maintenance window or exporter either. The claim's
// spec.parameters (zone, plan, IP filter, Exoscale's own maintenance window and backup time) go to
// Exoscale as they are; this platform stores them.

// exoscaleKind is one Exoscale kind's row. versionField is the spec.parameters.service field with
// the version ("" for Redis, which has none).
func exoscaleKind(kindName, service, composition, versionField, defaultVersion string, conn func(connectionInput) connectionPlan) *kind {
	k := &kind{
		Kind:               kindName,
		Group:              "exoscale.appcat.vshn.io",
		Service:            service,
		DefaultComposition: composition,
		DefaultVersion:     defaultVersion,
		connection:         conn,
		external:           true,
	}
	if versionField != "" {
		k.VersionPath = []string{"service", versionField}
	}
	return k
}

// reporting is k writing the status fields in which it reports its version with report.
func (k *kind) reporting(report func(obj *unstructured.Unstructured, status map[string]any)) *kind {
	k.reportVersion = report
	return k
}

// exoscaleHost is the host name Exoscale gives a DBaaS service, imitated: the service is named
// after the composite (the managed resource's name) and lives in the claim's zone. Nothing
// listens there.
func exoscaleHost(in connectionInput) string {
	return exoscaleNodeHost(in, "")
}

// exoscaleNodeHost is the host name of one node of the service (suffix "-1", "-2", …), or of the
// service itself (suffix "").
func exoscaleNodeHost(in connectionInput, suffix string) string {
	return fmt.Sprintf("%s%s.%s.dbaas.exoscale.localhost", specString(in.obj, "resourceRef", "name"), suffix,
		stringParam(in.obj, "ch-gva-2", "service", "zone"))
}

// exoscalePostgreSQLConnection: the keys of the XRD's connectionSecretKeys, with Exoscale's admin
// user and default database; ca.crt is Exoscale's CA (secrets.go adds it).
func exoscalePostgreSQLConnection(in connectionInput) connectionPlan {
	const user, db, port = "avnadmin", "defaultdb", "21699"
	host := exoscaleHost(in)
	return connectionPlan{values: map[string]string{
		"POSTGRESQL_HOST":     host,
		"POSTGRESQL_PORT":     port,
		"POSTGRESQL_USER":     user,
		"POSTGRESQL_PASSWORD": in.password,
		"POSTGRESQL_DB":       db,
		"POSTGRESQL_URL":      fmt.Sprintf("postgres://%s:%s@%s:%s/%s?sslmode=require", user, in.password, host, port, db),
	}}
}

// exoscaleMySQLConnection: as for PostgreSQL, with MySQL's keys and a mysql:// URL.
func exoscaleMySQLConnection(in connectionInput) connectionPlan {
	const user, db, port = "avnadmin", "defaultdb", "21699"
	host := exoscaleHost(in)
	return connectionPlan{values: map[string]string{
		"MYSQL_HOST":     host,
		"MYSQL_PORT":     port,
		"MYSQL_USER":     user,
		"MYSQL_PASSWORD": in.password,
		"MYSQL_DB":       db,
		"MYSQL_URL":      fmt.Sprintf("mysql://%s:%s@%s:%s/%s?ssl-mode=REQUIRED", user, in.password, host, port, db),
	}}
}

// exoscaleRedisConnection: the XRD's keys, a rediss:// URL and no ca.crt (the composition copies
// none).
func exoscaleRedisConnection(in connectionInput) connectionPlan {
	const user, port = "default", "21700"
	host := exoscaleHost(in)
	return connectionPlan{values: map[string]string{
		"REDIS_HOST":     host,
		"REDIS_PORT":     port,
		"REDIS_USERNAME": user,
		"REDIS_PASSWORD": in.password,
		"REDIS_URL":      fmt.Sprintf("rediss://%s:%s@%s:%s", user, in.password, host, port),
	}, noCA: true}
}

// exoscaleKafkaConnection: the XRD's keys as provider-exoscale writes them. Kafka at Exoscale
// authenticates clients by certificate: service.cert and service.key are a client certificate
// (here signed by the platform's CA, which is ca.crt), and there is no user or password.
// KAFKA_URI is host:port without scheme; KAFKA_NODES lists every broker's host:port, separated by
// spaces: three, or as many as a premium-<n>x plan names.
func exoscaleKafkaConnection(in connectionInput) connectionPlan {
	const port = "21701"
	host := exoscaleHost(in)
	nodes := make([]string, kafkaBrokers(stringParam(in.obj, "startup-2", "size", "plan")))
	for i := range nodes {
		nodes[i] = exoscaleNodeHost(in, fmt.Sprintf("-%d", i+1)) + ":" + port
	}
	return connectionPlan{values: map[string]string{
		"KAFKA_URI":   host + ":" + port,
		"KAFKA_HOST":  host,
		"KAFKA_PORT":  port,
		"KAFKA_NODES": strings.Join(nodes, " "),
	}, leaf: &leafSpec{commonName: "avnadmin", client: true}, leafKeys: [2]string{"service.cert", "service.key"}}
}

// kafkaBrokers is the number of brokers of an Exoscale Kafka plan: n for premium-<n>x-…, else 3.
func kafkaBrokers(plan string) int {
	if m := premiumPlan.FindStringSubmatch(plan); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 3
}

var premiumPlan = regexp.MustCompile(`^premium-([0-9]+)x-`)

// reportKafkaVersion is what the ExoscaleKafka composition writes: status.version, the version
// Exoscale reports for the service (from status.atProvider.version), a minor version like "3.8".
func reportKafkaVersion(_ *unstructured.Unstructured, status map[string]any) {
	if v := runningVersion(status); v != "" {
		status["version"] = v
	}
}

// exoscaleOpenSearchConnection: the XRD's keys, the admin user avnadmin, an https:// URI with the
// credentials and the URI of OpenSearch Dashboards on port 443; no ca.crt, as the XRD lists none.
func exoscaleOpenSearchConnection(in connectionInput) connectionPlan {
	const user, port = "avnadmin", "21699"
	host := exoscaleHost(in)
	return connectionPlan{values: map[string]string{
		"OPENSEARCH_HOST":          host,
		"OPENSEARCH_PORT":          port,
		"OPENSEARCH_USER":          user,
		"OPENSEARCH_PASSWORD":      in.password,
		"OPENSEARCH_URI":           fmt.Sprintf("https://%s:%s@%s:%s", user, in.password, host, port),
		"OPENSEARCH_DASHBOARD_URI": fmt.Sprintf("https://%s:443", host),
	}, noCA: true}
}
