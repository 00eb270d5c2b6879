package provider

import "github.com/vshn/terraform-provider-appcat/internal/appcat"

// exoscaleMySQL is appcat_exoscale_mysql: MySQL at Exoscale
// (apis/exoscale/v1/dbaas_exoscale_mysql.go, the XRD 20_xrd_exoscale_mysql.yaml).
var exoscaleMySQL = exoscaleKind{
	typeName:    "exoscale_mysql",
	displayName: "Exoscale MySQL",
	api:         appcat.ExoscaleMySQL,
	composition: appcat.CompositionExoscaleMySQL,
	about: "`connection_details` holds Exoscale's admin user and default database with their `url` (`MYSQL_URL`) and " +
		"`ca_certificate`, Exoscale's CA (`ca.crt`); connect with TLS.",
	versionField:   "majorVersion",
	versions:       []string{"8"},
	defaultVersion: "8",
	majorOf:        wholeVersionIsMajor,
	defaultPlan:    "startup-4",
	backup:         true,
	settingsField:  "mysqlSettings",
	settings:       func(s *appcat.ExoscaleService) *map[string]any { return &s.MySQLSettings },
}
