package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Version upgrades and scaling of the instance resources, seen as a user sees them: what the plan
// says, what the state holds after the apply, and what the platform has done by then.

// slowPlatform makes the platform take a few seconds from a spec change until the claim is Ready
// again, so that an apply that did not wait for it would leave a claim that is not converged.
const slowPlatform = `annotations = { "local.appcat.vshn.io/provisioning-delay" = "3s" }`

// allowMajor is the guard a major version upgrade needs.
const allowMajor = "allow_major_version_upgrade = true"

// spaced turns the spaces of an expected message into \s+, as Terraform wraps long messages.
func spaced(re string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(re, " ", `\s+`))
}

// statusField checks one field of the claim's status.
func statusField(want string, fields ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		got, _, err := unstructured.NestedString(u.Object, append([]string{"status"}, fields...)...)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("status.%s = %q, want %q", strings.Join(fields, "."), got, want)
		}
		return nil
	}
}

// specUnchanged fails the test unless the claim's spec field still has the value: a refused plan
// must not have changed anything on the platform.
func specUnchanged(t *testing.T, kind appcat.Kind, ns, name string, want any, fields ...string) {
	t.Helper()
	u, err := getClaim(context.Background(), adminDynamic(t), kind, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := specField(want, fields...)(u); err != nil {
		t.Fatalf("after a refused plan, claim %s/%s changed: %v", ns, name, err)
	}
}

// upgraded checks that state and platform agree the instance runs version to. The version is
// read from the kind's own status field, as AppCat reports it (appcat.Kind.VersionStatus); where
// that field does not follow an upgrade (MariaDB's mariadbVersion, rewritten only from full
// x.y.z image tags), the provider reports what the platform says: nothing yet. No kind's
// platform reports the version before an upgrade (CloudNativePG writes no previousVersion).
func (k accKind) upgraded(t *testing.T, ns, name, to string, versionPath ...string) []statecheck.StateCheck {
	var current knownvalue.Check = knownvalue.Null()
	onPlatform := []func(*unstructured.Unstructured) error{specField(to, append([]string{"parameters"}, versionPath...)...)}
	if k.api.VersionStatusFollowsUpgrade {
		current = knownvalue.StringExact(to)
		onPlatform = append(onPlatform, statusField(to, k.api.VersionStatus))
	}
	return []statecheck.StateCheck{
		k.stateIs("version", knownvalue.StringExact(to)),
		k.stateIs("current_version", current),
		k.stateIs("previous_version", knownvalue.Null()),
		claimConverged(t, k.api, ns, name, onPlatform...),
	}
}

// upgradePlan is the plan of a version upgrade: in place, with the versions the platform will
// report unknown until the apply.
func (k accKind) upgradePlan() resource.ConfigPlanChecks {
	return k.expectAction(plancheck.ResourceActionUpdate,
		plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("current_version")),
		plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("previous_version")))
}

// majorUpgradeRefused is the plan-time error of a major upgrade without the guard.
func majorUpgradeRefused(displayName, from, to string) *regexp.Regexp {
	return spaced(`Major version upgrade needs allow_major_version_upgrade.*version = "` + regexp.QuoteMeta(to) + `".*` +
		`Changing version from ` + regexp.QuoteMeta(from) + ` to ` + regexp.QuoteMeta(to) + ` is a major upgrade of ` + displayName +
		`.*Nothing was changed.*set allow_major_version_upgrade = true`)
}

