package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var nextcloudAcc = accKind{resourceType: "appcat_nextcloud", displayName: "Nextcloud", api: appcat.Nextcloud, namePrefix: "nc",
	required: []string{`fqdn = ["cloud.example.com"]`}}

// nextcloudHost matches the NEXTCLOUD_HOST of an instance named name: <composite>-nextcloud in
// its instance namespace.
func nextcloudHost(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + name + `-[a-z0-9]{5}-nextcloud\.` + nextcloudAcc.instanceNamespace(name) + `\.svc\.cluster\.local$`)
}

func TestAccNextcloud(t *testing.T) {
	k := nextcloudAcc

	t.Run("create, update in place, upgrade, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		host := nextcloudHost(name)
		updated := []string{"deletion_protection = false", `fqdn = ["cloud.example.com", "files.example.com"]`, `relative_path = "/cloud"`,
			`plan = "standard-4"`, `disk = "40Gi"`, "collabora_enabled = true", `collabora_fqdn = "office.example.com"`, `collabora_version = "24.04"`,
			`postgresql_version = "16"`, `postgresql_plan = "standard-4"`, `postgresql_disk = "30Gi"`, `postgresql_settings = { work_mem = "16MB" }`,
			`allowed_namespaces = ["shop"]`, `labels = { team = "files" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("31")),
					k.stateIs("current_version", knownvalue.StringExact("31")),
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("standard-2")),
					k.stateIs("relative_path", knownvalue.StringExact("/")),
					k.stateIs("collabora_enabled", knownvalue.Bool(false)),
					k.stateIs("use_external_postgresql", knownvalue.Bool(true)),
					k.stateIs("postgresql_version", knownvalue.StringExact("15")),
					k.stateIs("postgresql_plan", knownvalue.Null()),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(false)),
					k.stateIs("restore", knownvalue.Null()),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+k.instanceNamespace(name)+`$`))),
					// Every key the composition writes, and nothing it does not.
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("username", knownvalue.StringExact("admin")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("collabora_host", knownvalue.Null()),
					k.connectionIs("port", knownvalue.Null()),
					k.connectionIs("url", knownvalue.Null()),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField("[cloud.example.com]", "parameters", "service", "fqdn"),
						specField("31", "parameters", "service", "version"),
						specField(false, "parameters", "service", "collabora", "enabled"),
						specField(true, "parameters", "service", "useExternalPostgreSQL"),
						specField("15", "parameters", "service", "postgreSQLParameters", "service", "majorVersion"),
						statusMatches(`^31$`, "currentReleaseTag"),
						statusMatches(`.`, "schedules", "maintenance", "dayOfWeek")),
				},
			},
			{
				// Host names, size, Collabora and the PostgreSQL's parameters change in place;
				// Collabora's host appears in the connection details.
				Config: k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("connection_details"))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("collabora_host", knownvalue.StringRegexp(regexp.MustCompile(
						`^`+name+`-[a-z0-9]{5}-collabora-code\.`+k.instanceNamespace(name)+`\.svc\.cluster\.local$`))),
					claimConverged(t, k.api, ns, name,
						specField("[cloud.example.com files.example.com]", "parameters", "service", "fqdn"),
						specField("/cloud", "parameters", "service", "relativePath"),
						specField("standard-4", "parameters", "size", "plan"),
						specField("40Gi", "parameters", "size", "disk"),
						specField(true, "parameters", "service", "collabora", "enabled"),
						specField("office.example.com", "parameters", "service", "collabora", "fqdn"),
						specField("24.04", "parameters", "service", "collabora", "version"),
						specField("16", "parameters", "service", "postgreSQLParameters", "service", "majorVersion"),
						specField("standard-4", "parameters", "service", "postgreSQLParameters", "size", "plan"),
						specField("30Gi", "parameters", "service", "postgreSQLParameters", "size", "disk"),
						specField("map[work_mem:16MB]", "parameters", "service", "postgreSQLParameters", "service", "pgSettings"),
						specField("[shop]", "parameters", "security", "allowedNamespaces"),
						labelIs("team", "files")),
				},
			},
			{
				// 31 -> 32 is a major upgrade: refused without allow_major_version_upgrade.
				Config:      k.config(ns, name, append(updated, `version = "32"`)...),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`Major version upgrade needs allow_major_version_upgrade`)),
			},
			{
				Config:           k.config(ns, name, append(updated, `version = "32"`, "allow_major_version_upgrade = true")...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("current_version", knownvalue.StringExact("32")),
					claimConverged(t, k.api, ns, name, specField("32", "parameters", "service", "version"), statusMatches(`^32$`, "currentReleaseTag")),
				},
			},
			{
				Config:      k.config(ns, name, append(updated, `version = "31.2"`, "allow_major_version_upgrade = true")...),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`Version downgrade not possible.*from 32 to 31.2`)),
			},
			{
				Config: k.config(ns, name, slices.Concat(slices.DeleteFunc(slices.Clone(updated), func(l string) bool { return strings.HasPrefix(l, "postgresql_disk ") }),
					[]string{`version = "32"`, "allow_major_version_upgrade = true", `postgresql_disk = "20Gi"`})...),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*postgresql_disk\s+= "20Gi"`),
			},
			{
				// The guard is Terraform's own: dropping it changes nothing on the platform.
				Config: k.config(ns, name, append(updated, `version = "32"`)...),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("allow_major_version_upgrade", knownvalue.Bool(false)),
					claimConverged(t, k.api, ns, name, specField("32", "parameters", "service", "version")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, append(updated, `version = "32"`)...))...)...)
	})

	t.Run("drift is detected and repaired", func(t *testing.T) { k.driftIsRepaired(t, 0) })

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("n", 28), want: `Attribute name string length must be between 1 and 27`},
			{lines: []string{`version = "31.0.4"`}, want: `(?s)Attribute version must be a major`},
			{lines: []string{`instances = 2`}, want: `(?s)Attribute instances value must be between 0 and 1`},
			{lines: []string{`service_level = "guaranteed"`}, want: `(?s)Service level guaranteed needs high availability`},
			{lines: []string{`plan = "standard-16"`}, want: `(?s)Plan\s+"standard-16"\s+is\s+not\s+offered\s+on\s+this\s+cluster`},
			{lines: []string{`disk = "-10Gi"`}, want: `(?s)Invalid size.*disk = "-10Gi"`},
			{lines: []string{`postgresql_disk = "lots"`}, want: `(?s)Invalid size.*postgresql_disk = "lots"`},
			{lines: []string{`postgresql_version = "11"`}, want: `(?s)Attribute postgresql_version value must be one of`},
			{lines: []string{"collabora_enabled = true"}, want: wrapped(`Collabora needs a host name.*collabora_enabled = true needs collabora_fqdn`)},
			{lines: []string{`collabora_fqdn = "not a host"`}, want: `(?s)Attribute collabora_fqdn must be a valid DNS name`},
			{lines: []string{`collabora_version = "24.04.3"`}, want: `(?s)Attribute collabora_version must be a major`},
			{lines: []string{`restore = { source_instance = "other", backup_name = "abc" }`},
				want: wrapped(`Restore is not self-service for Nextcloud.*support request. Remove restore`)},
		})
	})

	t.Run("fqdn is checked at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{lines: []string{`fqdn = []`}, want: `(?s)Attribute fqdn list must contain at least 1 elements`},
			{lines: []string{`fqdn = ["not a host"]`}, want: `(?s)Attribute fqdn\[0\] must be a valid DNS name`},
		})
	})

	t.Run("backups and the maintenance window attach", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		base := adminProvider(ns) + k.instance("test", name) +
			block("resource", "appcat_backup_policy", "test", append(k.attachedTo("test"), `schedule = "30 2 * * *"`, `keep_daily = 3`)...) +
			block("resource", "appcat_maintenance_window", "test", append(k.attachedTo("test"), `day_of_week = "tuesday"`, `time_of_day = "03:00:00"`)...)
		ref := []string{`kind = "nextcloud"`, fmt.Sprintf(`instance_id = "%s/%s"`, ns, name)}
		k.test(t,
			resource.TestStep{
				Config: base,
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name,
						specField("30 2 * * *", "parameters", "backup", "schedule"),
						specField(int64(3), "parameters", "backup", "retention", "keepDaily"),
						specField("tuesday", "parameters", "maintenance", "dayOfWeek"),
						specField("03:00:00", "parameters", "maintenance", "timeOfDay"),
						statusMatches(`^30 2 \* \* \*$`, "schedules", "backup"),
						statusMatches(`^tuesday$`, "schedules", "maintenance", "dayOfWeek")),
				},
			},
			resource.TestStep{
				Config: base + block("data", "appcat_backups", "test", ref...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.appcat_backups.test", tfjsonpath.New("backups"), knownvalue.ListSizeExact(0)),
				},
			},
		)
	})

	t.Run("database users and metrics refuse a Nextcloud instance at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		ref := []string{`kind = "nextcloud"`, `instance_id = "` + ns + `/files"`}
		refused := func(lacks string) string {
			return wrapped(regexp.QuoteMeta(`Attribute kind value must be one of: [`) + `[^]]*` + regexp.QuoteMeta(`], got: "nextcloud". Nextcloud instances have no `+lacks))
		}
		k.test(t,
			resource.TestStep{Config: adminProvider(ns) + block("resource", "appcat_database_user", "test", append(ref, `user = "app"`)...),
				PlanOnly: true, ExpectError: regexp.MustCompile(refused("database users"))},
			resource.TestStep{Config: adminProvider(ns) + block("data", "appcat_metrics_endpoint", "test", ref...),
				PlanOnly: true, ExpectError: regexp.MustCompile(refused("metrics targets"))},
		)
	})

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 1) })
}
