package controller

import "fmt"

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

// exoscaleHost is the host name Exoscale gives a DBaaS service, imitated: the service is named
// after the composite (the managed resource's name) and lives in the claim's zone. Nothing
// listens there.
func exoscaleHost(in connectionInput) string {
	return fmt.Sprintf("%s.%s.dbaas.exoscale.localhost", specString(in.obj, "resourceRef", "name"),
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
