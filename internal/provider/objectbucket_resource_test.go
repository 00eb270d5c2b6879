package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var objectBucketAcc = accKind{resourceType: "appcat_object_bucket", displayName: "ObjectBucket", api: appcat.ObjectBucket, namePrefix: "bucket"}

// bucketEndpoint is the local platform's S3 endpoint (ENDPOINT).
const bucketEndpoint = "minio.appcat.localhost:9000"

func TestAccObjectBucket(t *testing.T) {
	k := objectBucketAcc

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		updated := []string{"deletion_protection = false", `bucket_deletion_policy = "DeleteIfEmpty"`, `region = "rma"`,
			"allow_all_namespaces = true", `allowed_namespaces = ["shop"]`, `labels = { team = "files" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					// What a bucket lacks is not in its schema: "bad input" below sets it.
					k.stateIs("bucket_name", knownvalue.Null()),
					k.stateIs("region", knownvalue.StringExact("lpg")), // the installation's default
					k.stateIs("bucket_deletion_policy", knownvalue.StringExact("DeleteAll")),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(false)),
					// Every key the composition writes, and nothing else.
					k.connectionIs("bucket_name", knownvalue.StringRegexp(regexp.MustCompile(`^`+name+`-[a-z]{5}$`))),
					k.connectionIs("region", knownvalue.StringExact("lpg")),
					k.connectionIs("endpoint", knownvalue.StringExact(bucketEndpoint)),
					k.connectionIs("url", knownvalue.StringExact("http://"+bucketEndpoint)),
					k.connectionIs("access_key_id", knownvalue.NotNull()),
					k.connectionIs("secret_access_key", knownvalue.NotNull()),
					k.connectionIs("host", knownvalue.Null()),
					k.connectionIs("password", knownvalue.Null()),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField(name+"-connection", "writeConnectionSecretToRef", "name"),
						specField("DeleteAll", "parameters", "bucketDeletionPolicy"),
						specField(appcat.CompositionObjectBucketMinIO, "compositionRef", "name")),
				},
			},
			{
				// Deletion policy, region and access change in place; AWS_REGION follows the region.
				Config:           k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("bucket_deletion_policy", knownvalue.StringExact("DeleteIfEmpty")),
					k.connectionIs("region", knownvalue.StringExact("rma")),
					claimConverged(t, k.api, ns, name,
						specField("DeleteIfEmpty", "parameters", "bucketDeletionPolicy"),
						specField("rma", "parameters", "region"),
						specField(true, "parameters", "security", "allowAllNamespaces"),
						specField("[shop]", "parameters", "security", "allowedNamespaces"),
						labelIs("team", "files")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("a new bucket_name replaces the bucket", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{
				Config: k.config(ns, name, "deletion_protection = false", `bucket_name = "`+name+`-one"`),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("bucket_name", knownvalue.StringExact(name+"-one")),
					k.connectionIs("bucket_name", knownvalue.StringExact(name+"-one")),
					claimConverged(t, k.api, ns, name, specField(name+"-one", "parameters", "bucketName")),
				},
			},
			resource.TestStep{
				Config:           k.config(ns, name, "deletion_protection = false", `bucket_name = "`+name+`-two"`),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					k.connectionIs("bucket_name", knownvalue.StringExact(name+"-two")),
					claimConverged(t, k.api, ns, name, specField(name+"-two", "parameters", "bucketName")),
				},
			},
		)
	})

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{lines: []string{`version = "1"`}, want: notInSchema("version")},
			{lines: []string{`instances = 2`}, want: notInSchema("instances")},
			{lines: []string{`service_level = "guaranteed"`}, want: notInSchema("service_level")},
			{lines: []string{`node_selector = { "appuio.io/node-class" = "plus" }`}, want: notInSchema("node_selector")},
			{lines: []string{`additional_resources_config_map = "extra"`}, want: notInSchema("additional_resources_config_map")},
			{lines: []string{`restore = { source_instance = "other" }`}, want: notInSchema("restore")},
			{lines: []string{`alerting = { channel = "team" }`}, want: notInSchema("alerting")},
			{lines: []string{`allow_major_version_upgrade = true`}, want: notInSchema("allow_major_version_upgrade")},
			{lines: []string{`bucket_name = "Not_A_Bucket"`}, want: `(?s)Attribute bucket_name must be a valid S3 bucket name`},
			{lines: []string{`bucket_deletion_policy = "Keep"`}, want: `(?s)Attribute bucket_deletion_policy value must be one of`},
		})
	})

	t.Run("attached resources refuse it", func(t *testing.T) {
		ns := testNamespace(t)
		k.test(t, k.refusedAttachments(ns, everyAttachment...)...)
	})

	t.Run("appcat_connection reads the credentials", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		testAccPreCheck(t)
		_, secret := readyClaim(t, appcat.ObjectBucket, ns, name, appcat.ObjectBucketParameters{Security: unprotected()})
		echoConnection(t, "object_bucket", ns, name, map[string]string{
			"bucket_name":       "ephemeral.appcat_connection.c.bucket_name",
			"endpoint":          "ephemeral.appcat_connection.c.endpoint",
			"access_key_id":     "ephemeral.appcat_connection.c.access_key_id",
			"secret_access_key": "ephemeral.appcat_connection.c.secret_access_key",
		}, map[string]knownvalue.Check{
			"bucket_name":       knownvalue.StringExact(string(secret["BUCKET_NAME"])),
			"endpoint":          knownvalue.StringExact(string(secret["ENDPOINT"])),
			"access_key_id":     knownvalue.StringExact(string(secret["AWS_ACCESS_KEY_ID"])),
			"secret_access_key": knownvalue.StringExact(string(secret["AWS_SECRET_ACCESS_KEY"])),
		})
	})

	t.Run("data source reads an existing bucket", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		cfg := k.config(ns, name, "deletion_protection = false", `bucket_name = "`+name+`-data"`) + `
data "appcat_object_bucket" "existing" {
  name       = appcat_object_bucket.test.name
  depends_on = [appcat_object_bucket.test]
}
`
		same := func(attr string) statecheck.StateCheck {
			return statecheck.CompareValuePairs(k.addr(), tfjsonpath.New(attr), k.dataAddr(), tfjsonpath.New(attr), compare.ValuesSame())
		}
		k.test(t, resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("bucket_name"), knownvalue.StringExact(name+"-data")),
				same("connection_details"), same("region"), same("bucket_deletion_policy"),
			},
		})
	})
}
