package controller

import "strings"

// Keycloak (VSHNKeycloak). Its row in kinds.go has a maintenance window and reports the release
// tag in status.currentReleaseTag, as upstream (vshnkeycloak/deploy.go: maintenance.SetReleaseVersion).
// Its backups are those of the PostgreSQL instance AppCat nests in it (XVSHNPostgreSQL
// "<composite>-pg", common/postgresql.go), listed as VSHNKeycloakBackup (keycloakBackups in
// backups.go): taken on the claim's backup schedule and kept by its retention.keepDaily, the
// settings the composition passes on. A restore goes to that nested instance too, which AppCat's
// installations create on CloudNativePG (component-appcat defaultPGComposition): the source's
// data as now or as of recoveryTimeStamp, backupName ignored (restoreContinuous). Upstream also
// copies the source's admin credentials into the restored instance (deploy.go
// copyKeycloakCredentials); this platform gives it its own, as every claim. Its ServiceMonitor
// scrapes Keycloak itself, not an exporter.

// keycloakConnection is what AppCat's Keycloak composition writes (vshnkeycloak/deploy.go) and
// the XRD lets through to the claim's secret (connectionSecretKeys): the admin user "admin", its
// password, the host of the Helm chart's HTTP service <composite>-keycloakx-http (Keycloak serves
// HTTPS on 8443 there, with a certificate of the instance's CA), and ca.crt. Neither a port nor
// a URL: the composition writes no KEYCLOAK_URL although the XRD lists it.
func keycloakConnection(in connectionInput) connectionPlan {
	composite := specString(in.obj, "resourceRef", "name")
	if composite == "" { // the instance namespace is vshn-keycloak-<composite>
		composite = strings.TrimPrefix(in.namespace, "vshn-keycloak-")
	}
	return connectionPlan{values: map[string]string{
		"KEYCLOAK_HOST":     svcHost(composite+"-keycloakx-http", in.namespace),
		"KEYCLOAK_USERNAME": "admin",
		"KEYCLOAK_PASSWORD": in.password,
	}}
}
