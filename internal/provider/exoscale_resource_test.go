package provider

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// exoscaleAcc is one Exoscale kind under test: what differs between them.
type exoscaleAcc struct {
	accKind
	kind exoscaleKind
	// connection are the connection_details the kind's secret fills, with checks on their values.
	connection map[string]knownvalue.Check
	// settings is a value of the kind's settings that Exoscale takes.
	settings string
	// otherPlan is a plan of the kind's catalog besides the default, for updates.
	otherPlan string
	// updatedConnection are checks on connection_details after the update to otherPlan.
	updatedConnection map[string]knownvalue.Check
}

var exoscalePostgreSQLAcc = exoscaleAcc{
	accKind: accKind{resourceType: "appcat_exoscale_postgresql", displayName: "Exoscale PostgreSQL", api: appcat.ExoscalePostgreSQL, namePrefix: "exopg"},
	kind:    exoscalePostgreSQL,
	connection: map[string]knownvalue.Check{
		"port":           knownvalue.Int64Exact(21699),
		"username":       knownvalue.StringExact("avnadmin"),
		"password":       knownvalue.NotNull(),
		"database":       knownvalue.StringExact("defaultdb"),
		"url":            knownvalue.StringRegexp(regexp.MustCompile(`^postgres://avnadmin:[^@]+@[^:]+:21699/defaultdb\?sslmode=require$`)),
		"ca_certificate": knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
	},
	settings:  `jsonencode({ timezone = "Europe/Zurich", max_connections = 200 })`,
	otherPlan: "hobbyist-2",
}

var exoscaleMySQLAcc = exoscaleAcc{
	accKind: accKind{resourceType: "appcat_exoscale_mysql", displayName: "Exoscale MySQL", api: appcat.ExoscaleMySQL, namePrefix: "exomy"},
	kind:    exoscaleMySQL,
	connection: map[string]knownvalue.Check{
		"port":           knownvalue.Int64Exact(21699),
		"username":       knownvalue.StringExact("avnadmin"),
		"password":       knownvalue.NotNull(),
		"database":       knownvalue.StringExact("defaultdb"),
		"url":            knownvalue.StringRegexp(regexp.MustCompile(`^mysql://avnadmin:[^@]+@[^:]+:21699/defaultdb\?ssl-mode=REQUIRED$`)),
		"ca_certificate": knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
	},
	settings:  `jsonencode({ sql_mode = "ANSI", max_allowed_packet = 67108864 })`,
	otherPlan: "hobbyist-2",
}

var exoscaleRedisAcc = exoscaleAcc{
	accKind: accKind{resourceType: "appcat_exoscale_redis", displayName: "Exoscale Redis", api: appcat.ExoscaleRedis, namePrefix: "exors"},
	kind:    exoscaleRedis,
	connection: map[string]knownvalue.Check{
		"port":           knownvalue.Int64Exact(21700),
		"username":       knownvalue.StringExact("default"),
		"password":       knownvalue.NotNull(),
		"database":       knownvalue.Null(),
		"url":            knownvalue.StringRegexp(regexp.MustCompile(`^rediss://default:[^@]+@[^:]+:21700$`)),
		"ca_certificate": knownvalue.Null(),
	},
	settings:  `jsonencode({ maxmemory_policy = "allkeys-lru" })`,
	otherPlan: "hobbyist-2",
}

