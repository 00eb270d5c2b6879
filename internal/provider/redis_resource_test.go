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

var redisAcc = accKind{resourceType: "appcat_redis", displayName: "Redis", api: appcat.Redis, namePrefix: "redis"}

func TestAccRedis(t *testing.T) {
	k := redisAcc
	pem := func(kind string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(`-----BEGIN ` + kind))
	}

	t.Run("create, update in place, HA switch, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		instNS := k.instanceNamespace(name)
		single := regexp.MustCompile(`^redis-headless\.` + instNS + `\.svc\.cluster\.local$`)
		master := regexp.MustCompile(`^redis-master\.` + instNS + `\.svc\.cluster\.local$`)
		updated := []string{"deletion_protection = false", `version = "8.0"`, `plan = "standard-2"`, `memory_limits = "2Gi"`,
			`cpu_requests = "250m"`, `disk = "20Gi"`, `redis_settings = "maxmemory-policy allkeys-lru"`}
		ha := slices.Concat(updated, []string{"instances = 3", `service_level = "guaranteed"`})
		noClientCerts := slices.Concat(ha, []string{"tls_auth_clients = false"})
		k.test(t, append([]resource.TestStep{
			{
				Config: k.config(ns, name, "deletion_protection = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
					k.stateIs("version", knownvalue.StringExact("7.2")),
					k.stateIs("current_version", knownvalue.StringExact("7.2")), // status.currentReleaseTag
					k.stateIs("instances", knownvalue.Int64Exact(1)),
					k.stateIs("plan", knownvalue.StringExact("standard-1")),
					k.stateIs("tls_enabled", knownvalue.Bool(true)),
					k.stateIs("tls_auth_clients", knownvalue.Bool(true)),
					k.stateIs("instance_namespace", knownvalue.StringRegexp(regexp.MustCompile(`^`+instNS+`$`))),
					k.stateIs("connection_secret_name", knownvalue.StringExact(name+"-connection")),
					k.connectionIs("host", knownvalue.StringRegexp(single)),
					k.connectionIs("port", knownvalue.Int64Exact(6379)),
					k.connectionIs("username", knownvalue.StringExact("default")),
					k.connectionIs("password", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					k.connectionIs("url", knownvalue.StringRegexp(regexp.MustCompile(`^rediss://default:.+@redis-headless\..+:6379$`))),
					k.connectionIs("ca_certificate", pem("CERTIFICATE")),
					k.connectionIs("client_certificate", pem("CERTIFICATE")), // TLS client authentication is on by default
					k.connectionIs("client_key", knownvalue.StringRegexp(regexp.MustCompile(`PRIVATE KEY-----`))),
					k.connectionIs("sentinel_hosts", knownvalue.Null()),
					k.connectionIs("database", knownvalue.Null()),
					claimConverged(t, k.api, ns, name, specField(name+"-connection", "writeConnectionSecretToRef", "name")),
				},
			},
			{
				// Size, settings and an upgrade change in place and keep the connection details.
				// 7.2 → 8.0 is a major upgrade: allowed for this apply only, as a user would.
				Config: k.config(ns, name, slices.Concat(updated, []string{"allow_major_version_upgrade = true"})...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("host"), knownvalue.StringRegexp(single))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("current_version", knownvalue.StringExact("8.0")),
					k.stateIs("redis_settings", knownvalue.StringExact("maxmemory-policy allkeys-lru")),
					k.connectionIs("host", knownvalue.StringRegexp(single)),
					claimConverged(t, k.api, ns, name,
						specField("8.0", "parameters", "service", "version"),
						specField("standard-2", "parameters", "size", "plan"),
						specField("2Gi", "parameters", "size", "memoryLimits"),
						specField("250m", "parameters", "size", "cpuRequests"),
						specField("20Gi", "parameters", "size", "disk"),
						specField("maxmemory-policy allkeys-lru", "parameters", "service", "redisSettings")),
				},
			},
			{
				// Three instances switch to Sentinel in place: the host moves and the sentinels
				// appear in the connection details.
				Config: k.config(ns, name, ha...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("connection_details"))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("instances", knownvalue.Int64Exact(3)),
					// As AppCat writes them (vshnredis/redis_deploy.go): the master service, and
					// the nodes' host names without ports.
					k.connectionIs("host", knownvalue.StringRegexp(master)),
					k.connectionIs("url", knownvalue.StringRegexp(regexp.MustCompile(`^rediss://default:.+@redis-master\..+:6379$`))),
					k.connectionIs("sentinel_hosts", knownvalue.StringRegexp(regexp.MustCompile(
						`^redis-node-0\.redis-headless\.`+instNS+`\.svc\.cluster\.local,redis-node-1\.redis-headless\.`+instNS+
							`\.svc\.cluster\.local,redis-node-2\.redis-headless\.`+instNS+`\.svc\.cluster\.local$`))),
					claimConverged(t, k.api, ns, name,
						specField(int64(3), "parameters", "instances"),
						specField("guaranteed", "parameters", "service", "serviceLevel")),
				},
			},
			{
				// Without client authentication AppCat still writes the client certificate, and
				// the URL stays rediss://: the connection details do not change.
				Config: k.config(ns, name, noClientCerts...),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("connection_details").AtMapKey("host"), knownvalue.StringRegexp(master))),
				ConfigStateChecks: []statecheck.StateCheck{
					k.connectionIs("client_certificate", pem("CERTIFICATE")),
					k.connectionIs("client_key", knownvalue.StringRegexp(regexp.MustCompile(`PRIVATE KEY-----`))),
					k.connectionIs("url", knownvalue.StringRegexp(regexp.MustCompile(`^rediss://default:.+@redis-master\..+:6379$`))),
					k.connectionIs("ca_certificate", pem("CERTIFICATE")),
					claimConverged(t, k.api, ns, name, specField(false, "parameters", "tls", "authClients")),
				},
			},
		}, k.importSteps(ns, name, k.config(ns, name, noClientCerts...))...)...)
	})

	t.Run("drift is detected and repaired", func(t *testing.T) { k.driftIsRepaired(t, 3) })

	t.Run("deletion protection refuses destroy", k.deletionProtectionRefusesDestroy)

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		k.rejectedAtPlanTime(t, []badInput{
			{name: strings.Repeat("r", 38), want: `Attribute name string length must be between 1 and 37`},
			{lines: []string{`instances = 2`}, want: `(?s)Attribute instances value must be one of.*2`},
			{lines: []string{`version = "6.2"`}, want: `(?s)Attribute version value must be one of`},
			{lines: []string{`plan = "standard-8"`}, want: `(?s)Plan\s+"standard-8"\s+is\s+not\s+offered\s+on\s+this\s+cluster.*standard-4\s+\(1\s+CPU,\s+4Gi\s+memory`},
			{lines: []string{`plan = "Standard 8"`}, want: `(?s)Attribute plan must be a plan name`},
			{lines: []string{`memory_limits = "lots"`}, want: `(?s)Invalid size.*memory_limits = "lots"`},
			{lines: []string{`disk = "-10Gi"`}, want: `(?s)Invalid size.*disk = "-10Gi".*"-10Gi" is not a size: it must be greater than zero`},
			{lines: []string{`memory_limits = "-1Gi"`}, want: `(?s)Invalid size.*memory_limits = "-1Gi"`},
			{lines: []string{`cpu_limits = "0"`}, want: `(?s)Invalid size.*cpu_limits = "0"`},
			{lines: []string{`cpu_requests = "-250m"`}, want: `(?s)Invalid size.*cpu_requests = "-250m"`},
			{lines: []string{`service_level = "guaranteed"`}, want: `(?s)Service level guaranteed needs high availability.*needs at least 3\s+instances`},
			{lines: []string{`redis_settings = ""`}, want: `(?s)Attribute redis_settings string length must be at least 1`},
		})
	})

	t.Run("disk shrink and downgrade are rejected at plan time", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		k.test(t,
			resource.TestStep{Config: k.config(ns, name, "deletion_protection = false", `disk = "20Gi"`, `version = "8.0"`)},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "16Gi"`, `version = "8.0"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Disk cannot shrink.*disk\s+= "16Gi"`),
			},
			resource.TestStep{
				Config:      k.config(ns, name, "deletion_protection = false", `disk = "20Gi"`, `version = "7.2"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Version downgrade not possible.*from 8.0 to 7.2`),
			},
		)
	})

	t.Run("data source reads an existing instance", func(t *testing.T) { k.dataSourceReadsInstance(t, 3) })
}
