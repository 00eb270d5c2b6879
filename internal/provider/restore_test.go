package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// End-to-end tests of backup and restore: the platform takes backups of an instance on the
// policy's schedule (its clock accelerated), the data changes, and a new instance restored from
// a backup (or a point in time) holds the data as of then — verified with the platform's data
// checksums, not assumed.

// backupEveryPlatformMinute with clockSpeed 60 takes a backup about every wall-clock second.
const (
	backupEveryPlatformMinute = `schedule = "* * * * *"`
	clockSpeed                = "60"
)

func TestAccRestore(t *testing.T) {
	namedBackup := []struct {
		k         accKind
		instance  []string // extra lines of both instances
		retention string   // keeps enough backups for the test
	}{
		{redisAcc, nil, `keep_last = 100`},
		{pgAcc, []string{`backend = "stackgres"`}, `retention = 100`},
	}
	for _, tc := range namedBackup {
		k := tc.k
		t.Run(fmt.Sprintf("%s %v: backup, data changes, restore from the backup", k.displayName, tc.instance), func(t *testing.T) {
			ns, src, restored := testNamespace(t), k.name(), k.name()
			var c1, c2, backup1, backup2 string
			source := adminProvider(ns) +
				k.instance("src", src, append(tc.instance, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed))...) +
				block("resource", "appcat_backup_policy", "src", append(k.attachedTo("src"), backupEveryPlatformMinute, tc.retention)...)
			backups := block("data", "appcat_backups", "src", fmt.Sprintf("kind = %q", k.kindName()), "instance_id = "+k.ref("src", "id"))
			withRestore := source + backups + `
variable "backup_name" { type = string }
` + k.instance("restored", restored, append(tc.instance, "restore = {", `  source_instance = `+k.ref("src", "name"), `  backup_name = var.backup_name`, "}")...)
			restoredAddr := k.resourceType + ".restored"
			k.test(t,
				resource.TestStep{Config: source},
				resource.TestStep{
					// Data written, backed up, then changed: the backup holds the earlier state.
					PreConfig: func() {
						c1 = writeData(t, k.api, ns, src, "orders v1").Checksum
						backup1 = backupHolding(t, k.api, ns, src, c1)
						c2 = writeData(t, k.api, ns, src, "orders v2").Checksum
					},
					Config: source + backups,
					ConfigStateChecks: []statecheck.StateCheck{
						backupsListed("data.appcat_backups.src", &backup1),
						statecheck.ExpectKnownValue("data.appcat_backups.src", tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+src)),
						claimConverged(t, k.api, ns, src, dataChecksumIs(t, &c2)),
					},
				},
				resource.TestStep{
					// A new instance restored from that backup holds the data as of the backup, not
					// the later change, and has credentials of its own.
					Config:          withRestore,
					ConfigVariables: config.Variables{"backup_name": lateString{&backup1}},
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(k.addrOf("src"), plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(restoredAddr, tfjsonpath.New("restore"), knownvalue.ObjectExact(map[string]knownvalue.Check{
							"source_instance":    knownvalue.StringExact(src),
							"backup_name":        stringIs{&backup1},
							"recovery_timestamp": knownvalue.Null(),
						})),
						claimConverged(t, k.api, ns, restored,
							specField(src, "parameters", "restore", "claimName"),
							specFieldIs(&backup1, "parameters", "restore", "backupName"),
							dataChecksumIs(t, &c1), dataChecksumIsNot(t, &c2)),
						statecheck.CompareValuePairs(restoredAddr, tfjsonpath.New("connection_details").AtMapKey("password"),
							k.addrOf("src"), tfjsonpath.New("connection_details").AtMapKey("password"), compare.ValuesDiffer()),
					},
				},
				resource.TestStep{
					// Another backup replaces the restored instance.
					PreConfig:       func() { backup2 = backupHolding(t, k.api, ns, src, c2) },
					Config:          withRestore,
					ConfigVariables: config.Variables{"backup_name": lateString{&backup2}},
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionDestroyBeforeCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						claimConverged(t, k.api, ns, restored, specFieldIs(&backup2, "parameters", "restore", "backupName"), dataChecksumIs(t, &c2)),
					},
				},
			)
		})
	}

	t.Run("PostgreSQL on CloudNativePG: restore to a point in time", func(t *testing.T) {
		k := pgAcc
		ns, src, restored := testNamespace(t), k.name(), k.name()
		var c1, c2, at1, at2 string
		source := adminProvider(ns) +
			k.instance("src", src, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed)) +
			block("resource", "appcat_backup_policy", "src", append(k.attachedTo("src"), backupEveryPlatformMinute)...)
		withRestore := source + `
variable "recovery_timestamp" { type = string }
` + k.instance("restored", restored, "restore = {", `  source_instance = `+k.ref("src", "name"), `  recovery_timestamp = var.recovery_timestamp`, "}")
		restoredAddr := k.resourceType + ".restored"
		k.test(t,
			resource.TestStep{Config: source},
			resource.TestStep{
				// The state after the first write, at1, is covered by a backup; then the data changes.
				PreConfig: func() {
					m1 := writeData(t, k.api, ns, src, "orders v1")
					c1, at1 = m1.Checksum, m1.UpdatedAt
					backupHolding(t, k.api, ns, src, c1)
					m2 := writeData(t, k.api, ns, src, "orders v2")
					c2, at2 = m2.Checksum, m2.UpdatedAt
					t1, err1 := time.Parse(time.RFC3339, at1)
					t2, err2 := time.Parse(time.RFC3339, at2)
					if err1 != nil || err2 != nil || !t2.After(t1) {
						t.Fatalf("the platform reports the writes at %q and %q; want two RFC 3339 times, the second later", at1, at2)
					}
				},
				Config:          withRestore,
				ConfigVariables: config.Variables{"recovery_timestamp": lateString{&at1}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(restoredAddr, tfjsonpath.New("restore").AtMapKey("recovery_timestamp"), stringIs{&at1}),
					statecheck.ExpectKnownValue(restoredAddr, tfjsonpath.New("restore").AtMapKey("backup_name"), knownvalue.Null()),
					claimConverged(t, k.api, ns, restored,
						// A standalone restore sends no claimType: upstream it names a parent
						// service's composite kind, and the copy job would look that up.
						specAbsent("parameters", "restore", "claimType"),
						specField(src, "parameters", "restore", "claimName"),
						dataChecksumIs(t, &c1), dataChecksumIsNot(t, &c2)),
					claimConverged(t, k.api, ns, src, dataChecksumIs(t, &c2)),
				},
			},
			resource.TestStep{
				// A later point in time replaces the restored instance, now with the later data.
				Config:          withRestore,
				ConfigVariables: config.Variables{"recovery_timestamp": lateString{&at2}},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, restored, dataChecksumIs(t, &c2)),
				},
			},
			resource.TestStep{
				// Once restored, the block can go: an in-place update that keeps the instance and its data.
				Config: source + k.instance("restored", restored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(restoredAddr, tfjsonpath.New("restore"), knownvalue.Null()),
					claimConverged(t, k.api, ns, restored, specAbsent("parameters", "restore"), dataChecksumIs(t, &c2)),
				},
			},
		)
	})

	t.Run("restores the platform would refuse are rejected at plan time", func(t *testing.T) {
		restore := func(lines ...string) []string {
			return append(append([]string{"restore = {"}, lines...), "}")
		}
		t.Run("MariaDB", func(t *testing.T) {
			mariadbAcc.rejectedAtPlanTime(t, []badInput{
				{lines: restore(`source_instance = "shop-db"`, `backup_name = "1a2b3c4d"`),
					want: wrapped(`Restore is not self-service for MariaDB.*support request.*guides/backups-and-restore`)},
			})
		})
		t.Run("PostgreSQL", func(t *testing.T) {
			pgAcc.rejectedAtPlanTime(t, []badInput{
				{lines: restore(`source_instance = "shop-db"`, `backup_name = "shop-db-20260101-020000"`),
					want: wrapped(`backup_name is not used by PostgreSQL on CloudNativePG.*recovery_timestamp`)},
				{lines: append([]string{`backend = "stackgres"`}, restore(`source_instance = "shop-db"`)...),
					want: wrapped(`Restore needs a backup name.*appcat_backups`)},
				{lines: restore(`source_instance = "shop-db"`, `recovery_timestamp = "2026-05-04 13:45"`),
					want: wrapped(`Invalid recovery timestamp.*Attribute restore.recovery_timestamp: "2026-05-04 13:45" is not a point in time.*RFC 3339`)},
				{lines: restore(`source_instance = "shop-db"`, `recovery_timestamp = "yesterday"`),
					want: wrapped(`Invalid recovery timestamp.*Attribute restore.recovery_timestamp: "yesterday" is not a point in time`)},
				{name: "shop-db", lines: restore(`source_instance = "shop-db"`),
					want: wrapped(`An instance cannot be restored from itself`)},
			})
		})
		t.Run("Redis", func(t *testing.T) {
			redisAcc.rejectedAtPlanTime(t, []badInput{
				{lines: restore(`source_instance = "cache"`), want: wrapped(`Restore needs a backup name`)},
				{lines: restore(`source_instance = "cache"`, `backup_name = "1a2b3c4d"`, `recovery_timestamp = "2026-05-04T13:45:00Z"`),
					want: wrapped(`Point-in-time restore not available for Redis`)},
			})
		})
	})

	t.Run("a missing backup fails with the platform's message", func(t *testing.T) {
		k := redisAcc
		ns, src, restored := testNamespace(t), k.name(), k.name()
		k.test(t, resource.TestStep{
			Config: adminProvider(ns) + k.instance("src", src) +
				k.instance("restored", restored, "restore = {", `  source_instance = `+k.ref("src", "name"), `  backup_name = "00000000"`, "}"),
			ExpectError: regexp.MustCompile(wrapped(`did not become ready.*backup "00000000" of VSHNRedis "` + src + `" not found`)),
		})
	})
}