var (
	exoscaleKafkaBroker = `[a-z0-9-]+-[0-9]\.de-fra-1\.dbaas\.exoscale\.localhost:21701`
	exoscaleKafkaAcc    = exoscaleAcc{
		accKind: accKind{resourceType: "appcat_exoscale_kafka", displayName: "Exoscale Kafka", api: appcat.ExoscaleKafka, namePrefix: "exokf"},
		kind:    exoscaleKafka,
		// Client certificate authentication: no user or password.
		connection: map[string]knownvalue.Check{
			"port":               knownvalue.Int64Exact(21701),
			"username":           knownvalue.Null(),
			"password":           knownvalue.Null(),
			"database":           knownvalue.Null(),
			"url":                knownvalue.StringRegexp(regexp.MustCompile(`^[a-z0-9-]+\.de-fra-1\.dbaas\.exoscale\.localhost:21701$`)),
			"ca_certificate":     knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
			"client_certificate": knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
			"client_key":         knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN [A-Z ]*PRIVATE KEY-----`)),
			"nodes":              knownvalue.StringRegexp(regexp.MustCompile(`^` + exoscaleKafkaBroker + `( ` + exoscaleKafkaBroker + `){2}$`)),
		},
		settings: `jsonencode({ auto_create_topics_enable = true, num_partitions = 3 })`,
		// A premium-6x plan has six brokers.
		otherPlan: "premium-6x-8",
		updatedConnection: map[string]knownvalue.Check{
			"nodes": knownvalue.StringRegexp(regexp.MustCompile(`^` + exoscaleKafkaBroker + `( ` + exoscaleKafkaBroker + `){5}$`)),
		},
	}
)

var exoscaleOpenSearchAcc = exoscaleAcc{
	accKind: accKind{resourceType: "appcat_exoscale_opensearch", displayName: "Exoscale OpenSearch", api: appcat.ExoscaleOpenSearch, namePrefix: "exoos"},
	kind:    exoscaleOpenSearch,
	connection: map[string]knownvalue.Check{
		"port":           knownvalue.Int64Exact(21699),
		"username":       knownvalue.StringExact("avnadmin"),
		"password":       knownvalue.NotNull(),
		"database":       knownvalue.Null(),
		"url":            knownvalue.StringRegexp(regexp.MustCompile(`^https://avnadmin:[^@]+@[^:]+:21699$`)),
		"ca_certificate": knownvalue.Null(),
		"dashboard_url":  knownvalue.StringRegexp(regexp.MustCompile(`^https://[a-z0-9-]+\.de-fra-1\.dbaas\.exoscale\.localhost:443$`)),
	},
	settings:  `jsonencode({ max_index_count = 10, action_auto_create_index_enabled = false })`,
	otherPlan: "hobbyist-2",
}

func TestAccExoscalePostgreSQL(t *testing.T) { testAccExoscale(t, exoscalePostgreSQLAcc) }

func TestAccExoscaleMySQL(t *testing.T) { testAccExoscale(t, exoscaleMySQLAcc) }

func TestAccExoscaleRedis(t *testing.T) { testAccExoscale(t, exoscaleRedisAcc) }

func TestAccExoscaleKafka(t *testing.T) { testAccExoscale(t, exoscaleKafkaAcc) }

func TestAccExoscaleOpenSearch(t *testing.T) { testAccExoscale(t, exoscaleOpenSearchAcc) }

// testAccExoscale is the acceptance test of every Exoscale kind: the family's attributes, its
// defaults as on the platform, in-place updates, import, plan-time errors, and the refusal of
// everything AppCat offers only for its own services.
func testAccExoscale(t *testing.T, e exoscaleAcc) {
	k, d := e.accKind, e.kind.descriptor()

	t.Run("create, update in place, import", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		host := regexp.MustCompile(`^` + name + `-[a-z]{5}\.de-fra-1\.dbaas\.exoscale\.localhost$`)
		created := []statecheck.StateCheck{
			k.stateIs("id", knownvalue.StringExact(ns+"/"+name)),
			k.stateIs("zone", knownvalue.StringExact("de-fra-1")),
			k.stateIs("plan", knownvalue.StringExact(e.kind.defaultPlan)),
			k.stateIs("ip_filter", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("0.0.0.0/0")})),
			k.stateIs("maintenance_day_of_week", knownvalue.StringExact("tuesday")),
			k.stateIs("maintenance_time_of_day", knownvalue.StringExact("22:30:00")),
			k.stateIs("settings", knownvalue.Null()),
			k.stateIs("connection_secret_name", knownvalue.StringExact(name+"-connection")),
			k.connectionIs("host", knownvalue.StringRegexp(host)),
		}
		spec := []func(*unstructured.Unstructured) error{
			specField("de-fra-1", "parameters", "service", "zone"),
			specField(e.kind.defaultPlan, "parameters", "size", "plan"),
			specField("tuesday", "parameters", "maintenance", "dayOfWeek"),
			specAbsent("parameters", "security"),
			specAbsent("parameters", "instances"),
		}
		if e.kind.versionField != "" {
			created = append(created, k.stateIs("version", knownvalue.StringExact(e.kind.defaultVersion)))
			spec = append(spec, specField(e.kind.defaultVersion, "parameters", "service", e.kind.versionField))
		}
		if e.kind.backup {
			created = append(created, k.stateIs("backup_time_of_day", knownvalue.StringExact("21:30:00")))
			spec = append(spec, specField("21:30:00", "parameters", "backup", "timeOfDay"))
		}
		// What the kind's secret does not fill stays null.
		connection := map[string]knownvalue.Check{"client_certificate": knownvalue.Null(), "client_key": knownvalue.Null(),
			"load_balancer_ip": knownvalue.Null(), "nodes": knownvalue.Null(), "dashboard_url": knownvalue.Null()}
		maps.Copy(connection, e.connection)
		for attr, check := range connection {
			created = append(created, k.connectionIs(attr, check))
		}
		switch {
		case e.kind.api.VersionStatus != "":
			created = append(created, k.stateIs("current_version", knownvalue.StringExact(e.kind.defaultVersion)))
		case d.has("current_version"):
			created = append(created, k.stateIs("current_version", knownvalue.Null()))
		}
		created = append(created, claimConverged(t, k.api, ns, name, spec...))

		updated := []string{`zone = "de-fra-1"`, fmt.Sprintf("plan = %q", e.otherPlan), `ip_filter = ["203.0.113.0/24", "198.51.100.7/32"]`,
			`maintenance_day_of_week = "never"`, `maintenance_time_of_day = "03:15:00"`, "settings = " + e.settings, `labels = { team = "data" }`}
		if e.kind.backup {
			updated = append(updated, `backup_time_of_day = "01:00:00"`)
		}
		updatedSpec := []func(*unstructured.Unstructured) error{
			specField(e.otherPlan, "parameters", "size", "plan"),
			specField("[203.0.113.0/24 198.51.100.7/32]", "parameters", "network", "ipFilter"),
			specField("never", "parameters", "maintenance", "dayOfWeek"),
			specField("03:15:00", "parameters", "maintenance", "timeOfDay"),
			labelIs("team", "data"),
		}
		if e.kind.backup {
			updatedSpec = append(updatedSpec, specField("01:00:00", "parameters", "backup", "timeOfDay"))
		}
		updatedChecks := []statecheck.StateCheck{
			k.stateIs("maintenance_day_of_week", knownvalue.StringExact("never")),
			k.stateIs("settings", knownvalue.NotNull()),
			k.connectionIs("host", knownvalue.StringRegexp(host)),
			claimConverged(t, k.api, ns, name, updatedSpec...),
		}
		for attr, check := range e.updatedConnection {
			updatedChecks = append(updatedChecks, k.connectionIs(attr, check))
		}
		steps := []resource.TestStep{
			{Config: k.config(ns, name, `zone = "de-fra-1"`), ConfigStateChecks: created},
			{
				// Everything but the zone changes in place; the host stays.
				Config:            k.config(ns, name, updated...),
				ConfigPlanChecks:  k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: updatedChecks,
			},
			{
				// Another zone is another database: a replacement, planned as such.
				Config:             k.config(ns, name, append(updated[1:], `zone = "ch-dk-2"`)...),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionReplace)}},
			},
		}
		if len(e.kind.versions) > 1 {
			newest := e.kind.versions[len(e.kind.versions)-1]
			older := e.kind.versions[len(e.kind.versions)-2]
			if newest == e.kind.defaultVersion {
				steps = append(steps, resource.TestStep{
					Config:      k.config(ns, name, append(updated, fmt.Sprintf("version = %q", older))...),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`Version downgrade not possible`),
				})
			}
		}
		k.test(t, append(steps, k.importSteps(ns, name, k.config(ns, name, updated...))...)...)
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		bad := []badInput{
			{name: strings.Repeat("e", 58), want: `Attribute name string length must be between 1 and 57`},
			{lines: []string{`zone = "ch-zrh-1"`}, want: `(?s)Attribute zone value must be one of`},
			{lines: []string{`plan = "Startup 4"`}, want: `(?s)Attribute plan must be a plan name of Exoscale`},
			{lines: []string{`plan = "startup-3"`}, want: wrapped(`Plan "startup-3" is not offered on this cluster.*` + e.kind.defaultPlan + ` \([0-9]+ CPU, [0-9]+Gi memory`)},
			{lines: []string{`maintenance_day_of_week = "someday"`}, want: `(?s)Attribute maintenance_day_of_week value must be one of`},
			{lines: []string{`maintenance_time_of_day = "25:00:00"`}, want: `(?s)Attribute maintenance_time_of_day must be a time of day`},
			{lines: []string{`ip_filter = ["everyone"]`}, want: `(?s)"everyone" is not an IP range`},
			{lines: []string{`ip_filter = []`}, want: `(?s)Attribute ip_filter list must contain at least 1 elements`},
			{lines: []string{`settings = "[1]"`}, want: `(?s)must be a JSON object`},
			// AppCat's VSHN attributes are not there at all.
			{lines: []string{"deletion_protection = false"}, want: notInSchema("deletion_protection")},
			{lines: []string{"instances = 1"}, want: notInSchema("instances")},
			{lines: []string{`service_level = "guaranteed"`}, want: notInSchema("service_level")},
			{lines: []string{`restore = { source_instance = "other" }`}, want: notInSchema("restore")},
			{lines: []string{`alerting = { email = "ops@example.com" }`}, want: notInSchema("alerting")},
		}
		if e.kind.versionField != "" {
			bad = append(bad, badInput{lines: []string{`version = "1.0"`}, want: `(?s)Attribute version value must be one of`})
		} else {
			bad = append(bad, badInput{lines: []string{`version = "7"`}, want: notInSchema("version")})
		}
		if e.kind.backup {
			bad = append(bad, badInput{lines: []string{`backup_time_of_day = "9pm"`}, want: `(?s)Attribute backup_time_of_day must be a time of day`})
		} else {
			bad = append(bad, badInput{lines: []string{`backup_time_of_day = "01:00:00"`}, want: notInSchema("backup_time_of_day")})
		}
		k.rejectedAtPlanTime(t, bad)
	})

	t.Run("attached resources refuse it at plan time", func(t *testing.T) {
		ns := testNamespace(t)
		ref := []string{fmt.Sprintf("kind = %q", d.typeName), `instance_id = "` + ns + `/db"`}
		refused := func(lacks string) string {
			return wrapped(regexp.QuoteMeta(`Attribute kind value must be one of: [`) + `[^]]*` +
				regexp.QuoteMeta(fmt.Sprintf(`], got: "%s". %s instances have no %s`, d.typeName, d.displayName, lacks)))
		}
		var steps []resource.TestStep
		for _, c := range []struct{ cfg, want string }{
			{block("resource", "appcat_backup_policy", "test", ref...), refused("backups")},
			{block("resource", "appcat_maintenance_window", "test", append(ref, `day_of_week = "monday"`)...), refused("maintenance window")},
			{block("resource", "appcat_database_user", "test", append(ref, `user = "app"`)...), refused("database users")},
			{block("data", "appcat_backups", "test", ref...), refused("backups")},
			{block("data", "appcat_metrics_endpoint", "test", ref...), refused("metrics targets")},
			{block("data", "appcat_sla_report", "test", append(ref, `month = "2026-11"`)...), refused("SLA")},
		} {
			steps = append(steps, resource.TestStep{Config: adminProvider(ns) + c.cfg, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
		}
		k.test(t, steps...)
	})

	t.Run("data source reads an existing instance", func(t *testing.T) {
		ns, name := testNamespace(t), k.name()
		cfg := k.config(ns, name, fmt.Sprintf("plan = %q", e.otherPlan)) + fmt.Sprintf(`
data %q "existing" {
  name       = %s.name
  depends_on = [%s]
}
`, k.resourceType, k.addr(), k.addr())
		same := func(attr string) statecheck.StateCheck {
			return statecheck.CompareValuePairs(k.addr(), tfjsonpath.New(attr), k.dataAddr(), tfjsonpath.New(attr), compare.ValuesSame())
		}
		k.test(t, resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("plan"), knownvalue.StringExact(e.otherPlan)),
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
				statecheck.ExpectKnownValue(k.dataAddr(), tfjsonpath.New("connection_details").AtMapKey("url"), knownvalue.NotNull()),
				same("connection_details"), same("zone"), same("ip_filter"), same("maintenance_day_of_week"),
			},
		})
	})
}

