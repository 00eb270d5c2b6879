package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var minioAcc = accKind{resourceType: "appcat_minio", displayName: "MinIO", api: appcat.MinIO, namePrefix: "minio"}

// minioURL is the MINIO_URL the platform writes: http://<cluster IP>:9000.
var minioURL = regexp.MustCompile(`^http://\d+\.\d+\.\d+\.\d+:9000$`)

func TestAccMinIO(t *testing.T) {
	k := minioAcc

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		updated := []string{"deletion_protection = false", `disk = "80Gi"`, `cpu = "1500m"`, `memory = "2Gi"`,
			`cpu_request = "500m"`, `memory_request = "1Gi"`, `mode = "standalone"`, "instances = 6",
			"allow_all_namespaces = false", `allowed_namespaces = ["shop"]`, `labels = { team = "files" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false", `storage_class = "ssd"`),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("instances", knownvalue.Int64Exact(4)),
					k.stateIs("mode", knownvalue.StringExact("distributed")),
					k.stateIs("plan", knownvalue.StringExact("standard-1")),
					k.stateIs("storage_class", knownvalue.StringExact("ssd")),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(true)), // MinIO's default
					k.stateIs("restore", knownvalue.Null()),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+k.instanceNamespace(name)+`$`))),
					// Every key the composition writes, and nothing else.
					k.connectionIs("url", knownvalue.StringRegexp(minioURL)),
					k.connectionIs("access_key_id", knownvalue.NotNull()),
					k.connectionIs("secret_access_key", knownvalue.NotNull()),
					k.connectionIs("host", knownvalue.Null()),
					k.connectionIs("username", knownvalue.Null()),
					k.connectionIs("password", knownvalue.Null()),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField(name+"-connection", "writeConnectionSecretToRef", "name"),
						specField("distributed", "parameters", "service", "mode"),
						specField("ssd", "parameters", "storageClass"),
						specField(true, "parameters", "security", "allowAllNamespaces"),
						specField(int64(4), "parameters", "instances")),
				},
			},
			{
				// Size, mode, instances and access change in place; the connection stays.
				Config: k.config(ns, name, append(updated, `storage_class = "ssd"`)...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("url"), knownvalue.StringRegexp(minioURL))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("mode", knownvalue.StringExact("standalone")),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(false)),
					claimConverged(t, k.api, ns, name,
						specField("80Gi", "parameters", "size", "disk"),
						specField("1500m", "parameters", "size", "cpu"),
						specField("2Gi", "parameters", "size", "memory"),
						specField("500m", "parameters", "size", "requests", "cpu"),
						specField("1Gi", "parameters", "size", "requests", "memory"),
						specField("standalone", "parameters", "service", "mode"),
						specField(int64(6), "parameters", "instances"),
						specField(false, "parameters", "security", "allowAllNamespaces"),
						specField("[shop]", "parameters", "security", "allowedNamespaces"),
						labelIs("team", "files")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, append(updated, `storage_class = "ssd"`)...))...)...)
	})

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("m", 38), want: `Attribute name string length must be between 1 and 37`},
			{lines: []string{`version = "2024"`}, want: notInSchema("version")},
			{lines: []string{`service_level = "guaranteed"`}, want: notInSchema("service_level")},
			{lines: []string{`node_selector = { "appuio.io/node-class" = "plus" }`}, want: notInSchema("node_selector")},
			{lines: []string{`additional_resources_config_map = "extra"`}, want: notInSchema("additional_resources_config_map")},
			{lines: []string{`instances = 3`}, want: `(?s)Attribute instances value must be at least 4`},
			{lines: []string{`mode = "gateway"`}, want: `(?s)Attribute mode value must be one of`},
			{lines: []string{`plan = "standard-2"`}, want: `(?s)Plan\s+"standard-2"\s+is\s+not\s+offered\s+on\s+this\s+cluster.*standard-1\s+\(1\s+CPU,\s+1Gi\s+memory,\s+50Gi\s+disk`},
			{lines: []string{`disk = "-10Gi"`}, want: `(?s)Invalid size.*disk = "-10Gi"`},
			{lines: []string{`restore = { source_instance = "other" }`}, want: wrapped(`No restore for MinIO.*MinIO instances have no backups, so the platform cannot create one from a backup.*Remove restore`)},
		})
	})

	t.Run("the disk only grows", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, "deletion_protection = false", `disk = "60Gi"`)},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "50Gi"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "50Gi"`),
			},
		)
	})

	t.Run("maintenance window attaches, backups and users are refused", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		steps := k.refusedAttachments(ns,
			refusal{"resource", "appcat_backup_policy", nil, "backups"},
			refusal{"resource", "appcat_database_user", []string{`user = "app"`}, "database users"},
			refusal{"data", "appcat_backups", nil, "backups"})
		steps = append(steps, resource.TestStep{
			Config: adminProvider(ns) + k.instance("test", name) +
				block("resource", "appcat_maintenance_window", "test", append(k.attachedTo("test"), `day_of_week = "tuesday"`, `time_of_day = "22:30:00"`)...),
			ConfigStateChecks: []statecheck.StateCheck{
				windowIs("effective_day_of_week", knownvalue.StringExact("tuesday")),
				claimConverged(t, k.api, ns, name,
					specField("tuesday", "parameters", "maintenance", "dayOfWeek"),
					statusMatches(`^tuesday$`, "schedules", "maintenance", "dayOfWeek")),
			},
		})
		k.test(t, steps...)
	})

	t.Run("appcat_connection reads the credentials", func(t *testing.T) { minioConnectionEphemeral(t) })

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 4) })
}

// minioConnectionEphemeral: appcat_connection takes kind "minio" and hands out the endpoint and
// the S3 credentials.
func minioConnectionEphemeral(t *testing.T) {
	ns, name := testNamespace(t), minioAcc.name()
	testAccPreCheck(t)
	_, secret := readyClaim(t, appcat.MinIO, ns, name, appcat.MinIOParameters{Security: unprotected()})
	echoConnection(t, "minio", ns, name, map[string]string{
		"url":               "ephemeral.appcat_connection.c.url",
		"access_key_id":     "ephemeral.appcat_connection.c.access_key_id",
		"secret_access_key": "ephemeral.appcat_connection.c.secret_access_key",
		"no_password":       "ephemeral.appcat_connection.c.password == null",
	}, map[string]knownvalue.Check{
		"url":               knownvalue.StringExact(string(secret["MINIO_URL"])),
		"access_key_id":     knownvalue.StringExact(string(secret["AWS_ACCESS_KEY_ID"])),
		"secret_access_key": knownvalue.StringExact(string(secret["AWS_SECRET_ACCESS_KEY"])),
		"no_password":       knownvalue.Bool(true),
	})
}