func TestAccUpgrade(t *testing.T) {
	t.Run("PostgreSQL major upgrade needs the guard", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		base := []string{"deletion_protection = false", slowPlatform}
		at := func(version string, more ...string) string {
			return k.config(ns, name, append(append([]string{fmt.Sprintf("version = %q", version)}, base...), more...)...)
		}
		k.test(t, append([]resource.TestStep{
			{
				Config: at("15"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("current_version", knownvalue.StringExact("15")),
					k.stateIs("previous_version", knownvalue.Null()),
					k.stateIs("allow_major_version_upgrade", knownvalue.Bool(false)),
				},
			},
			{
				// Without the guard the plan refuses, naming the attribute and how to proceed.
				Config:      at("16"),
				PlanOnly:    true,
				ExpectError: majorUpgradeRefused("PostgreSQL", "15", "16"),
			},
			{
				// With it, the upgrade is an in-place update, and the apply returns once the
				// platform runs the new version.
				PreConfig:         func() { specUnchanged(t, k.api, ns, name, "15", "parameters", "service", "majorVersion") },
				Config:            at("16", allowMajor),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "16", "service", "majorVersion"),
			},
			{
				// Back down is refused at plan time, guard or not.
				Config:      at("15", allowMajor),
				PlanOnly:    true,
				ExpectError: spaced(`Version downgrade not possible.*version = "15".*cannot downgrade PostgreSQL from 16 to 15`),
			},
			{
				// Turning the guard off again changes nothing on the platform.
				Config:           at("16"),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("allow_major_version_upgrade", knownvalue.Bool(false)),
					k.stateIs("current_version", knownvalue.StringExact("16")),
					claimConverged(t, k.api, ns, name, statusField("16", "currentVersion")),
				},
			},
		}, k.importSteps(ns, name, at("16"))...)...)
	})

	t.Run("PostgreSQL on StackGres cannot upgrade its major version", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		at := func(version string, more ...string) string {
			return k.config(ns, name, append([]string{"deletion_protection = false", `backend = "stackgres"`, fmt.Sprintf("version = %q", version)}, more...)...)
		}
		refused := spaced(`Major version upgrade not possible on StackGres.*version = "16".*cannot upgrade the major version \(version 15 → 16\).*` +
			`Nothing was changed.*backend = "cloudnativepg"`)
		k.test(t,
			resource.TestStep{Config: at("15")},
			// The guard does not help: the backend cannot do it, and the plan says so.
			resource.TestStep{Config: at("16", allowMajor), PlanOnly: true, ExpectError: refused},
			resource.TestStep{Config: at("16"), PlanOnly: true, ExpectError: refused},
			resource.TestStep{
				PreConfig: func() { specUnchanged(t, k.api, ns, name, "15", "parameters", "service", "majorVersion") },
				Config:    at("15"),
				PlanOnly:  true,
			},
		)
	})

	t.Run("Redis major upgrade needs the guard, a minor one does not", func(t *testing.T) {
		k := redisAcc
		ns, name := testNamespace(t), k.name()
		at := func(version string, more ...string) string {
			return k.config(ns, name, append([]string{"deletion_protection = false", slowPlatform, fmt.Sprintf("version = %q", version)}, more...)...)
		}
		k.test(t,
			resource.TestStep{Config: at("7.0")},
			resource.TestStep{
				// 7.0 → 7.2 stays on major version 7: no guard needed.
				Config:            at("7.2"),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "7.2", "service", "version"),
			},
			resource.TestStep{Config: at("8.0"), PlanOnly: true, ExpectError: majorUpgradeRefused("Redis", "7.2", "8.0")},
			resource.TestStep{
				PreConfig:         func() { specUnchanged(t, k.api, ns, name, "7.2", "parameters", "service", "version") },
				Config:            at("8.0", allowMajor),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "8.0", "service", "version"),
			},
			resource.TestStep{
				Config:      at("7.2", allowMajor),
				PlanOnly:    true,
				ExpectError: spaced(`Version downgrade not possible.*cannot downgrade Redis from 8.0 to 7.2`),
			},
		)
	})

	t.Run("MariaDB major upgrade needs the guard, a minor one does not", func(t *testing.T) {
		k := mariadbAcc
		ns, name := testNamespace(t), k.name()
		at := func(version string, more ...string) string {
			return k.config(ns, name, append([]string{"deletion_protection = false", slowPlatform, fmt.Sprintf("version = %q", version)}, more...)...)
		}
		k.test(t,
			resource.TestStep{Config: at("10.6")},
			resource.TestStep{
				Config:            at("10.11"),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "10.11", "service", "version"),
			},
			resource.TestStep{Config: at("11.4"), PlanOnly: true, ExpectError: majorUpgradeRefused("MariaDB", "10.11", "11.4")},
			resource.TestStep{
				Config:            at("11.4", allowMajor),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "11.4", "service", "version"),
			},
		)
	})
}

