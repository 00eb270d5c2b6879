package controller

import (
	"crypto/sha256"
	"fmt"
	"net"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Connection details per kind, with the keys AppCat writes into a claim's connection secret.
// secrets.go adds ca.crt (unless noCA is set) and, where leaf is set, its certificate and key
// (tls.crt and tls.key, unless leafKeys names others).

// connectionInput is what the connection details of an instance depend on.
type connectionInput struct {
	obj       *unstructured.Unstructured
	namespace string // instance namespace
	password  string
}

// connectionPlan is the content of a connection secret before certificates are added.
type connectionPlan struct {
	values map[string]string
	leaf   *leafSpec // certificate for tls.crt/tls.key; nil when the kind has none
	// leafKeys are the keys of leaf's certificate and key, where the kind's secret names them
	// otherwise (Exoscale Kafka: service.cert, service.key); zero for tls.crt and tls.key.
	leafKeys [2]string
	// noCA: the secret carries no ca.crt (the kind's composition writes no certificate).
	noCA bool
}

// leafKeyNames are the secret keys of the leaf certificate and its key.
func (p connectionPlan) leafKeyNames() (cert, key string) {
	if p.leafKeys[0] != "" {
		return p.leafKeys[0], p.leafKeys[1]
	}
	return corev1.TLSCertKey, corev1.TLSPrivateKeyKey
}

func svcHost(service, namespace string) string {
	return service + "." + namespace + ".svc.cluster.local"
}

// hostNames are the names a service is reachable under from inside the cluster.
func hostNames(service, namespace string) []string {
	return []string{
		service + "." + namespace + ".svc.cluster.local",
		service + "." + namespace + ".svc",
		service + "." + namespace,
	}
}

// loadBalancerIP is the address the platform "assigns" to a LoadBalancer service: a loopback
// address drawn from the claim UID, so it is stable and distinct per instance.
func loadBalancerIP(uid string) string {
	sum := sha256.Sum256([]byte(uid + "/loadbalancer"))
	return net.IPv4(127, sum[0], sum[1], 1+sum[2]%254).String()
}

func wantsLoadBalancer(obj *unstructured.Unstructured) bool {
	return stringParam(obj, "ClusterIP", "network", "serviceType") == "LoadBalancer"
}

// postgresqlConnection: the host is the backend's service — CloudNativePG's postgresql-rw
// (vshnpostgrescnpg/connection_details.go), StackGres' service named after the composite
// (vshnpostgres/connection_details.go: <composite>.vshn-postgresql-<composite>.svc.cluster.local).
func postgresqlConnection(in connectionInput) connectionPlan {
	const user, db, port = "postgres", "postgres", "5432"
	service := "postgresql-rw"
	if specString(in.obj, "compositionRef", "name") == compositionStackGres {
		service = specString(in.obj, "resourceRef", "name")
	}
	host := svcHost(service, in.namespace)
	v := map[string]string{
		"POSTGRESQL_HOST":     host,
		"POSTGRESQL_PORT":     port,
		"POSTGRESQL_USER":     user,
		"POSTGRESQL_PASSWORD": in.password,
		"POSTGRESQL_DB":       db,
		"POSTGRESQL_URL":      fmt.Sprintf("postgresql://%s:%s@%s:%s/%s", user, in.password, host, port, db),
	}
	leaf := &leafSpec{commonName: host, dnsNames: hostNames(service, in.namespace)}
	if wantsLoadBalancer(in.obj) {
		ip := loadBalancerIP(string(in.obj.GetUID()))
		v["LOADBALANCER_IP"] = ip
		leaf.ips = []string{ip}
	}
	// CNPG's connection secret carries the server certificate as tls.crt/tls.key.
	return connectionPlan{values: v, leaf: leaf}
}

// redisConnection is what AppCat's Redis composition writes (vshnredis/redis_deploy.go,
// getConnectionDetails and newRelease): the headless service, or with Sentinel (instances > 1) the
// master service and SENTINEL_HOSTS, the nodes' names without ports; always a rediss:// URL and
// always the client certificate (tls.crt, tls.key) with ca.crt, whatever the TLS settings.
func redisConnection(in connectionInput) connectionPlan {
	const user, port = "default", "6379"
	instances := intParam(in.obj, 1, "instances")

	host := svcHost("redis-headless", in.namespace)
	v := map[string]string{}
	if instances > 1 {
		host = svcHost("redis-master", in.namespace)
		nodes := make([]string, instances)
		for i := range nodes {
			nodes[i] = fmt.Sprintf("redis-node-%d.%s", i, svcHost("redis-headless", in.namespace))
		}
		v["SENTINEL_HOSTS"] = strings.Join(nodes, ",")
	}
	v["REDIS_HOST"] = host
	v["REDIS_PORT"] = port
	v["REDIS_USERNAME"] = user
	v["REDIS_PASSWORD"] = in.password
	v["REDIS_URL"] = fmt.Sprintf("rediss://%s:%s@%s:%s", user, in.password, host, port)
	// tls.crt/tls.key are the client certificate (the tls-client-certificate secret).
	return connectionPlan{values: v, leaf: &leafSpec{commonName: user, client: true}}
}

func mariadbConnection(in connectionInput) connectionPlan {
	const user, port = "root", "3306"
	host := svcHost("mariadb", in.namespace)
	if intParam(in.obj, 1, "instances") > 1 {
		host = svcHost("proxysql", in.namespace) // Galera cluster behind ProxySQL
	}
	v := map[string]string{
		"MARIADB_HOST":     host,
		"MARIADB_PORT":     port,
		"MARIADB_USERNAME": user,
		"MARIADB_PASSWORD": in.password,
		"MARIADB_URL":      fmt.Sprintf("mysql://%s:%s@%s:%s", user, in.password, host, port),
	}
	if wantsLoadBalancer(in.obj) {
		v["LOADBALANCER_IP"] = loadBalancerIP(string(in.obj.GetUID()))
	}
	return connectionPlan{values: v}
}

// ServerIP is the loopback address where the real server of the instance with this UID listens
// (servers.go): its load balancer IP, or, for a kind whose claims cannot ask for a load balancer
// (Redis), the address a port-forward to it would give.
func ServerIP(uid string) string {
	return loadBalancerIP(uid)
}

// RealServer is where the real server of the claim of kind (e.g. VSHNRedis) with this UID
// listens (host:port) and its version, the machine's; false for a kind without real servers.
func RealServer(kind, uid string) (address, version string, ok bool) {
	k := kindByName(kind)
	if k == nil || k.server == nil {
		return "", "", false
	}
	return net.JoinHostPort(ServerIP(uid), strconv.Itoa(k.server.port())), k.server.version(), true
}
