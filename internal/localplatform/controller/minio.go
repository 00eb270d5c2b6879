package controller

import (
	"crypto/sha256"
	"net"
)

// MinIO (VSHNMinio, S3-compatible object storage run by the MinIO Helm chart). Its row in
// kinds.go has a maintenance window and a ServiceMonitor, but no restore, version report or
// backups, as upstream: apis/vshn/v1/vshn_minio.go (IsBackupEnabled false, no version field),
// pkg/comp-functions/functions/vshnminio.

// minioConnection is what AppCat's MinIO composition writes (vshnminio/minio_deploy.go): the
// chart's root user and password as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and MINIO_URL,
// http://<cluster IP of the Service named after the composite>:9000. The local platform has no
// MinIO Service, so the cluster IP is drawn from the claim UID in Kubernetes' default service
// range 10.96.0.0/12: stable and distinct per instance. No certificate: MinIO serves plain HTTP
// inside the cluster.
func minioConnection(in connectionInput) connectionPlan {
	uid := string(in.obj.GetUID())
	sum := sha256.Sum256([]byte(uid + "/clusterip"))
	ip := net.IPv4(10, 96+sum[0]%16, sum[1], 1+sum[2]%254).String()
	return connectionPlan{values: map[string]string{
		"MINIO_URL":             "http://" + ip + ":9000",
		"AWS_ACCESS_KEY_ID":     "minio" + in.password[:15],
		"AWS_SECRET_ACCESS_KEY": in.password,
	}, noCA: true}
}
