package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const policyAddr = "appcat_backup_policy.test"

func policyIs(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New(attr), check)
}

// randomDailySchedule is the platform's default backup schedule: a random time every day.
var randomDailySchedule = `^[0-9]{1,2} [0-9]{1,2} \* \* \*$`

func TestAccBackupPolicy(t *testing.T) {
	t.Run("instance and policy in one apply, in-place changes, import, destroy returns to the defaults", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(instanceLines []string, policyLines ...string) string {
			c := adminProvider(ns) + k.instance("test", name, instanceLines...)
			if policyLines != nil {
				c += block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), policyLines...)...)
			}
			return c
		}
		k.test(t,
			resource.TestStep{
				// Instance and policy in one apply: the policy waits for the instance, and the plan
				// after the apply is empty for both (the test fails on a perpetual diff).
				Config: cfg(nil, `schedule = "30 2 * * *"`, `retention = 10`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					policyIs("id", knownvalue.StringExact(ns+"/"+name)),
					policyIs("instance_id", knownvalue.StringExact(ns+"/"+name)),
					policyIs("enabled", knownvalue.Bool(true)),
					policyIs("schedule", knownvalue.StringExact("30 2 * * *")),
					policyIs("retention", knownvalue.Int64Exact(10)),
					policyIs("keep_daily", knownvalue.Null()),
					policyIs("effective_schedule", knownvalue.StringExact("30 2 * * *")),
					claimConverged(t, k.api, ns, name,
						specField("30 2 * * *", "parameters", "backup", "schedule"),
						specField(int64(10), "parameters", "backup", "retention"),
						specField(true, "parameters", "backup", "enabled"),
						statusMatches(`^30 2 \* \* \*$`, "schedules", "backup"),
						blockOwnedOnlyBy("backup", policyManager),
						managerOwnsOnly(policyManager, "backup"),
						specField("15", "parameters", "service", "majorVersion")),
				},
			},
			resource.TestStep{
				// Disable and reschedule: an in-place update of the policy alone.
				Config: cfg(nil, `enabled = false`, `schedule = "0 */6 * * *"`, `retention = 10`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop),
					plancheck.ExpectUnknownValue(policyAddr, tfjsonpath.New("effective_schedule")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					policyIs("enabled", knownvalue.Bool(false)),
					policyIs("effective_schedule", knownvalue.StringExact("0 */6 * * *")),
					claimConverged(t, k.api, ns, name,
						specField(false, "parameters", "backup", "enabled"),
						specField("0 */6 * * *", "parameters", "backup", "schedule")),
				},
			},
			resource.TestStep{
				// Enable again; only enabled changes, so the effective schedule is known at plan time.
				Config: cfg(nil, `enabled = true`, `schedule = "0 */6 * * *"`, `retention = 10`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("effective_schedule"), knownvalue.StringExact("0 */6 * * *")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name, specField(true, "parameters", "backup", "enabled")),
				},
			},
			resource.TestStep{
				// An update of the instance leaves the policy's fields alone.
				Config: cfg([]string{`labels = { team = "shop" }`}, `enabled = true`, `schedule = "0 */6 * * *"`, `retention = 10`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						labelIs("team", "shop"),
						specField("0 */6 * * *", "parameters", "backup", "schedule"),
						specField(int64(10), "parameters", "backup", "retention"),
						blockOwnedOnlyBy("backup", policyManager)),
				},
			},
			resource.TestStep{
				// A change made with kubectl shows as drift and the apply puts the policy back.
				PreConfig: func() {
					editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
						_ = unstructured.SetNestedField(u.Object, "15 3 * * *", "spec", "parameters", "backup", "schedule")
					})
				},
				Config: cfg([]string{`labels = { team = "shop" }`}, `enabled = true`, `schedule = "0 */6 * * *"`, `retention = 10`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name, specField("0 */6 * * *", "parameters", "backup", "schedule")),
				},
			},
			// Import by the instance's ID (the kind is found on the platform) verifies every
			// attribute; an import block with kind:namespace/name plans no change.
			resource.TestStep{ResourceName: policyAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
			resource.TestStep{
				Config:          cfg([]string{`labels = { team = "shop" }`}, `enabled = true`, `schedule = "0 */6 * * *"`, `retention = 10`),
				ResourceName:    policyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "postgresql:" + ns + "/" + name,
			},
			resource.TestStep{
				// Removing the policy gives the block back: the fields it set are gone, the
				// platform's defaults apply again (backups on, its own daily schedule, default
				// retention), and the instance is untouched.
				Config: cfg([]string{`labels = { team = "shop" }`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						specAbsent("parameters", "backup", "schedule"),
						specField(true, "parameters", "backup", "enabled"),
						specField(int64(6), "parameters", "backup", "retention"),
						statusMatches(randomDailySchedule, "schedules", "backup"),
						managerAbsent(policyManager),
						labelIs("team", "shop")),
				},
			},
		)
	})

	t.Run("Redis and MariaDB keep rules, platform defaults filled in", func(t *testing.T) {
		for _, k := range []accKind{redisAcc, mariadbAcc} {
			t.Run(k.displayName, func(t *testing.T) {
				ns, name := testNamespace(t), k.name()
				cfg := func(policyLines ...string) string {
					return adminProvider(ns) + k.instance("test", name) +
						block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), policyLines...)...)
				}
				k.test(t,
					resource.TestStep{
						// Without a schedule the platform picks one; keep_daily gets the platform's default.
						Config: cfg(`keep_last = 3`, `keep_weekly = 2`),
						ConfigStateChecks: []statecheck.StateCheck{
							policyIs("keep_last", knownvalue.Int64Exact(3)),
							policyIs("keep_weekly", knownvalue.Int64Exact(2)),
							policyIs("keep_daily", knownvalue.Int64Exact(6)),
							policyIs("keep_hourly", knownvalue.Null()),
							policyIs("retention", knownvalue.Null()),
							policyIs("schedule", knownvalue.Null()),
							policyIs("effective_schedule", knownvalue.StringRegexp(regexp.MustCompile(randomDailySchedule))),
							claimConverged(t, k.api, ns, name,
								specField(int64(3), "parameters", "backup", "retention", "keepLast"),
								specField(int64(2), "parameters", "backup", "retention", "keepWeekly"),
								specField(int64(6), "parameters", "backup", "retention", "keepDaily"),
								specAbsent("parameters", "backup", "schedule")),
						},
					},
					resource.TestStep{
						// Removing an attribute removes the field; keep_daily follows a change.
						Config:           cfg(`keep_last = 3`, `keep_daily = 10`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate)}},
						ConfigStateChecks: []statecheck.StateCheck{
							claimConverged(t, k.api, ns, name,
								specAbsent("parameters", "backup", "retention", "keepWeekly"),
								specField(int64(10), "parameters", "backup", "retention", "keepDaily")),
						},
					},
					resource.TestStep{
						// Back to the default keep_daily when the attribute is removed.
						Config: cfg(`keep_last = 3`),
						ConfigStateChecks: []statecheck.StateCheck{
							policyIs("keep_daily", knownvalue.Int64Exact(6)),
							claimConverged(t, k.api, ns, name, specField(int64(6), "parameters", "backup", "retention", "keepDaily")),
						},
					},
					resource.TestStep{
						// A rule set with kubectl that the configuration leaves out is removed by the apply.
						PreConfig: func() {
							editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
								_ = unstructured.SetNestedField(u.Object, int64(5), "spec", "parameters", "backup", "retention", "keepHourly")
							})
						},
						Config:           cfg(`keep_last = 3`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate)}},
						ConfigStateChecks: []statecheck.StateCheck{
							policyIs("keep_hourly", knownvalue.Null()),
							claimConverged(t, k.api, ns, name, specAbsent("parameters", "backup", "retention", "keepHourly")),
						},
					},
					resource.TestStep{ResourceName: policyAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
					resource.TestStep{
						// Destroying the policy gives back what it managed, also a rule someone set
						// with kubectl meanwhile: the platform's default retention applies again.
						PreConfig: func() {
							editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
								_ = unstructured.SetNestedField(u.Object, int64(2), "spec", "parameters", "backup", "retention", "keepMonthly")
							})
						},
						Config: adminProvider(ns) + k.instance("test", name),
						ConfigStateChecks: []statecheck.StateCheck{
							claimConverged(t, k.api, ns, name,
								specAbsent("parameters", "backup", "retention", "keepMonthly"),
								specAbsent("parameters", "backup", "retention", "keepLast"),
								specField(int64(6), "parameters", "backup", "retention", "keepDaily"),
								managerAbsent(policyManager)),
						},
					},
				)
			})
		}
	})

	t.Run("a replaced instance gets its policy in the same apply with replace_triggered_by", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(backend string) string {
			return adminProvider(ns) + k.instance("test", name, `backend = "`+backend+`"`) +
				block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), `schedule = "45 4 * * *"`,
					"lifecycle {", "  replace_triggered_by = ["+k.ref("test", "instance_namespace")+"]", "}")...)
		}
		k.test(t,
			resource.TestStep{Config: cfg("cloudnativepg")},
			resource.TestStep{
				Config: cfg("stackgres"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						specField("vshnpostgres.vshn.appcat.vshn.io", "compositionRef", "name"),
						specField("45 4 * * *", "parameters", "backup", "schedule")),
				},
			},
		)
	})

	t.Run("a policy needs an existing instance and creates none", func(t *testing.T) {
		ns := testNamespace(t)
		name := pgAcc.name()
		pgAcc.test(t, resource.TestStep{
			Config: adminProvider(ns) + block("resource", "appcat_backup_policy", "test",
				`kind = "postgresql"`, `instance_id = "`+ns+`/`+name+`"`),
			ExpectError: regexp.MustCompile(wrapped(`PostgreSQL instance ` + ns + `/` + name + ` not found.*Nothing was created`)),
		}, resource.TestStep{
			PreConfig: func() {
				if _, err := getClaim(t.Context(), adminDynamic(t), pgAcc.api, ns, name); err == nil {
					t.Fatal("the failed policy created a claim")
				}
			},
			Config:   adminProvider(ns),
			PlanOnly: true,
		})
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		policy := func(kind string, lines ...string) string {
			return adminProvider(ns) + block("resource", "appcat_backup_policy", "test",
				append([]string{`kind = "` + kind + `"`, `instance_id = "` + ns + `/db"`}, lines...)...)
		}
		bad := []struct{ cfg, want string }{
			{policy("postgresql", `schedule = "0 25 * * *"`), wrapped(`Invalid backup schedule.*field 2 \(hour\) is "25"`)},
			{policy("postgresql", `schedule = "0 2 * *"`), wrapped(`Invalid backup schedule.*exactly five fields`)},
			{policy("redis", `schedule = "0 2 * * 1-5"`), wrapped(`Invalid backup schedule.*ranges, lists and names`)},
			{policy("postgresql", `keep_last = 3`), wrapped(`keep_last is not available for PostgreSQL.*use retention`)},
			{policy("redis", `retention = 7`), wrapped(`retention is not available for Redis.*keep_last`)},
			{policy("mariadb", `retention = 7`), wrapped(`retention is not available for MariaDB`)},
			{policy("postgresql", `retention = 0`), wrapped(`retention value must be at least 1`)},
			{policy("forgejo"), wrapped(`Attribute kind value must be one of.*Forgejo instances have no backups`)},
			{adminProvider(ns) + block("resource", "appcat_backup_policy", "test", `kind = "redis"`, `instance_id = "db"`), wrapped(`must be the instance's ID, namespace/name`)},
		}
		var steps []resource.TestStep
		for _, b := range bad {
			steps = append(steps, resource.TestStep{Config: b.cfg, PlanOnly: true, ExpectError: regexp.MustCompile(b.want)})
		}
		pgAcc.test(t, steps...)
	})
}
