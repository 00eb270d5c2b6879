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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

const pgAddr = "appcat_postgresql.test"

var pgAcc = accKind{resourceType: "appcat_postgresql", displayName: "PostgreSQL", api: appcat.PostgreSQL, namePrefix: "pg"}

// pgConfig is an appcat_postgresql named "test" with the given attribute lines.
func pgConfig(namespace, name string, lines ...string) string {
	return pgAcc.config(namespace, name, lines...)
}

func TestAccPostgreSQL(t *testing.T) {
	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("pg")
		unprotected := "deletion_protection = false"
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: pgConfig(ns, name, unprotected),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+name)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("version"), knownvalue.StringExact("15")),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("current_version"), knownvalue.StringExact("15")),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("instance_namespace"),
							knownvalue.StringRegexp(regexp.MustCompile(`^vshn-postgresql-`+name+`-[a-z0-9]{5}$`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_secret_name"), knownvalue.StringExact(name+"-connection")),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("host"),
							knownvalue.StringRegexp(regexp.MustCompile(`^postgresql-rw\.vshn-postgresql-`+name+`-[a-z0-9]{5}\.svc\.cluster\.local$`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("port"), knownvalue.Int64Exact(5432)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("username"), knownvalue.StringExact("postgres")),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("database"), knownvalue.StringExact("postgres")),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("password"), knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("url"),
							knownvalue.StringRegexp(regexp.MustCompile(`^postgresql://postgres:.+@postgresql-rw\..+:5432/postgres$`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("ca_certificate"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("client_certificate"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("client_key"), knownvalue.StringRegexp(regexp.MustCompile(`PRIVATE KEY-----`))),
						claimConverged(t, appcat.PostgreSQL, ns, name,
							specField(appcat.CompositionPostgreSQLCNPG, "compositionRef", "name"),
							specField(name+"-connection", "writeConnectionSecretToRef", "name")),
					},
				},
				{
					Config: pgConfig(ns, name, unprotected,
						`settings = { max_connections = "200" }`, `plan = "standard-4"`, `instances = 2`, `disk = "50Gi"`, `replication_mode = "sync"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pgAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("instances"), knownvalue.Int64Exact(2)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("settings"), knownvalue.MapExact(map[string]knownvalue.Check{"max_connections": knownvalue.StringExact("200")})),
						claimConverged(t, appcat.PostgreSQL, ns, name,
							specField(int64(2), "parameters", "instances"),
							specField("standard-4", "parameters", "size", "plan"),
							specField("50Gi", "parameters", "size", "disk"),
							specField("200", "parameters", "service", "pgSettings", "max_connections"),
							specField("sync", "parameters", "replication", "mode")),
					},
				},
				{
					ResourceName:      pgAddr,
					ImportState:       true,
					ImportStateId:     ns + "/" + name,
					ImportStateVerify: true,
				},
				{
					// Importing with an import block plans no change at all: no diff, no replacement.
					Config: pgConfig(ns, name, unprotected,
						`settings = { max_connections = "200" }`, `plan = "standard-4"`, `instances = 2`, `disk = "50Gi"`, `replication_mode = "sync"`),
					ResourceName:    pgAddr,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   ns + "/" + name,
				},
			},
		})
	})

	t.Run("backend change replaces the instance", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("pg")
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: pgConfig(ns, name, "deletion_protection = false")},
				{
					Config: pgConfig(ns, name, "deletion_protection = false", `backend = "stackgres"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pgAddr, plancheck.ResourceActionReplace),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("backend"), knownvalue.StringExact("stackgres")),
						claimConverged(t, appcat.PostgreSQL, ns, name, specField(appcat.CompositionPostgreSQLStackGres, "compositionRef", "name")),
					},
				},
			},
		})
	})

	t.Run("drift is detected and repaired", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("pg")
		cfg := pgConfig(ns, name, "deletion_protection = false", `labels = { team = "shop" }`)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					PreConfig: func() {
						editClaimOutsideTerraform(t, appcat.PostgreSQL, ns, name, func(u *unstructured.Unstructured) {
							_ = unstructured.SetNestedField(u.Object, int64(3), "spec", "parameters", "instances")
							_ = unstructured.SetNestedField(u.Object, "16", "spec", "parameters", "service", "majorVersion")
							u.SetLabels(map[string]string{"team": "ops", "added-by": "kubectl"})
						})
					},
					Config: cfg,
					// The drift includes version 15 → 16; putting it back would be a downgrade,
					// which the plan refuses before anything changes, naming the attribute.
					ExpectError: regexp.MustCompile(`(?s)Version downgrade not possible.*from 16 to 15`),
				},
				{
					PreConfig: func() {
						editClaimOutsideTerraform(t, appcat.PostgreSQL, ns, name, func(u *unstructured.Unstructured) {
							_ = unstructured.SetNestedField(u.Object, int64(3), "spec", "parameters", "instances")
							u.SetLabels(map[string]string{"team": "ops", "added-by": "kubectl"})
						})
					},
					Config: pgConfig(ns, name, "deletion_protection = false", `labels = { team = "shop" }`, `version = "16"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pgAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("instances"), knownvalue.Int64Exact(1)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("shop")})),
						claimConverged(t, appcat.PostgreSQL, ns, name,
							specField(int64(1), "parameters", "instances"),
							labelIs("team", "shop"),
							labelIs("added-by", "kubectl")), // others' labels are left alone
					},
				},
				{
					PreConfig: func() { deleteClaimOutsideTerraform(t, appcat.PostgreSQL, ns, name) },
					Config:    pgConfig(ns, name, "deletion_protection = false", `labels = { team = "shop" }`, `version = "16"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pgAddr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{claimConverged(t, appcat.PostgreSQL, ns, name)},
				},
			},
		})
	})

	t.Run("deletion protection refuses destroy", pgAcc.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		pgAcc.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("a", 31), want: `Attribute name string length must be between 1 and 30`},
			{name: "Shop_DB", want: `(?s)Attribute name must consist of lowercase letters`},
			{lines: []string{`version = "11"`}, want: `(?s)Attribute version value must be one of`},
			{lines: []string{`instances = 4`}, want: `Attribute instances value must be between 0 and 3`},
			{lines: []string{`plan = "huge"`}, want: `(?s)Plan\s+"huge"\s+is\s+not\s+offered\s+on\s+this\s+cluster.*plus-2\s+\(400m\s+CPU`},
			{lines: []string{`disk = "lots"`}, want: `(?s)Invalid size.*disk = "lots"`},
			{lines: []string{`disk = "-10Gi"`}, want: `(?s)Invalid size.*disk = "-10Gi".*"-10Gi" is not a size: it must be greater than zero`},
			{lines: []string{`memory = "-1Gi"`}, want: `(?s)Invalid size.*memory = "-1Gi"`},
			{lines: []string{`cpu = "-1"`}, want: `(?s)Invalid size.*cpu = "-1"`},
			{lines: []string{`memory_request = "0"`}, want: `(?s)Invalid size.*memory_request = "0"`},
			{lines: []string{`service_level = "guaranteed"`}, want: `(?s)Service level guaranteed needs high availability.*needs at least 2\s+instances`},
			{lines: []string{`repack_enabled = false`, `vacuum_enabled = false`}, want: `(?s)Repack and vacuum cannot both be off.*repack_enabled`},
			{lines: []string{`ip_filter = ["10.0.0.0/33"]`}, want: `(?s)Invalid IP range.*ip_filter`},
			{lines: []string{`extensions = [{ name = "pgvector", image = "ghcr.io/example/pgvector:1" }]`}, want: `(?s)Extension images need CloudNativePG and PostgreSQL 18.*extensions\[0\]\.image`},
			{lines: []string{`backend = "crunchy"`}, want: `(?s)Attribute backend value must be one of`},
			{lines: []string{`labels = { "bad key!" = "x" }`}, want: wrapped(`Invalid label key.*Attribute labels: key "bad key!" is not a valid Kubernetes label key`)},
			{lines: []string{`labels = { team = "a b" }`}, want: wrapped(`Invalid label value.*Attribute labels: the value "a b" of key "team"`)},
			{lines: []string{`annotations = { "bad key!" = "x" }`}, want: wrapped(`Invalid annotation key.*Attribute annotations`)},
			{lines: []string{`node_selector = { "kubernetes.io/os" = "linux os" }`}, want: wrapped(`Invalid label value.*Attribute node_selector`)},
		})
	})

	t.Run("disk shrink and downgrade are rejected at plan time", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("pg")
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: pgConfig(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "16"`)},
				{
					Config:      pgConfig(ns, name, "deletion_protection = false", `disk = "20Gi"`, `version = "16"`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "20Gi"`),
				},
				{
					Config:      pgConfig(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "15"`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Version downgrade not possible.*version\s+= "15"`),
				},
				{
					// The same size written differently is no change.
					Config:   pgConfig(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "16"`),
					PlanOnly: true,
				},
			},
		})
	})

	t.Run("platform provisioning failure is reported with the platform's reason", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("fail")
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:      pgConfig(ns, name, "deletion_protection = false"),
					ExpectError: regexp.MustCompile(`(?s)did not become ready.*ReconcileError.*injected failure`),
				},
			},
		})
	})

	t.Run("create timeout leaves a tainted, tracked resource", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("pg")
		slow := pgConfig(ns, name, "deletion_protection = false",
			`annotations = { "local.appcat.vshn.io/provisioning-delay" = "1h" }`,
			`timeouts { create = "3s" }`)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:      slow,
					ExpectError: regexp.MustCompile(`(?s)timed out after .*waiting for VSHNPostgreSQL\s+` + ns + `/` + name + `.*reason\s+"Creating"`),
				},
				{
					// Tracked and tainted: the next plan replaces it (an orphan would be "create").
					Config: pgConfig(ns, name, "deletion_protection = false"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pgAddr, plancheck.ResourceActionReplace),
					}},
					ConfigStateChecks: []statecheck.StateCheck{claimConverged(t, appcat.PostgreSQL, ns, name)},
				},
			},
		})
	})

	t.Run("data source reads an existing instance", func(t *testing.T) { pgAcc.dataSourceReadsInstance(t, 2) })
}
