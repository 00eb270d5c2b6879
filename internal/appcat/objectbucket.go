package appcat

import "k8s.io/apimachinery/pkg/runtime/schema"

// ObjectBucket is AppCat's ObjectBucket: one S3 bucket with its own credentials, on the object
// storage of the installation's cloud (github.com/vshn/appcat apis/v1/objectstorage_types.go,
// crds/appcat.vshn.io_objectbuckets.yaml, pkg/comp-functions/functions/buckets/*).
var ObjectBucket = Kind{
	Kind:         "ObjectBucket",
	GroupVersion: schema.GroupVersion{Group: "appcat.vshn.io", Version: "v1"},
	Resource:     "objectbuckets",
	Service:      "objectbucket",
	// No webhook rule on the name: the claim name is the crossplane.io/claim-name label's value
	// on the composite, at most 63 characters.
	NameMaxLength: 63,
	// component-appcat's XRD (tests/golden/vshn-cloud/appcat/appcat/20_xrd_objectstorage.yaml)
	// lists these connectionSecretKeys; every bucket function (cloudscalebucket, exoscalebucket,
	// miniobucket, garagebucket) writes them: BUCKET_NAME (the effective bucket name), AWS_REGION
	// (spec.parameters.region), ENDPOINT and ENDPOINT_URL from the bucket's status, and the user's
	// keys.
	ConnectionSecretKeys: []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "ENDPOINT", "ENDPOINT_URL", "BUCKET_NAME"},
	Connection: ConnectionKeys{AccessKeyID: "AWS_ACCESS_KEY_ID", SecretAccessKey: "AWS_SECRET_ACCESS_KEY",
		Region: "AWS_REGION", Endpoint: "ENDPOINT", URL: "ENDPOINT_URL", BucketName: "BUCKET_NAME"},
	// No instance namespace, version, plans, service level, backups, users, maintenance window or
	// metrics. AppCat's webhook refuses deleting a protected bucket and changing bucketName, and
	// does not look at the provider-config label.
	Webhook: true, WebhookIgnoresProviderConfig: true,
	NoInstanceNamespace: true,
}

// CompositionObjectBucketMinIO is ObjectBucket's default composition on vshn-cloud
// (component-appcat: the XRD's defaultCompositionRef); the installation may offer others
// (cloudscale.objectbuckets.appcat.vshn.io, exoscale.objectbuckets.appcat.vshn.io).
const CompositionObjectBucketMinIO = "minio.objectbuckets.appcat.vshn.io"

// BucketDeletionPolicies are the values of spec.parameters.bucketDeletionPolicy; the first is
// the default.
var BucketDeletionPolicies = []string{"DeleteAll", "DeleteIfEmpty"}

// ObjectBucketClaim is an ObjectBucket claim.
type ObjectBucketClaim = Claim[ObjectBucketParameters]

// ObjectBucketParameters is spec.parameters of an ObjectBucket.
type ObjectBucketParameters struct {
	// BucketName is the bucket's name; the composite's name where unset. It cannot change.
	BucketName *string `json:"bucketName,omitempty"`
	// Region is where the bucket is created; it must exist on the S3 endpoint.
	Region *string `json:"region,omitempty"`
	// BucketDeletionPolicy is DeleteAll (the default: the objects go with the bucket) or
	// DeleteIfEmpty.
	BucketDeletionPolicy *string   `json:"bucketDeletionPolicy,omitempty"`
	Security             *Security `json:"security,omitempty"`
}