func TestAccScaling(t *testing.T) {
	t.Run("PostgreSQL scales 1 → 3 → 1 and resizes in place", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(lines ...string) string {
			return k.config(ns, name, append([]string{"deletion_protection = false", slowPlatform}, lines...)...)
		}
		// Scaling never touches how clients connect to PostgreSQL: the plan knows the
		// connection details, and they stay the same.
		sameConnection := statecheck.CompareValue(compare.ValuesSame())
		connectionKept := func() []plancheck.PlanCheck {
			return []plancheck.PlanCheck{plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("url"), knownvalue.NotNull())}
		}
		k.test(t,
			resource.TestStep{
				Config: cfg(`disk = "20Gi"`),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					sameConnection.AddStateValue(k.addr(), tfjsonpath.New("connection_details")),
				},
			},
			resource.TestStep{
				Config:           cfg(`disk = "20Gi"`, "instances = 3"),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate, connectionKept()...),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(3)),
					sameConnection.AddStateValue(k.addr(), tfjsonpath.New("connection_details")),
					claimConverged(t, k.api, ns, name, specField(int64(3), "parameters", "instances")),
				},
			},
			resource.TestStep{
				Config:           cfg(`disk = "20Gi"`, "instances = 1"),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate, connectionKept()...),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					sameConnection.AddStateValue(k.addr(), tfjsonpath.New("connection_details")),
					claimConverged(t, k.api, ns, name, specField(int64(1), "parameters", "instances")),
				},
			},
			resource.TestStep{
				// A bigger plan with explicit limits and a bigger disk, in place.
				Config:           cfg(`plan = "standard-4"`, `cpu = "2"`, `memory = "8Gi"`, `disk = "40Gi"`),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate, connectionKept()...),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("plan", knownvalue.StringExact("standard-4")),
					k.stateIs("disk", knownvalue.StringExact("40Gi")),
					sameConnection.AddStateValue(k.addr(), tfjsonpath.New("connection_details")),
					claimConverged(t, k.api, ns, name,
						specField("standard-4", "parameters", "size", "plan"),
						specField("2", "parameters", "size", "cpu"),
						specField("8Gi", "parameters", "size", "memory"),
						specField("40Gi", "parameters", "size", "disk")),
				},
			},
			resource.TestStep{
				Config:      cfg(`plan = "standard-4"`, `cpu = "2"`, `memory = "8Gi"`, `disk = "30Gi"`),
				PlanOnly:    true,
				ExpectError: spaced(`Disk cannot shrink.*disk = "30Gi".*30Gi is smaller than the current 40Gi`),
			},
			resource.TestStep{
				Config:      cfg(`plan = "standard-4"`, `cpu = "2"`, `memory = "8Gi"`, `disk = "40Gi"`, "instances = 4"),
				PlanOnly:    true,
				ExpectError: spaced(`Attribute instances value must be between 0 and 3, got: 4`),
			},
			resource.TestStep{
				// High availability guaranteed by the platform needs at least two instances.
				Config:      cfg(`plan = "standard-4"`, `cpu = "2"`, `memory = "8Gi"`, `disk = "40Gi"`, `service_level = "guaranteed"`),
				PlanOnly:    true,
				ExpectError: spaced(`Service level guaranteed needs high availability.*instances is 1`),
			},
			resource.TestStep{
				PreConfig: func() { specUnchanged(t, k.api, ns, name, "40Gi", "parameters", "size", "disk") },
				Config:    cfg(`plan = "standard-4"`, `cpu = "2"`, `memory = "8Gi"`, `disk = "40Gi"`),
				PlanOnly:  true,
			},
		)
	})

	// suspendAndResume: instances = 0 suspends the instance in place and keeps it, with its
	// connection details; instances = 1 resumes it. Each apply returns with the platform converged.
	suspendAndResume := func(t *testing.T, k accKind) {
		ns, name := testNamespace(t), k.name()
		cfg := func(instances int) string {
			return k.config(ns, name, "deletion_protection = false", slowPlatform, fmt.Sprintf("instances = %d", instances))
		}
		samePassword := statecheck.CompareValue(compare.ValuesSame())
		sameHost := statecheck.CompareValue(compare.ValuesSame())
		step := func(instances int64) resource.TestStep {
			return resource.TestStep{
				Config:           cfg(int(instances)),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(instances)),
					samePassword.AddStateValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("password")),
					sameHost.AddStateValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("host")),
					claimConverged(t, k.api, ns, name, specField(instances, "parameters", "instances")),
				},
			}
		}
		created := step(1)
		created.ConfigPlanChecks = resource.ConfigPlanChecks{}
		k.test(t, created, step(0), step(1),
			// Suspended and resumed, the configuration plans no change.
			resource.TestStep{Config: cfg(1), PlanOnly: true},
		)
	}
	t.Run("PostgreSQL suspend and resume", func(t *testing.T) { suspendAndResume(t, pgAcc) })
	t.Run("Redis suspend and resume", func(t *testing.T) { suspendAndResume(t, redisAcc) })

	t.Run("Redis refuses disk shrink and two instances", func(t *testing.T) {
		k := redisAcc
		ns, name := testNamespace(t), k.name()
		cfg := func(lines ...string) string {
			return k.config(ns, name, append([]string{"deletion_protection = false"}, lines...)...)
		}
		k.test(t,
			resource.TestStep{Config: cfg(`disk = "20Gi"`)},
			resource.TestStep{
				Config:      cfg(`disk = "10Gi"`),
				PlanOnly:    true,
				ExpectError: spaced(`Disk cannot shrink.*disk = "10Gi".*10Gi is smaller than the current 20Gi`),
			},
			resource.TestStep{
				Config:      cfg(`disk = "20Gi"`, "instances = 2"),
				PlanOnly:    true,
				ExpectError: spaced(`Attribute instances value must be one of.*got: 2`),
			},
			resource.TestStep{
				Config:           cfg(`disk = "30Gi"`, "instances = 3"),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						specField("30Gi", "parameters", "size", "disk"),
						specField(int64(3), "parameters", "instances")),
				},
			},
		)
	})
}

