package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// exoscaleKafka is appcat_exoscale_kafka: Kafka at Exoscale (apis/exoscale/v1/dbaas_exoscale_kafka.go,
// the XRD 20_xrd_exoscale_kafka.yaml). Its version is service.version, reported in status.version;
// its claims have no backup time, and its default plan is startup-2.
var exoscaleKafka = exoscaleKind{
	typeName:    "exoscale_kafka",
	displayName: "Exoscale Kafka",
	api:         appcat.ExoscaleKafka,
	composition: appcat.CompositionExoscaleKafka,
	about: "Kafka at Exoscale authenticates clients by certificate, so `connection_details` has no `username` or `password`: " +
		"`client_certificate` and `client_key` (`service.cert`, `service.key`) are the client certificate and its key, " +
		"`ca_certificate` (`ca.crt`) is Exoscale's CA, `url` (`KAFKA_URI`) is the bootstrap address `host:port` without scheme, and " +
		"`nodes` (`KAFKA_NODES`) lists every broker's `host:port`, separated by spaces; the plan sets how many brokers there are.",
	versionField:         "version",
	versions:             []string{"3.8"},
	defaultVersion:       "3.8",
	majorOf:              majorBeforeFirstDot,
	versionReportedAs:    "; the version Exoscale runs, e.g. `3.8`",
	defaultPlan:          "startup-2",
	settingsField:        "kafkaSettings",
	settings:             func(s *appcat.ExoscaleService) *map[string]any { return &s.KafkaSettings },
	connectionAffectedBy: []path.Path{path.Root("plan")},
}
