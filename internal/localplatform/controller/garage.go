package controller

// Garage (VSHNGarage, S3-compatible object storage). Its row in kinds.go has no restore, version
// report, backups, maintenance window or exporter, as upstream: its claims have no
// spec.parameters.restore or maintenance, its status no version (apis/vshn/v1/dbaas_vshn_garage.go:
// IsBackupEnabled false, GetFullMaintenanceSchedule empty), and its composition
// (pkg/comp-functions/functions/vshngarage) deploys no ServiceMonitor.

// garageConnection is what AppCat's Garage composition writes (vshngarage/deploy.go): GARAGE_URL
// alone, the S3 endpoint that the Garage operator reports in status.endpoints.s3 of the
// GarageCluster "garage" in the instance namespace — host and port of its API service, without
// scheme and credentials (garage-operator: svcFQDN, S3 port 3900). No certificate: Garage serves
// plain HTTP inside the cluster.
func garageConnection(in connectionInput) connectionPlan {
	return connectionPlan{values: map[string]string{"GARAGE_URL": svcHost("garage", in.namespace) + ":3900"}, noCA: true}
}
