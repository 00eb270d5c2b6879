package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

const windowAddr = "appcat_maintenance_window.test"

func windowIs(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(windowAddr, tfjsonpath.New(attr), check)
}

// The platform's random window: Sunday to Friday, starting between 21:00 and 05:00 UTC.
var (
	randomWindowDay  = regexp.MustCompile(`^(sunday|monday|tuesday|wednesday|thursday|friday)$`)
	randomWindowTime = regexp.MustCompile(`^(2[1-3]|0[0-4]):[0-5][0-9]:[0-5][0-9]$`)
)

func TestAccMaintenanceWindow(t *testing.T) {
	t.Run("set, changed, imported, removed", func(t *testing.T) {
		k := redisAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(windowLines ...string) string {
			c := adminProvider(ns) + k.instance("test", name)
			if windowLines != nil {
				c += block("resource", "appcat_maintenance_window", "test", append(k.attachedTo("test"), windowLines...)...)
			}
			return c
		}
		k.test(t,
			resource.TestStep{
				// Instance and window in one apply, no diff afterwards.
				Config: cfg(`day_of_week = "tuesday"`, `time_of_day = "22:30:00"`),
				ConfigStateChecks: []statecheck.StateCheck{
					windowIs("id", knownvalue.StringExact(ns+"/"+name)),
					windowIs("effective_day_of_week", knownvalue.StringExact("tuesday")),
					windowIs("effective_time_of_day", knownvalue.StringExact("22:30:00")),
					windowIs("disable_appcat_release", knownvalue.Bool(false)),
					windowIs("pin_image_tag", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField("tuesday", "parameters", "maintenance", "dayOfWeek"),
						specField("22:30:00", "parameters", "maintenance", "timeOfDay"),
						statusMatches(`^tuesday$`, "schedules", "maintenance", "dayOfWeek"),
						blockOwnedOnlyBy("maintenance", windowManager),
						managerOwnsOnly(windowManager, "maintenance")),
				},
			},
			resource.TestStep{
				Config: cfg(`day_of_week = "saturday"`, `time_of_day = "03:15:00"`, `disable_appcat_release = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(windowAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					windowIs("effective_day_of_week", knownvalue.StringExact("saturday")),
					windowIs("effective_time_of_day", knownvalue.StringExact("03:15:00")),
					windowIs("disable_appcat_release", knownvalue.Bool(true)),
					claimConverged(t, k.api, ns, name,
						specField("saturday", "parameters", "maintenance", "dayOfWeek"),
						specField(true, "parameters", "maintenance", "disableAppcatRelease"),
						statusMatches(`^03:15:00$`, "schedules", "maintenance", "timeOfDay")),
				},
			},
			resource.TestStep{
				// A tag pinned with kubectl, which the configuration leaves out, is removed again.
				PreConfig: func() {
					editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
						_ = unstructured.SetNestedField(u.Object, "7.2.5", "spec", "parameters", "maintenance", "pinImageTag")
					})
				},
				Config: cfg(`day_of_week = "saturday"`, `time_of_day = "03:15:00"`, `disable_appcat_release = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(windowAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					windowIs("pin_image_tag", knownvalue.Null()),
					claimConverged(t, k.api, ns, name, specAbsent("parameters", "maintenance", "pinImageTag")),
				},
			},
			resource.TestStep{ResourceName: windowAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
			resource.TestStep{
				Config:          cfg(`day_of_week = "saturday"`, `time_of_day = "03:15:00"`, `disable_appcat_release = true`),
				ResourceName:    windowAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "redis:" + ns + "/" + name,
			},
			resource.TestStep{
				// Removing the window returns to the platform's random window.
				Config: cfg(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(windowAddr, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						specAbsent("parameters", "maintenance", "dayOfWeek"),
						specAbsent("parameters", "maintenance", "timeOfDay"),
						specFieldOrAbsent(false, "parameters", "maintenance", "disableAppcatRelease"),
						statusMatches(randomWindowDay.String(), "schedules", "maintenance", "dayOfWeek"),
						statusMatches(randomWindowTime.String(), "schedules", "maintenance", "timeOfDay"),
						managerAbsent(windowManager)),
				},
			},
		)
	})

	t.Run("a maintenance run in the window changes nothing Terraform manages", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		// A platform week takes about six seconds.
		cfg := adminProvider(ns) +
			k.instance("test", name, fmt.Sprintf(`annotations = { %q = "100000" }`, clockSpeedAnnotation)) +
			block("resource", "appcat_maintenance_window", "test", append(k.attachedTo("test"), `day_of_week = "wednesday"`, `time_of_day = "01:00:00"`)...)
		var backupName string
		k.test(t,
			resource.TestStep{Config: cfg},
			resource.TestStep{
				PreConfig: func() {
					eventually(t, 60*time.Second, "the platform has run maintenance", func() bool {
						u, err := getClaim(context.Background(), adminDynamic(t), k.api, ns, name)
						if err != nil {
							t.Fatal(err)
						}
						mem := claimMemory(t, u)
						backupName = str(mem, "lastMaintenance", "backupName")
						return str(mem, "lastMaintenance", "completedAt") != ""
					})
				},
				// The platform ran maintenance in the window set here (seen in the local
				// platform's memory, as AppCat shows it nowhere in the claim); the next plan is
				// empty.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(windowAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The run took a backup first, as AppCat's maintenance does. The platform
					// clock runs a week in seconds, so by now later runs and daily backups may
					// have pruned the backup of the run seen above (PostgreSQL keeps the last 6):
					// the check looks for the backup of the latest run.
					platformCheck(func(ctx context.Context) error {
						u, err := getClaim(ctx, adminDynamic(t), k.api, ns, name)
						if err != nil {
							return err
						}
						backupName = str(claimMemory(t, u), "lastMaintenance", "backupName")
						bk, _ := appcat.BackupKindOf(k.api)
						list, err := adminDynamic(t).Resource(bk.GVR()).Namespace(ns).List(ctx,
							metav1.ListOptions{})
						if err != nil {
							return err
						}
						found := false
						for _, b := range list.Items {
							owner, _, _ := unstructured.NestedString(b.Object, "status", bk.InstanceField)
							found = found || (owner == name && b.GetName() == backupName)
						}
						if !found || backupName == "" {
							return fmt.Errorf("no backup of %s/%s after a maintenance run (lastMaintenance.backupName %q)", ns, name, backupName)
						}
						return nil
					}),
				},
			},
		)
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		window := func(kind string, lines ...string) string {
			return block("resource", "appcat_maintenance_window", "test",
				append([]string{`kind = "` + kind + `"`, `instance_id = "` + ns + `/` + name + `"`}, lines...)...)
		}
		instance := adminProvider(ns) + k.instance("test", name, `version = "15"`)
		bad := []struct{ cfg, want string }{
			{adminProvider(ns) + window("redis", `time_of_day = "25:00:00"`), wrapped(`Invalid time of day.*hh:mm:ss.*UTC`)},
			{adminProvider(ns) + window("redis", `time_of_day = "9pm"`), wrapped(`Invalid time of day`)},
			{adminProvider(ns) + window("redis", `day_of_week = "someday"`), wrapped(`day_of_week value must be one of`)},
			{adminProvider(ns) + window("redis"), wrapped(`At least one of these attributes must be configured`)},
			// With the instance on the platform, the PostgreSQL image tag is checked against its version.
			{instance + window("postgresql", `pin_image_tag = "14.2"`), wrapped(`Image tag does not match the PostgreSQL version.*major version 15`)},
			{instance + window("postgresql", `pin_image_tag = "150"`), wrapped(`Image tag does not match the PostgreSQL version`)},
		}
		steps := []resource.TestStep{{Config: instance}}
		for _, b := range bad {
			steps = append(steps, resource.TestStep{Config: b.cfg, PlanOnly: true, ExpectError: regexp.MustCompile(b.want)})
		}
		// A matching tag is applied.
		steps = append(steps, resource.TestStep{
			Config: instance + window("postgresql", `pin_image_tag = "15.4"`),
			ConfigStateChecks: []statecheck.StateCheck{
				claimConverged(t, k.api, ns, name, specField("15.4", "parameters", "maintenance", "pinImageTag")),
			},
		})
		k.test(t, steps...)
	})
}
