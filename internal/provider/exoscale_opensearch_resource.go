package provider

import "github.com/vshn/terraform-provider-appcat/internal/appcat"

// exoscaleOpenSearch is appcat_exoscale_opensearch: OpenSearch at Exoscale
// (apis/exoscale/v1/dbaas_exoscale_opensearch.go, the XRD 20_xrd_exoscale_opensearch.yaml).
var exoscaleOpenSearch = exoscaleKind{
	typeName:    "exoscale_opensearch",
	displayName: "Exoscale OpenSearch",
	api:         appcat.ExoscaleOpenSearch,
	composition: appcat.CompositionExoscaleOpenSearch,
	about: "`connection_details` holds Exoscale's admin user with an `https://` `url` (`OPENSEARCH_URI`, with the credentials) and " +
		"`dashboard_url` (`OPENSEARCH_DASHBOARD_URI`), OpenSearch Dashboards; TLS with Exoscale's public certificate, so no `ca_certificate`.",
	versionField:   "majorVersion",
	versions:       []string{"1", "2"},
	defaultVersion: "2",
	majorOf:        wholeVersionIsMajor,
	defaultPlan:    "startup-4",
	backup:         true,
	settingsField:  "opensearchSettings",
	settings:       func(s *appcat.ExoscaleService) *map[string]any { return &s.OpenSearchSettings },
}
