package provider

import "github.com/vshn/terraform-provider-appcat/internal/appcat"

// exoscalePostgreSQL is appcat_exoscale_postgresql: PostgreSQL at Exoscale
// (apis/exoscale/v1/dbaas_exoscale_postgresql.go, the XRD 20_xrd_exoscale_postgres.yaml).
var exoscalePostgreSQL = exoscaleKind{
	typeName:    "exoscale_postgresql",
	displayName: "Exoscale PostgreSQL",
	api:         appcat.ExoscalePostgreSQL,
	composition: appcat.CompositionExoscalePostgreSQL,
	about: "`connection_details` holds Exoscale's admin user and default database with their `url` (`POSTGRESQL_URL`) and " +
		"`ca_certificate`, Exoscale's CA (`ca.crt`); connect with TLS.",
	versionField:   "majorVersion",
	versions:       []string{"14", "15", "16"},
	defaultVersion: "16",
	majorOf:        wholeVersionIsMajor,
	defaultPlan:    "startup-4",
	backup:         true,
	settingsField:  "pgSettings",
	settings:       func(s *appcat.ExoscaleService) *map[string]any { return &s.PGSettings },
}
