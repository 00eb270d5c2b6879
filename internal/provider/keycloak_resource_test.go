package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var keycloakAcc = accKind{resourceType: "appcat_keycloak", displayName: "Keycloak", api: appcat.Keycloak, namePrefix: "kc"}

// keycloakHost matches the KEYCLOAK_HOST of an instance named name: the chart's HTTP service,
// named after the composite.
func keycloakHost(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + name + `-[a-z]{5}-keycloakx-http\.` + keycloakAcc.instanceNamespace(name) + `\.svc\.cluster\.local$`)
}

func TestAccKeycloak(t *testing.T) {
	k := keycloakAcc

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		host := keycloakHost(name)
		updated := []string{"deletion_protection = false", `plan = "standard-4"`, `disk = "20Gi"`, `memory = "6Gi"`,
			"instances = 2", `service_level = "guaranteed"`, `fqdn = "sso.example.com"`, `relative_path = "/auth"`,
			"admin_console_private = true", `admin_console_fqdn = "sso-admin.example.com"`,
			`customization_image = "registry.example.com/theme:1"`, `customization_image_pull_secret = "registry"`,
			`custom_files = [{ source = "/data/import", destination = "data/import" }]`,
			`custom_configuration_config_map = "realm"`,
			`env_from = [{ config_map = "kc-env" }, { secret = "kc-secrets" }]`,
			`custom_mounts = [{ name = "truststore", type = "secret" }]`,
			`postgresql_version = "16"`, "postgresql_instances = 2", `postgresql_disk = "30Gi"`,
			`postgresql_settings = { max_connections = "200" }`, "tls_auth_clients = false",
			`labels = { team = "identity" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("26")),
					k.stateIs("current_version", knownvalue.StringExact("26")), // status.currentReleaseTag
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("standard-2")),
					k.stateIs("relative_path", knownvalue.StringExact("/")),
					k.stateIs("fqdn", knownvalue.Null()),
					k.stateIs("admin_console_private", knownvalue.Bool(false)),
					k.stateIs("postgresql_version", knownvalue.StringExact("15")),
					k.stateIs("postgresql_instances", knownvalue.Int64Exact(1)),
					k.stateIs("tls_enabled", knownvalue.Bool(true)),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(false)),
					k.stateIs("restore", knownvalue.Null()),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+k.instanceNamespace(name)+`$`))),
					// Every key the composition writes and the XRD lets through, and nothing else.
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("username", knownvalue.StringExact("admin")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("ca_certificate", knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
					k.connectionIs("url", knownvalue.Null()),
					k.connectionIs("port", knownvalue.Null()),
					k.connectionIs("database", knownvalue.Null()),
					k.connectionIs("client_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField(name+"-connection", "writeConnectionSecretToRef", "name"),
						specField("26", "parameters", "service", "version"),
						specField("/", "parameters", "service", "relativePath"),
						specField("15", "parameters", "service", "postgreSQLParameters", "service", "majorVersion"),
						specField(int64(1), "parameters", "service", "postgreSQLParameters", "instances"),
						specField(int64(1), "parameters", "instances"),
						statusMatches(`^[a-z]+day$`, "schedules", "maintenance", "dayOfWeek")),
				},
			},
			{
				// Everything of Keycloak's own changes in place; the connection stays.
				Config: k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("host"), knownvalue.StringRegexp(host))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("relative_path", knownvalue.StringExact("/auth")),
					k.stateIs("postgresql_version", knownvalue.StringExact("16")),
					k.connectionIs("host", knownvalue.StringRegexp(host)),
					k.connectionIs("username", knownvalue.StringExact("admin")),
					claimConverged(t, k.api, ns, name,
						specField("standard-4", "parameters", "size", "plan"),
						specField("20Gi", "parameters", "size", "disk"),
						specField("6Gi", "parameters", "size", "memory"),
						specField(int64(2), "parameters", "instances"),
						specField("guaranteed", "parameters", "service", "serviceLevel"),
						specField("sso.example.com", "parameters", "service", "fqdn"),
						specField("/auth", "parameters", "service", "relativePath"),
						specField(true, "parameters", "service", "adminConsole", "private"),
						specField("sso-admin.example.com", "parameters", "service", "adminConsole", "fqdn"),
						specField("registry.example.com/theme:1", "parameters", "service", "customizationImage", "image"),
						specField("registry", "parameters", "service", "customizationImage", "imagePullSecretRef", "name"),
						specField("[map[destination:data/import source:/data/import]]", "parameters", "service", "customFiles"),
						specField("realm", "parameters", "service", "customConfigurationRef"),
						specField("[map[configMapRef:map[name:kc-env]] map[secretRef:map[name:kc-secrets]]]", "parameters", "service", "envFrom"),
						specField("[map[name:truststore type:secret]]", "parameters", "service", "customMounts"),
						specField("16", "parameters", "service", "postgreSQLParameters", "service", "majorVersion"),
						specField(int64(2), "parameters", "service", "postgreSQLParameters", "instances"),
						specField("30Gi", "parameters", "service", "postgreSQLParameters", "size", "disk"),
						specField("map[max_connections:200]", "parameters", "service", "postgreSQLParameters", "service", "pgSettings"),
						specField(false, "parameters", "tls", "authClients"),
						labelIs("team", "identity")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("version upgrade needs the guard", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{
				Config:            k.config(ns, name, "deletion_protection = false", `version = "25"`),
				ConfigStateChecks: []statecheck.StateCheck{k.stateIs("current_version", knownvalue.StringExact("25"))},
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `version = "26"`),
				PlanOnly:    true,
				ExpectError: majorUpgradeRefused("Keycloak", "25", "26"),
			},
			resource.TestStep{
				Config:            k.config(ns, name, "deletion_protection = false", `version = "26"`, allowMajor),
				ConfigPlanChecks:  k.upgradePlan(),
				ConfigStateChecks: k.upgraded(t, ns, name, "26", "service", "version"),
			},
		)
	})

	t.Run("volumes only grow, PostgreSQL only goes up", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		base := []string{"deletion_protection = false", `disk = "20Gi"`, `postgresql_disk = "30Gi"`, `postgresql_version = "16"`}
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, base...)},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "10Gi"`, `postgresql_disk = "30Gi"`, `postgresql_version = "16"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "10Gi"`),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "20Gi"`, `postgresql_disk = "20Gi"`, `postgresql_version = "16"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*postgresql_disk\s+= "20Gi"`),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "20Gi"`, `postgresql_disk = "30Gi"`, `postgresql_version = "15"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`PostgreSQL version cannot go down.*runs version 16`)),
			},
		)
	})

	t.Run("drift is detected and repaired", func(t *testing.T) { k.driftIsRepaired(t, 3) })

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("k", 28), want: `Attribute name string length must be between 1 and 27`},
			{lines: []string{`version = "24"`}, want: `(?s)Attribute version value must be one of`},
			{lines: []string{`instances = 4`}, want: `(?s)Attribute instances value must be between 0 and 3`},
			{lines: []string{`service_level = "guaranteed"`}, want: `(?s)guaranteed.*instances`},
			{lines: []string{`plan = "standard-16"`}, want: `(?s)Plan\s+"standard-16"\s+is\s+not\s+offered\s+on\s+this\s+cluster`},
			{lines: []string{`disk = "lots"`}, want: `(?s)Invalid size.*disk = "lots"`},
			{lines: []string{`fqdn = "not a host"`}, want: `(?s)Attribute fqdn must be a host name`},
			{lines: []string{`relative_path = "auth"`}, want: `(?s)Attribute relative_path must start with /`},
			{lines: []string{`postgresql_version = "11"`}, want: `(?s)Attribute postgresql_version value must be one of`},
			{lines: []string{`postgresql_instances = 0`}, want: `(?s)Attribute postgresql_instances value must be between 1 and 3`},
			{lines: []string{`custom_files = [{ source = "/a", destination = "data/a" }]`}, want: wrapped(`Custom files need a customization image`)},
			{lines: []string{`customization_image = "img:1"`, `custom_files = [{ source = "/a", destination = "/themes/a" }]`},
				want: wrapped(`Invalid custom file destination.*lies in Keycloak's own folder "themes"`)},
			{lines: []string{`customization_image = "img:1"`, `custom_files = [{ source = "/a", destination = "data/../../etc" }]`},
				want: wrapped(`Invalid custom file destination.*no path traversal`)},
			{lines: []string{`custom_mounts = [{ name = "x", type = "volume" }]`}, want: `(?s)value must be one of`},
			{lines: []string{`env_from = [{ config_map = "a", secret = "b" }]`}, want: `(?s)Invalid Attribute Combination`},
			// The nested PostgreSQL instance on CloudNativePG recovers from the continuous backup.
			{lines: []string{`restore = { source_instance = "other", backup_name = "other-abcde-pg-20260501" }`},
				want: wrapped(`backup_name is not used by Keycloak.*Remove restore.backup_name`)},
		})
	})

	t.Run("maintenance window attaches", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t, resource.TestStep{
			Config: adminProvider(ns) + k.instance("test", name) +
				block("resource", "appcat_maintenance_window", "test", append(k.attachedTo("test"), `day_of_week = "wednesday"`, `time_of_day = "23:00:00"`)...),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(windowAddr, tfjsonpath.New("effective_day_of_week"), knownvalue.StringExact("wednesday")),
				claimConverged(t, k.api, ns, name,
					specField("wednesday", "parameters", "maintenance", "dayOfWeek"),
					statusMatches(`^23:00:00$`, "schedules", "maintenance", "timeOfDay")),
			},
		})
	})

	t.Run("backups, backup policy and restore", func(t *testing.T) {
		ns, src, restored := testNamespace(t), k.name(), k.name()
		var c1, c2, at1, backup1 string
		policyAt := "appcat_backup_policy.src"
		instance := adminProvider(ns) + k.instance("src", src, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed))
		policy := func(lines ...string) string {
			return block("resource", "appcat_backup_policy", "src", append(k.attachedTo("src"), lines...)...)
		}
		backups := block("data", "appcat_backups", "src", `kind = "keycloak"`, "instance_id = "+k.ref("src", "id"))
		withRestore := `
variable "recovery_timestamp" { type = string }
` + k.instance("restored", restored, "restore = {", `  source_instance = `+k.ref("src", "name"), `  recovery_timestamp = var.recovery_timestamp`, "}")
		updated := policy(`schedule = "0 */6 * * *"`, `keep_daily = 3`)
		restoredAddr := k.addrOf("restored")
		k.test(t,
			resource.TestStep{
				// The schedule and keep_daily, which the platform passes on to Keycloak's PostgreSQL.
				Config: instance + policy(backupEveryPlatformMinute, `keep_daily = 100`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyAt, tfjsonpath.New("effective_schedule"), knownvalue.StringExact("* * * * *")),
					claimConverged(t, k.api, ns, src,
						specField("* * * * *", "parameters", "backup", "schedule"),
						specField(int64(100), "parameters", "backup", "retention", "keepDaily"),
						statusMatches(`^\* \* \* \* \*$`, "schedules", "backup")),
				},
			},
			resource.TestStep{
				// Data written and backed up, then changed. The backups are listed under the names
				// of the nested PostgreSQL instance's backups, "<composite>-pg-…".
				PreConfig: func() {
					m1 := writeData(t, k.api, ns, src, "realm v1")
					c1, at1 = m1.Checksum, m1.UpdatedAt
					backup1 = backupHolding(t, k.api, ns, src, c1)
					c2 = writeData(t, k.api, ns, src, "realm v2").Checksum
				},
				Config: instance + policy(backupEveryPlatformMinute, `keep_daily = 100`) + backups,
				ConfigStateChecks: []statecheck.StateCheck{
					backupsListed("data.appcat_backups.src", &backup1),
					statecheck.ExpectKnownValue("data.appcat_backups.src", tfjsonpath.New("backups").AtSliceIndex(0).AtMapKey("name"),
						knownvalue.StringRegexp(regexp.MustCompile(`^`+src+`-[a-z0-9]{5}-pg-`))),
				},
			},
			resource.TestStep{
				// The policy changes in place; the instance is untouched.
				Config: instance + updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAt, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(k.addrOf("src"), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, src,
						specField("0 */6 * * *", "parameters", "backup", "schedule"),
						specField(int64(3), "parameters", "backup", "retention", "keepDaily"),
						statusMatches(`^0 \*/6 \* \* \*$`, "schedules", "backup"),
						blockOwnedOnlyBy("backup", policyManager)),
				},
			},
			// Import by the instance's ID verifies every attribute; an import block plans no change.
			resource.TestStep{ResourceName: policyAt, ImportState: true, ImportStateId: ns + "/" + src, ImportStateVerify: true},
			resource.TestStep{
				Config: instance + updated, ResourceName: policyAt, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: "keycloak:" + ns + "/" + src,
			},
			resource.TestStep{
				// A new Keycloak restored to the time of the first write holds that data, not the
				// later change.
				Config:          instance + updated + withRestore,
				ConfigVariables: config.Variables{"recovery_timestamp": lateString{&at1}},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(restoredAddr, tfjsonpath.New("restore"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"source_instance":    knownvalue.StringExact(src),
						"backup_name":        knownvalue.Null(),
						"recovery_timestamp": stringIs{&at1},
					})),
					claimConverged(t, k.api, ns, restored,
						specField(src, "parameters", "restore", "claimName"),
						specFieldIs(&at1, "parameters", "restore", "recoveryTimeStamp"),
						specAbsent("parameters", "restore", "claimType"),
						dataChecksumIs(t, &c1), dataChecksumIsNot(t, &c2)),
				},
			},
			resource.TestStep{
				// Removing the policy gives the block back: the platform's defaults apply again.
				Config:          instance + withRestore,
				ConfigVariables: config.Variables{"recovery_timestamp": lateString{&at1}},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAt, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(k.addrOf("src"), plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(restoredAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, src,
						specAbsent("parameters", "backup", "schedule"),
						specField(int64(6), "parameters", "backup", "retention", "keepDaily"),
						statusMatches(randomDailySchedule, "schedules", "backup"),
						managerAbsent(policyManager)),
				},
			},
		)
	})

	t.Run("backup settings the platform does not pass on are refused at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		ref := []string{`kind = "keycloak"`, `instance_id = "` + ns + `/sso"`}
		var steps []resource.TestStep
		for _, c := range []struct {
			line, want string
		}{
			{`keep_last = 5`, `keep_last is not used for Keycloak.*schedule and keep_daily alone`},
			{`keep_weekly = 4`, `keep_weekly is not used for Keycloak`},
			{`enabled = false`, `Backups cannot be turned off for Keycloak`},
		} {
			steps = append(steps, resource.TestStep{Config: adminProvider(ns) + block("resource", "appcat_backup_policy", "test", append(ref, c.line)...),
				PlanOnly: true, ExpectError: regexp.MustCompile(wrapped(c.want))})
		}
		k.test(t, steps...)
	})

	t.Run("users and metrics refuse a Keycloak instance at plan time", func(t *testing.T) {
		k.test(t, k.refusedAttachments(testNamespace(t),
			refusal{"resource", "appcat_database_user", []string{`user = "app"`}, "database users"},
			refusal{"data", "appcat_metrics_endpoint", nil, "metrics targets"})...)
	})

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 1) })
}
