package controller

import (
	"regexp"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The version an instance runs is the controller's own bookkeeping, in memory.localPlatform:
// version (as the claim asks for it, e.g. "16" or "7.2"), previousVersion (before the last
// change) and releaseTag (the image tag: the version, a patch release that maintenance moved to,
// or the pinned tag). What a claim reports of it is each kind's own status fields, as AppCat
// writes them (kind.reportVersion): the controller never reads those back.
const (
	keyVersion         = "version"
	keyPreviousVersion = "previousVersion"
	keyReleaseTag      = "releaseTag"
)

// runningVersion is the version the instance runs; "" until it is first provisioned.
func runningVersion(status map[string]any) string { return bookkeeping(status, keyVersion) }

// runningReleaseTag is the image tag the instance runs.
func runningReleaseTag(status map[string]any) string { return bookkeeping(status, keyReleaseTag) }

func previousRunningVersion(status map[string]any) string {
	return bookkeeping(status, keyPreviousVersion)
}

// bookkeeping reads one string of memory.localPlatform without creating it.
func bookkeeping(status map[string]any, key string) string {
	lp, _ := status[statusLocalPlatform].(map[string]any)
	v, _ := lp[key].(string)
	return v
}

// setRunningVersion records that the instance now runs version, keeping the one before.
func setRunningVersion(status map[string]any, version string) {
	lp := localPlatformStatus(status)
	if cur, _ := lp[keyVersion].(string); cur != version {
		if cur != "" {
			lp[keyPreviousVersion] = cur
		}
		lp[keyVersion] = version
	}
}

func setRunningReleaseTag(status map[string]any, tag string) {
	localPlatformStatus(status)[keyReleaseTag] = tag
}

// hasBeenProvisioned tells whether the instance was ever provisioned.
func hasBeenProvisioned(obj *unstructured.Unstructured) bool {
	s, _ := obj.Object["status"].(map[string]any)
	return runningVersion(s) != ""
}

// reportPostgreSQLVersion is what AppCat's PostgreSQL compositions write: status.currentVersion is
// the major version, or the pinned image tag on CloudNativePG (vshnpostgrescnpg/deploy.go);
// status.previousVersion only StackGres writes, on a major upgrade
// (vshnpostgres/major_version_upgrade.go).
func reportPostgreSQLVersion(obj *unstructured.Unstructured, status map[string]any) {
	current := runningVersion(status)
	if current == "" {
		return
	}
	if specString(obj, "compositionRef", "name") == compositionStackGres {
		if prev := previousRunningVersion(status); prev != "" {
			status["previousVersion"] = prev
		}
	} else if pin := pinParam(obj); pin != "" {
		current = pin
	}
	status["currentVersion"] = current
}

// reportRedisVersion is what AppCat's Redis composition writes: status.currentReleaseTag, the
// image tag it deploys (vshnredis/redis_deploy.go, maintenance.SetReleaseVersion).
func reportRedisVersion(_ *unstructured.Unstructured, status map[string]any) {
	if tag := runningReleaseTag(status); tag != "" {
		status["currentReleaseTag"] = tag
	}
}

// mariadbSemver is how AppCat finds the server version in an image tag
// (vshnmariadb/mariadb_deploy.go, updateMariaDBVersionFromTag).
var mariadbSemver = regexp.MustCompile(`^(\d+\.\d+\.\d+)`)

// reportMariaDBVersion is what AppCat's MariaDB composition writes: status.mariadbVersion,
// "<x.y.z>-MariaDB-log" from the image tag, only when the tag holds a full x.y.z (so not for a
// fresh "11.8" until maintenance moves it to a patch release; the value stays as it was
// otherwise), or the pinned tag as it is (vshnmariadb/backup.go); and status.currentInstances.
func reportMariaDBVersion(obj *unstructured.Unstructured, status map[string]any) {
	if pin := pinParam(obj); pin != "" {
		status["mariadbVersion"] = pin
	} else if m := mariadbSemver.FindStringSubmatch(runningReleaseTag(status)); m != nil {
		status["mariadbVersion"] = m[1] + "-MariaDB-log"
	}
	if runningVersion(status) != "" {
		status["currentInstances"] = intParam(obj, 1, "instances")
	}
}
