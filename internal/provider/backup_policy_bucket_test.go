package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// ownBucket is an unmanaged_bucket with both keys in one Secret.
const ownBucket = `unmanaged_bucket = {
    endpoint   = "https://sos-ch-gva-2.exo.io"
    bucket     = "shop-backups"
    region     = "ch-gva-2"
    access_key = { secret_name = "s3-creds", key = "AWS_ACCESS_KEY_ID" }
    secret_key = { secret_name = "s3-creds", key = "AWS_SECRET_ACCESS_KEY" }
  }`

func TestAccBackupPolicyBucketAndDeletion(t *testing.T) {
	t.Run("PostgreSQL: own bucket and deletion fields, update in place, import", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(policyLines ...string) string {
			return adminProvider(ns) + k.instance("test", name) +
				block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), policyLines...)...)
		}
		withBucket := cfg(`deletion_protection = false`, `deletion_retention = 14`, ownBucket)
		k.test(t,
			resource.TestStep{
				Config: withBucket,
				ConfigStateChecks: []statecheck.StateCheck{
					policyIs("deletion_protection", knownvalue.Bool(false)),
					policyIs("deletion_retention", knownvalue.Int64Exact(14)),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unmanaged_bucket").AtMapKey("secret_key").AtMapKey("key"),
						knownvalue.StringExact("AWS_SECRET_ACCESS_KEY")),
					claimConverged(t, k.api, ns, name,
						specField(false, "parameters", "backup", "deletionProtection"),
						specField(int64(14), "parameters", "backup", "deletionRetention"),
						specField("shop-backups", "parameters", "backup", "unmanagedBucket", "bucket"),
						specField("https://sos-ch-gva-2.exo.io", "parameters", "backup", "unmanagedBucket", "endpoint"),
						specField("ch-gva-2", "parameters", "backup", "unmanagedBucket", "region"),
						specField("s3-creds", "parameters", "backup", "unmanagedBucket", "accessKey", "name"),
						specField("AWS_ACCESS_KEY_ID", "parameters", "backup", "unmanagedBucket", "accessKey", "key"),
						blockOwnedOnlyBy("backup", policyManager)),
				},
			},
			resource.TestStep{ResourceName: policyAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
			resource.TestStep{
				Config: withBucket, ResourceName: policyAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: "postgresql:" + ns + "/" + name,
			},
			resource.TestStep{
				// Back to the platform's bucket and defaults, in place.
				Config: cfg(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					policyIs("deletion_protection", knownvalue.Bool(true)),
					policyIs("deletion_retention", knownvalue.Int64Exact(7)),
					policyIs("unmanaged_bucket", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField(true, "parameters", "backup", "deletionProtection"),
						specField(int64(7), "parameters", "backup", "deletionRetention"),
						specAbsent("parameters", "backup", "unmanagedBucket")),
				},
			},
		)
	})

	t.Run("Redis: own bucket", func(t *testing.T) {
		k := redisAcc
		ns, name := testNamespace(t), k.name()
		cfg := adminProvider(ns) + k.instance("test", name) +
			block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), ownBucket)...)
		k.test(t,
			resource.TestStep{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					policyIs("deletion_protection", knownvalue.Null()),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unmanaged_bucket").AtMapKey("bucket"), knownvalue.StringExact("shop-backups")),
					claimConverged(t, k.api, ns, name,
						specField("shop-backups", "parameters", "backup", "unmanagedBucket", "bucket"),
						specField("s3-creds", "parameters", "backup", "unmanagedBucket", "secretKey", "name"),
						specAbsent("parameters", "backup", "deletionProtection")),
				},
			},
			resource.TestStep{ResourceName: policyAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
		)
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		policy := func(kind string, lines ...string) string {
			return adminProvider(ns) + block("resource", "appcat_backup_policy", "test",
				append([]string{`kind = "` + kind + `"`, `instance_id = "` + ns + `/db"`}, lines...)...)
		}
		bad := []struct{ cfg, want string }{
			{policy("redis", `deletion_retention = 3`), wrapped(`deletion_retention is not available for Redis`)},
			{policy("mariadb", `deletion_protection = false`), wrapped(`deletion_protection is not available for MariaDB`)},
			{policy("postgresql", `unmanaged_bucket = { endpoint = "https://s3", bucket = "b", access_key = { secret_name = "s", key = "a" }, secret_key = { secret_name = "s", key = "b" } }`),
				wrapped(`attribute "region" is required`)},
			{policy("postgresql", `unmanaged_bucket = { endpoint = "https://s3", bucket = "b", region = "r", access_key = { secret_name = "S3", key = "a" }, secret_key = { secret_name = "s", key = "b" } }`),
				wrapped(`must be a Secret name`)},
		}
		var steps []resource.TestStep
		for _, b := range bad {
			steps = append(steps, resource.TestStep{Config: b.cfg, PlanOnly: true, ExpectError: regexp.MustCompile(b.want)})
		}
		pgAcc.test(t, steps...)
	})
}