// TestAccExoscaleConnectionEphemeral: appcat_connection passes on what only the newer Exoscale
// kinds write — Kafka's brokers and client certificate and key, OpenSearch's dashboard URL —
// and keeps the secret ones out of the state.
func TestAccExoscaleConnectionEphemeral(t *testing.T) {
	testAccPreCheck(t)
	ns := testNamespace(t)
	kafkaName, osName := randomName("ephkf"), randomName("ephos")
	_, kafka := readyClaim(t, appcat.ExoscaleKafka, ns, kafkaName, appcat.ExoscaleParameters{})
	_, search := readyClaim(t, appcat.ExoscaleOpenSearch, ns, osName, appcat.ExoscaleParameters{})
	secrets := map[string]string{
		"client key":    string(kafka["service.key"]),
		"dashboard URL": string(search["OPENSEARCH_DASHBOARD_URI"]),
		"password":      string(search["OPENSEARCH_PASSWORD"]),
	}
	echo := func(key string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(key), check)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{{
			Config: adminProvider(ns) + fmt.Sprintf(`
ephemeral "appcat_connection" "kafka" {
  kind        = "exoscale_kafka"
  instance_id = "%[1]s/%[2]s"
}

ephemeral "appcat_connection" "search" {
  kind        = "exoscale_opensearch"
  instance_id = "%[1]s/%[3]s"
}

provider "echo" {
  data = {
    nodes                = ephemeral.appcat_connection.kafka.nodes
    url                  = ephemeral.appcat_connection.kafka.url
    client_cert_sha256   = sha256(ephemeral.appcat_connection.kafka.client_certificate)
    client_key_sha256    = sha256(ephemeral.appcat_connection.kafka.client_key)
    kafka_username       = coalesce(ephemeral.appcat_connection.kafka.username, "none")
    dashboard_url_sha256 = sha256(ephemeral.appcat_connection.search.dashboard_url)
    search_username      = ephemeral.appcat_connection.search.username
  }
}

resource "echo" "test" {}
`, ns, kafkaName, osName),
			ConfigStateChecks: []statecheck.StateCheck{
				echo("nodes", knownvalue.StringExact(string(kafka["KAFKA_NODES"]))),
				echo("url", knownvalue.StringExact(string(kafka["KAFKA_URI"]))),
				echo("client_cert_sha256", knownvalue.StringExact(sha256Hex(string(kafka["service.cert"])))),
				echo("client_key_sha256", knownvalue.StringExact(sha256Hex(secrets["client key"]))),
				echo("kafka_username", knownvalue.StringExact("none")),
				echo("dashboard_url_sha256", knownvalue.StringExact(sha256Hex(secrets["dashboard URL"]))),
				echo("search_username", knownvalue.StringExact("avnadmin")),
				nothingSecretIn(secrets),
			},
		}},
	})
}