// TestUpgradeVersionRules runs the instance engine's ModifyPlan on version changes of every kind,
// without a platform: which changes need allow_major_version_upgrade (the kind's majorOf rule),
// and that a change the plan refuses for another reason reports that reason alone.
func TestUpgradeVersionRules(t *testing.T) {
	ctx := context.Background()
	type change struct {
		kind      string
		from, to  string
		allow     bool
		stackgres bool
		want      string // summary of the only error; "" for none
	}
	const guard, downgrade, stackgres = "Major version upgrade needs allow_major_version_upgrade", "Version downgrade not possible", "Major version upgrade not possible on StackGres"
	changes := []change{
		{kind: "postgresql", from: "15", to: "16", want: guard},
		{kind: "postgresql", from: "12", to: "18", want: guard},
		{kind: "postgresql", from: "15", to: "16", allow: true},
		{kind: "postgresql", from: "16", to: "15", want: downgrade},
		{kind: "postgresql", from: "16", to: "15", allow: true, want: downgrade},
		{kind: "postgresql", from: "15", to: "16", stackgres: true, want: stackgres},
		{kind: "postgresql", from: "15", to: "16", stackgres: true, allow: true, want: stackgres},
		{kind: "redis", from: "7.0", to: "7.2"},
		{kind: "redis", from: "7.2", to: "8.0", want: guard},
		{kind: "redis", from: "7.0", to: "8.0", allow: true},
		{kind: "redis", from: "8.0", to: "7.2", want: downgrade},
		{kind: "mariadb", from: "10.6", to: "10.11"},
		{kind: "mariadb", from: "11.4", to: "11.8"},
		{kind: "mariadb", from: "10.11", to: "11.0", want: guard},
		{kind: "mariadb", from: "10.4", to: "11.8", allow: true},
		{kind: "mariadb", from: "11.0", to: "10.11", want: downgrade},
	}
	resources := map[string]func() fwresource.Resource{"postgresql": NewPostgreSQLResource, "redis": NewRedisResource, "mariadb": NewMariaDBResource}
	for _, c := range changes {
		t.Run(fmt.Sprintf("%s %s to %s allow=%t stackgres=%t", c.kind, c.from, c.to, c.allow, c.stackgres), func(t *testing.T) {
			r := resources[c.kind]().(fwresource.ResourceWithModifyPlan)
			var sresp fwresource.SchemaResponse
			r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
			objType := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
			value := func(version string, allow bool) tftypes.Value {
				vals := map[string]tftypes.Value{}
				for name, at := range objType.AttributeTypes {
					vals[name] = tftypes.NewValue(at, nil)
				}
				vals["name"] = tftypes.NewValue(tftypes.String, "db")
				vals["namespace"] = tftypes.NewValue(tftypes.String, "shop")
				vals["id"] = tftypes.NewValue(tftypes.String, "shop/db")
				vals["version"] = tftypes.NewValue(tftypes.String, version)
				vals["allow_major_version_upgrade"] = tftypes.NewValue(tftypes.Bool, allow)
				if c.kind == "postgresql" {
					vals["repack_enabled"] = tftypes.NewValue(tftypes.Bool, true)
					backend := backendCloudNativePG
					if c.stackgres {
						backend = backendStackGres
					}
					vals["backend"] = tftypes.NewValue(tftypes.String, backend)
				}
				return tftypes.NewValue(objType, vals)
			}
			req := fwresource.ModifyPlanRequest{
				State: tfsdk.State{Schema: sresp.Schema, Raw: value(c.from, false)},
				Plan:  tfsdk.Plan{Schema: sresp.Schema, Raw: value(c.to, c.allow)},
			}
			resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)
			errs := resp.Diagnostics.Errors()
			if c.want == "" {
				if len(errs) > 0 {
					t.Fatalf("plan refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Summary() != c.want {
				t.Fatalf("errors = %v, want exactly one: %q", errs, c.want)
			}
			if wp, ok := errs[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("version")) {
				t.Errorf("error is not on the version attribute: %v", errs[0])
			}
		})
	}
}
