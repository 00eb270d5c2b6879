package controller

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Forgejo (VSHNForgejo). Its row in kinds.go has a maintenance window and reports the release tag
// in status.currentReleaseTag (vshnforgejo/deploy.go: maintenance.SetReleaseVersion), and with
// SSH the allocated gateway port in status.sshPort (vshnforgejo/ssh.go). No restore (its claims
// have none), no backups (AppCat's API server lists no Forgejo backups) and no exporter.

// forgejoRelease is the Helm release's full name, as the chart names its services
// (vshnforgejo/deploy.go helmFullname): the composite's name, followed by "-forgejo" unless it
// already contains it.
func forgejoRelease(composite string) string {
	if strings.Contains(composite, "forgejo") {
		return composite
	}
	return composite + "-forgejo"
}

// forgejoSSH tells whether the claim asks for SSH access through the TCP gateway.
func forgejoSSH(obj *unstructured.Unstructured) bool {
	return boolParam(obj, false, "service", "ssh", "enabled")
}

// forgejoConnection is what AppCat's Forgejo composition writes (vshnforgejo/deploy.go, ssh.go):
// FORGEJO_USERNAME forgejo_admin, its password, FORGEJO_URL the fqdn list joined by "," (host
// names only), FORGEJO_HOST the chart's HTTP service (<release>-http.<instance namespace>.svc,
// without cluster.local), and with SSH the gateway's domain and the allocated port. No
// certificate: Forgejo serves plain HTTP inside the cluster and the composition writes no ca.crt.
func forgejoConnection(in connectionInput) connectionPlan {
	composite := specString(in.obj, "resourceRef", "name")
	if composite == "" { // the instance namespace is vshn-forgejo-<composite>
		composite = strings.TrimPrefix(in.namespace, "vshn-forgejo-")
	}
	fqdns, _, _ := unstructured.NestedStringSlice(in.obj.Object, "spec", "parameters", "service", "fqdn")
	v := map[string]string{
		"FORGEJO_USERNAME": "forgejo_admin",
		"FORGEJO_PASSWORD": in.password,
		"FORGEJO_URL":      strings.Join(fqdns, ","),
		"FORGEJO_HOST":     forgejoRelease(composite) + "-http." + in.namespace + ".svc",
	}
	if forgejoSSH(in.obj) {
		v["FORGEJO_SSH_HOST"] = localGatewayDomain
		v["FORGEJO_SSH_PORT"] = strconv.Itoa(gatewayPort(string(in.obj.GetUID())))
	}
	return connectionPlan{values: v, noCA: true}
}

// reportForgejoStatus writes the release tag, as for Redis, and the SSH port the gateway
// "allocated" (status.sshPort) while SSH is enabled.
func reportForgejoStatus(obj *unstructured.Unstructured, status map[string]any) {
	reportRedisVersion(obj, status)
	if forgejoSSH(obj) {
		status["sshPort"] = int64(gatewayPort(string(obj.GetUID())))
	} else {
		delete(status, "sshPort")
	}
}
