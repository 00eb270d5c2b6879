package controller

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// ObjectBucket (appcat.vshn.io/v1): one S3 bucket with its own user, on the installation's
// object storage (vshn/appcat apis/v1/objectstorage_types.go, pkg/comp-functions/functions/
// buckets/*). Its row in kinds.go has no instance namespace (AppCat runs nothing in a namespace
// of its own for a bucket), version, sizes, backups, maintenance window or exporter.

// objectBucketEndpoint is the S3 endpoint the local platform's buckets live on, without scheme,
// as provider-minio reports it in the Bucket's status.endpoint. Nothing listens there.
const objectBucketEndpoint = "minio.appcat.localhost:9000"

// bucketName is the effective bucket name: spec.parameters.bucketName, else the composite's
// name (ObjectBucket.GetBucketName on the composite).
func bucketName(obj *unstructured.Unstructured) string {
	if name := specString(obj, "parameters", "bucketName"); name != "" {
		return name
	}
	return specString(obj, "resourceRef", "name")
}

// describeObjectBucket writes status.bucketName, as every bucket function does.
func describeObjectBucket(obj *unstructured.Unstructured, status map[string]any) {
	status["bucketName"] = bucketName(obj)
}

// objectBucketConnection is what AppCat's minio bucket function writes (miniobucket.go):
// BUCKET_NAME, AWS_REGION (spec.parameters.region), ENDPOINT and ENDPOINT_URL from the
// provider's Bucket status, and the user's keys. The user's credentials derive from the claim
// UID. No certificate.
func objectBucketConnection(in connectionInput) connectionPlan {
	return connectionPlan{values: map[string]string{
		"BUCKET_NAME":           bucketName(in.obj),
		"AWS_REGION":            specString(in.obj, "parameters", "region"),
		"ENDPOINT":              objectBucketEndpoint,
		"ENDPOINT_URL":          "http://" + objectBucketEndpoint,
		"AWS_ACCESS_KEY_ID":     "bucket" + in.password[:14],
		"AWS_SECRET_ACCESS_KEY": in.password,
	}, noCA: true}
}
