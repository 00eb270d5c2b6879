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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var garageAcc = accKind{resourceType: "appcat_garage", displayName: "Garage", api: appcat.Garage, namePrefix: "garage"}

// garageEndpoint matches the GARAGE_URL of an instance named name: the S3 endpoint, host:port.
func garageEndpoint(name string) *regexp.Regexp {
	return regexp.MustCompile(`^garage\.` + garageAcc.instanceNamespace(name) + `\.svc\.cluster\.local:3900$`)
}

// noSchedules checks that the platform reports no backup or maintenance schedules: Garage has neither.
func noSchedules(u *unstructured.Unstructured) error {
	if s, found, _ := unstructured.NestedFieldNoCopy(u.Object, "status", "schedules"); found {
		return fmt.Errorf("status.schedules = %v, want none", s)
	}
	return nil
}

func TestAccGarage(t *testing.T) {
	k := garageAcc

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		endpoint := garageEndpoint(name)
		updated := []string{"deletion_protection = false", `plan = "standard-4"`, `disk = "150Gi"`, `cpu = "1500m"`, `memory = "6Gi"`,
			`cpu_request = "500m"`, `memory_request = "2Gi"`, `metadata_storage = "10Gi"`, `service_level = "guaranteed"`,
			"allow_all_namespaces = false", `allowed_namespaces = ["shop"]`, `node_selector = { "appuio.io/node-class" = "plus" }`,
			`labels = { team = "files" }`}
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("2")),
					k.stateIs("current_version", knownvalue.Null()), // Garage reports no version
					k.stateIs("previous_version", knownvalue.Null()),
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("standard-2")),
					k.stateIs("metadata_storage", knownvalue.StringExact("5Gi")),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(true)), // Garage's default
					k.stateIs("service_level", knownvalue.StringExact("besteffort")),
					k.stateIs("restore", knownvalue.Null()),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+k.instanceNamespace(name)+`$`))),
					k.stateIs("connection_secret_name", knownvalue.StringExact(name+"-connection")),
					// Every key the composition writes: GARAGE_URL, and nothing else.
					k.connectionIs("url", knownvalue.StringRegexp(endpoint)),
					k.connectionIs("host", knownvalue.Null()),
					k.connectionIs("port", knownvalue.Null()),
					k.connectionIs("username", knownvalue.Null()),
					k.connectionIs("password", knownvalue.Null()),
					k.connectionIs("ca_certificate", knownvalue.Null()),
					k.connectionIs("client_certificate", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField(name+"-connection", "writeConnectionSecretToRef", "name"),
						specField("2", "parameters", "service", "version"),
						specField("5Gi", "parameters", "service", "metadataStorage"),
						specField(true, "parameters", "security", "allowAllNamespaces"),
						specField(int64(1), "parameters", "instances"),
						noSchedules),
				},
			},
			{
				// Size, metadata volume, service level and access change in place; the endpoint stays.
				Config: k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("url"), knownvalue.StringRegexp(endpoint))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("metadata_storage", knownvalue.StringExact("10Gi")),
					k.stateIs("allow_all_namespaces", knownvalue.Bool(false)),
					k.connectionIs("url", knownvalue.StringRegexp(endpoint)),
					claimConverged(t, k.api, ns, name,
						specField("standard-4", "parameters", "size", "plan"),
						specField("150Gi", "parameters", "size", "disk"),
						specField("1500m", "parameters", "size", "cpu"),
						specField("6Gi", "parameters", "size", "memory"),
						specField("500m", "parameters", "size", "requests", "cpu"),
						specField("2Gi", "parameters", "size", "requests", "memory"),
						specField("10Gi", "parameters", "service", "metadataStorage"),
						specField("guaranteed", "parameters", "service", "serviceLevel"),
						specField(false, "parameters", "security", "allowAllNamespaces"),
						specField("[shop]", "parameters", "security", "allowedNamespaces"),
						specField("map[appuio.io/node-class:plus]", "parameters", "scheduling", "nodeSelector"),
						labelIs("team", "files")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("instances are fixed and volumes only grow", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		base := []string{"deletion_protection = false", `disk = "60Gi"`, `metadata_storage = "10Gi"`}
		with := func(lines ...string) string { return k.config(ns, name, slices.Concat(base, lines)...) }
		k.test(t,
			resource.TestStep{
				Config: with("instances = 3"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(3)),
					claimConverged(t, k.api, ns, name, specField(int64(3), "parameters", "instances")),
				},
			},
			resource.TestStep{
				// The platform refuses it ("Scaling after creation is not supported"): so does the plan.
				Config:      with("instances = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`Instances cannot change after creation.*instances is 3 and stays so`)),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", "instances = 3", `disk = "50Gi"`, `metadata_storage = "10Gi"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "50Gi"`),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", "instances = 3", `disk = "60Gi"`, `metadata_storage = "5Gi"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*metadata_storage\s+= "5Gi"`),
			},
		)
	})

	t.Run("drift is detected and repaired", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		cfg := k.config(ns, name, "deletion_protection = false", `labels = { team = "files" }`)
		k.test(t,
			resource.TestStep{Config: cfg},
			resource.TestStep{
				PreConfig: func() {
					editClaimOutsideTerraform(t, k.api, ns, name, func(u *unstructured.Unstructured) {
						_ = unstructured.SetNestedField(u.Object, false, "spec", "parameters", "security", "allowAllNamespaces")
						_ = unstructured.SetNestedField(u.Object, "standard-8", "spec", "parameters", "size", "plan")
						u.SetLabels(map[string]string{"team": "ops", "added-by": "kubectl"})
					})
				},
				Config:           cfg,
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("allow_all_namespaces", knownvalue.Bool(true)),
					k.stateIs("plan", knownvalue.StringExact("standard-2")),
					claimConverged(t, k.api, ns, name,
						specField(true, "parameters", "security", "allowAllNamespaces"),
						specField("standard-2", "parameters", "size", "plan"),
						labelIs("team", "files"),
						labelIs("added-by", "kubectl")),
				},
			},
		)
	})

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("g", 46), want: `Attribute name string length must be between 1 and 45`},
			{lines: []string{`version = "1"`}, want: `(?s)Attribute version value must be one of`},
			{lines: []string{`instances = 0`}, want: `(?s)Attribute instances value must be at least 1`},
			{lines: []string{`service_level = "platinum"`}, want: `(?s)Attribute service_level value must be one of`},
			{lines: []string{`plan = "standard-16"`}, want: `(?s)Plan\s+"standard-16"\s+is\s+not\s+offered\s+on\s+this\s+cluster.*standard-8\s+\(2\s+CPU,\s+8Gi\s+memory,\s+200Gi\s+disk`},
			{lines: []string{`plan = "Standard 8"`}, want: `(?s)Attribute plan must be a plan name`},
			{lines: []string{`disk = "-10Gi"`}, want: `(?s)Invalid size.*disk = "-10Gi".*"-10Gi" is not a size: it must be greater than zero`},
			{lines: []string{`cpu = "0"`}, want: `(?s)Invalid size.*cpu = "0"`},
			{lines: []string{`memory_request = "lots"`}, want: `(?s)Invalid size.*memory_request = "lots"`},
			{lines: []string{`metadata_storage = "0"`}, want: `(?s)Invalid size.*metadata_storage = "0"`},
			{lines: []string{`metadata_storage = "lots"`}, want: `(?s)Invalid size.*metadata_storage = "lots"`},
			{lines: []string{`restore = { source_instance = "other" }`}, want: wrapped(`No restore for Garage.*Garage instances have no backups, so the platform cannot create one from a backup.*Remove restore`)},
		})
	})

	t.Run("attached resources refuse a Garage instance at plan time", func(t *testing.T) {
		k.test(t, k.refusedAttachments(testNamespace(t),
			refusal{"resource", "appcat_backup_policy", nil, "backups"},
			refusal{"resource", "appcat_maintenance_window", []string{`day_of_week = "monday"`}, "maintenance window"},
			refusal{"resource", "appcat_database_user", []string{`user = "app"`}, "database users"},
			refusal{"data", "appcat_backups", nil, "backups"},
			refusal{"data", "appcat_metrics_endpoint", nil, "metrics targets"})...)
	})

	t.Run("appcat_connection reads the endpoint", func(t *testing.T) { garageConnectionEphemeral(t) })

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 1) })
}

// garageConnectionEphemeral: appcat_connection takes kind "garage" and hands out the endpoint,
// and nothing the composition does not write.
func garageConnectionEphemeral(t *testing.T) {
	ns, name := testNamespace(t), garageAcc.name()
	testAccPreCheck(t)
	_, secret := readyClaim(t, appcat.Garage, ns, name, appcat.GarageParameters{Security: unprotected()})
	echoConnection(t, "garage", ns, name, map[string]string{
		"url":         "ephemeral.appcat_connection.c.url",
		"secret_name": "ephemeral.appcat_connection.c.secret_name",
		"no_password": "ephemeral.appcat_connection.c.password == null",
		"no_ca":       "ephemeral.appcat_connection.c.ca_certificate == null",
	}, map[string]knownvalue.Check{
		"url":         knownvalue.StringExact(string(secret["GARAGE_URL"])),
		"secret_name": knownvalue.StringExact(name + "-connection"),
		"no_password": knownvalue.Bool(true),
		"no_ca":       knownvalue.Bool(true),
	})
	if got := string(secret["GARAGE_URL"]); !garageEndpoint(name).MatchString(got) {
		t.Errorf("GARAGE_URL = %q", got)
	}
}
