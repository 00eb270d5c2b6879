package controller

import "strings"

// Keycloak (VSHNKeycloak). Its row in kinds.go has a maintenance window and reports the release
// tag in status.currentReleaseTag, as upstream (vshnkeycloak/deploy.go: maintenance.SetReleaseVersion).
// It has no restore, backups or exporter here: AppCat backs Keycloak up through its nested
// PostgreSQL instance and lists those backups as VSHNKeycloakBackup, which this platform does not
// serve, and its ServiceMonitor scrapes Keycloak itself.

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
