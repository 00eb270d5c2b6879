package controller

import (
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Nextcloud (VSHNNextcloud). Its row in kinds.go has backups (K8up snapshots of the files,
// VSHNNextcloudBackup), a maintenance window and the image tag in status.currentReleaseTag, as
// upstream; no exporter with a monitor (the Helm chart's exporter has no ServiceMonitor) and no
// self-service restore: the claims have spec.parameters.restore, but AppCat's Nextcloud
// composition (pkg/comp-functions/functions/vshnnextcloud) does nothing with it.

// nextcloudConnection is what AppCat's Nextcloud composition writes (vshnnextcloud/deploy.go):
// the admin's user name (admin) and password, and the host of the Nextcloud service — the
// composite's name with "-nextcloud" appended unless it already contains "nextcloud"; with
// Collabora enabled also COLLABORA_HOST, <composite>-collabora-code in the instance namespace.
// No port, URL or certificate.
func nextcloudConnection(in connectionInput) connectionPlan {
	composite := specString(in.obj, "resourceRef", "name")
	host := composite
	if !strings.Contains(host, "nextcloud") {
		host += "-nextcloud"
	}
	v := map[string]string{
		"NEXTCLOUD_HOST":     svcHost(host, in.namespace),
		"NEXTCLOUD_USERNAME": "admin",
		"NEXTCLOUD_PASSWORD": in.password,
	}
	if boolParam(in.obj, false, "service", "collabora", "enabled") {
		v["COLLABORA_HOST"] = svcHost(composite+"-collabora-code", in.namespace)
	}
	return connectionPlan{values: v, noCA: true}
}

// nextcloudBackupStatus is a VSHNNextcloudBackup's status as AppCat's API server builds it
// (pkg/apiserver/vshn/nextcloud/list.go): the file snapshot under nextcloudFileBackup, and the
// database it goes with. The platform's PostgreSQL is the instance's own (dedicated) unless
// existingPGConnectionSecret names another one (shared, whose backups Nextcloud does not show);
// without an external PostgreSQL (SQLite) the database is in the files.
func nextcloudBackupStatus(obj *unstructured.Unstructured, _ map[string]any, _, id string, at time.Time) map[string]any {
	dbType := "dedicated"
	if boolParam(obj, true, "service", "useExternalPostgreSQL") && stringParam(obj, "", "service", "existingPGConnectionSecret") != "" {
		dbType = "shared"
	}
	return map[string]any{
		"FileBackupAvailable":     true,
		"DatabaseBackupAvailable": false,
		"databaseType":            dbType,
		"nextcloudFileBackup":     map[string]any{"id": id, "date": platformStamp(at), "instance": obj.GetName()},
	}
}
