package provider

import (
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

var mariadbAcc = accKind{resourceType: "appcat_mariadb", displayName: "MariaDB", api: appcat.MariaDB, namePrefix: "maria"}

func TestAccMariaDB(t *testing.T) {
	k := mariadbAcc

	t.Run("create, update in place, HA switch, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		instNS := k.instanceNamespace(name)
		single := regexp.MustCompile(`^mariadb\.` + instNS + `\.svc\.cluster\.local$`)
		proxysql := regexp.MustCompile(`^proxysql\.` + instNS + `\.svc\.cluster\.local$`)
		updated := []string{"deletion_protection = false", `plan = "standard-2"`, `disk = "30Gi"`, `cpu_request = "500m"`,
			`mariadb_settings = "max_connections = 500"`, `storage_class = "ssd"`,
			`proxysql_cpu_request = "50m"`, `proxysql_memory_limit = "256Mi"`}
		ha := slices.Concat(updated, []string{"instances = 3", `service_level = "guaranteed"`})
		loadBalanced := slices.Concat(ha, []string{`service_type = "LoadBalancer"`, `ip_filter = ["203.0.113.0/24"]`})
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("11.8")),
					// A new instance runs the "11.8" image tag, from which AppCat writes no
					// status.mariadbVersion (only from x.y.z tags): no version reported yet.
					k.stateIs("current_version", knownvalue.Null()),
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("standard-1")),
					k.stateIs("service_type", knownvalue.StringExact("ClusterIP")),
					k.stateIs("ip_filter", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("0.0.0.0/0")})),
					k.stateIs("tls_enabled", knownvalue.Bool(true)),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+instNS+`$`))),
					k.stateIs("connection_secret_name", knownvalue.StringExact(name+"-connection")),
					k.connectionIs("host", knownvalue.StringRegexp(single)),
					k.connectionIs("port", knownvalue.Int64Exact(3306)),
					k.connectionIs("username", knownvalue.StringExact("root")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("url", knownvalue.StringRegexp(regexp.MustCompile(`^mysql://root:.+@mariadb\..+:3306$`))),
					k.connectionIs("ca_certificate", knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
					k.connectionIs("load_balancer_ip", knownvalue.Null()),
					claimConverged(t, k.api, ns, name, specField(name+"-connection", "writeConnectionSecretToRef", "name")),
				},
			},
			{
				// Size, settings and ProxySQL resources change in place and keep the connection details.
				Config: k.config(ns, name, updated...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("host"), knownvalue.StringRegexp(single))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("mariadb_settings", knownvalue.StringExact("max_connections = 500")),
					k.stateIs("proxysql_cpu_request", knownvalue.StringExact("50m")),
					k.stateIs("proxysql_cpu_limit", knownvalue.Null()),
					claimConverged(t, k.api, ns, name,
						specField("standard-2", "parameters", "size", "plan"),
						specField("30Gi", "parameters", "size", "disk"),
						specField("500m", "parameters", "size", "requests", "cpu"),
						specField("max_connections = 500", "parameters", "service", "mariadbSettings"),
						specField("ssd", "parameters", "storageClass"),
						specField("50m", "parameters", "service", "proxySQL", "resources", "requests", "cpu"),
						specField("256Mi", "parameters", "service", "proxySQL", "resources", "limits", "memory")),
				},
			},
			{
				// Three instances make a Galera cluster in place: clients now go through ProxySQL.
				Config: k.config(ns, name, ha...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("connection_details"))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(3)),
					k.connectionIs("host", knownvalue.StringRegexp(proxysql)),
					k.connectionIs("url", knownvalue.StringRegexp(regexp.MustCompile(`^mysql://root:.+@proxysql\..+:3306$`))),
					claimConverged(t, k.api, ns, name,
						specField(int64(3), "parameters", "instances"),
						specField("guaranteed", "parameters", "service", "serviceLevel")),
				},
			},
			{
				// A load balancer publishes its address in the connection details.
				Config: k.config(ns, name, loadBalanced...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("connection_details"))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.connectionIs("load_balancer_ip", knownvalue.StringRegexp(regexp.MustCompile(`^127\.\d+\.\d+\.\d+$`))),
					k.connectionIs("host", knownvalue.StringRegexp(proxysql)),
					claimConverged(t, k.api, ns, name,
						specField("LoadBalancer", "parameters", "network", "serviceType"),
						specField("[203.0.113.0/24]", "parameters", "network", "ipFilter")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, loadBalanced...))...)...)
	})

	t.Run("TLS cannot change on a cluster", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, "deletion_protection = false", "instances = 3")},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", "instances = 3", "tls_enabled = false"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)TLS cannot change on a MariaDB cluster.*tls_enabled\s+= false.*Set instances = 1`),
			},
			resource.TestStep{
				// On a single instance the same change is fine.
				Config:           k.config(ns, name, "deletion_protection = false", "instances = 1", "tls_enabled = false"),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("tls_enabled", knownvalue.Bool(false)),
					claimConverged(t, k.api, ns, name, specField(false, "parameters", "tls", "enabled")),
				},
			},
		)
	})

	t.Run("drift is detected and repaired", func(t *testing.T) { k.driftIsRepaired(t, 3) })

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("m", 31), want: `Attribute name string length must be between 1 and 30`},
			{lines: []string{`instances = 2`}, want: `(?s)Attribute instances value must be one of.*2`},
			{lines: []string{`version = "10.3"`}, want: `(?s)Attribute version value must be one of`},
			{lines: []string{`plan = "plus-2"`}, want: `(?s)Plan\s+"plus-2"\s+is\s+not\s+offered\s+on\s+this\s+cluster.*standard-8\s+\(2\s+CPU,\s+8Gi\s+memory`},
			{lines: []string{`proxysql_memory_limit = "lots"`}, want: `(?s)Invalid size.*proxysql_memory_limit = "lots"`},
			{lines: []string{`disk = "0Gi"`}, want: `(?s)Invalid size.*disk = "0Gi"`},
			{lines: []string{`memory_request = "-1Mi"`}, want: `(?s)Invalid size.*memory_request = "-1Mi"`},
			{lines: []string{`proxysql_cpu_request = "-50m"`}, want: `(?s)Invalid size.*proxysql_cpu_request = "-50m"`},
			{lines: []string{`service_level = "guaranteed"`}, want: `(?s)Service level guaranteed needs high availability.*needs at least 3\s+instances`},
			{lines: []string{`ip_filter = ["10.0.0.0/33"]`}, want: `(?s)Invalid IP range.*ip_filter`},
		})
	})

	t.Run("disk shrink and downgrade are rejected at plan time", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "11.4"`)},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "20Gi"`, `version = "11.4"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "20Gi"`),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "10.11"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Version downgrade not possible.*from 11.4 to 10.11`),
			},
			resource.TestStep{
				// An upgrade is an in-place update.
				Config:           k.config(ns, name, "deletion_protection = false", `disk = "40Gi"`, `version = "11.8"`),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("version", knownvalue.StringExact("11.8")),
					claimConverged(t, k.api, ns, name, specField("11.8", "parameters", "service", "version")),
				},
			},
		)
	})

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 3) })
}
