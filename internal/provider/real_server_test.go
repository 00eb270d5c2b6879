package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestAccPostgreSQLRealServer: where PostgreSQL's server is installed, a PostgreSQL instance with
// a load balancer is a real server. A user takes the connection details from the resource and
// connects with the admin credentials over TLS verified against the instance's CA, and writes a row.
func TestAccPostgreSQLRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	ns, name := testNamespace(t), pgAcc.name()
	pgAcc.test(t, resource.TestStep{
		Config: pgAcc.config(ns, name, `service_type = "LoadBalancer"`, "deletion_protection = false"),
		Check:  adminWritesRow(pgAcc.addr()),
	})
}

// TestAccPostgreSQLRealServerUsers: appcat_database_user makes real users on a real server. Each
// connects with its own connection details (password, database, CA) at the instance's load
// balancer IP: the owner of database app writes, a user with CONNECT, USAGE and SELECT on it reads
// and is refused a write.
func TestAccPostgreSQLRealServerUsers(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	ns, name := testNamespace(t), randomName("realusr")
	users := `
resource "appcat_database_user" "app" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "app"
}

resource "appcat_database_user" "reader" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "reader"
  database    = "app"
  privileges  = ["CONNECT", "USAGE", "SELECT"]
  depends_on  = [appcat_database_user.app] # the first user that names a database owns it
}
`
	dbUserTest(t, resource.TestStep{
		Config: dbUserConfig(ns, userTestPostgreSQL(name, `backend = "stackgres"`, `service_type = "LoadBalancer"`), users),
		Check: func(s *terraform.State) error {
			ctx := context.Background()
			app, err := userEndpoint(s, "appcat_database_user.app").Connect(ctx, false)
			if err != nil {
				return fmt.Errorf("user app connecting over verified TLS: %w", err)
			}
			defer app.Close(ctx)
			if body, _, err := platformtest.WriteAndReadRow(ctx, app, "orders", "by app"); err != nil || body != "by app" {
				return fmt.Errorf("user app writing into its database: %q, %w", body, err)
			}
			reader, err := userEndpoint(s, "appcat_database_user.reader").Connect(ctx, false)
			if err != nil {
				return fmt.Errorf("user reader connecting over verified TLS: %w", err)
			}
			defer reader.Close(ctx)
			var body string
			if err := reader.QueryRow(ctx, "SELECT body FROM orders WHERE id = 1").Scan(&body); err != nil || body != "by app" {
				return fmt.Errorf("user reader reading: %q, %w", body, err)
			}
			if _, err := reader.Exec(ctx, "INSERT INTO orders VALUES (2, 'by reader')"); err == nil || !strings.Contains(err.Error(), "permission denied") {
				return fmt.Errorf("user reader (SELECT only) writing: %v, want permission denied", err)
			}
			return nil
		},
	})
}

// TestAccMariaDBRealServer: a MariaDB instance with a load balancer is a real server where
// MariaDB's server is installed. root connects with the instance's connection details over
// verified TLS; appcat_database_user makes real users: the owner of database app writes, a user
// with SELECT on it reads and is refused a write.
func TestAccMariaDBRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "MariaDB (Debian package mariadb-server)", platformtest.MariaDBBinaries...)
	ns, name := testNamespace(t), randomName("realmdb")
	users := `
resource "appcat_database_user" "app" {
  kind        = "mariadb"
  instance_id = appcat_mariadb.db.id
  user        = "app"
}

resource "appcat_database_user" "reader" {
  kind        = "mariadb"
  instance_id = appcat_mariadb.db.id
  user        = "reader"
  database    = "app"
  privileges  = ["SELECT"]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mariadbAcc.claimsGone(t),
		Steps: []resource.TestStep{{
			Config: dbUserConfig(ns, userTestMariaDB(name, `service_type = "LoadBalancer"`), users),
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				instance := s.RootModule().Resources["appcat_mariadb.db"].Primary.Attributes
				as := func(addr string) platformtest.MariaDBEndpoint {
					a := s.RootModule().Resources[addr].Primary.Attributes
					return platformtest.MariaDBEndpoint{Host: instance["connection_details.load_balancer_ip"], Port: a["connection_details.port"],
						User: a["connection_details.username"], Password: a["connection_details.password"], Database: a["connection_details.database"],
						CACertPEM: []byte(a["connection_details.ca_certificate"])}
				}
				rootEndpoint := platformtest.MariaDBEndpoint{Host: instance["connection_details.load_balancer_ip"], Port: instance["connection_details.port"],
					User: instance["connection_details.username"], Password: instance["connection_details.password"],
					CACertPEM: []byte(instance["connection_details.ca_certificate"])}
				root, err := rootEndpoint.Open(ctx, false)
				if err != nil {
					return fmt.Errorf("root connecting over verified TLS: %w", err)
				}
				root.Close()
				app, err := as("appcat_database_user.app").Open(ctx, false)
				if err != nil {
					return fmt.Errorf("user app connecting: %w", err)
				}
				defer app.Close()
				if _, err := app.ExecContext(ctx, "CREATE TABLE orders (id int PRIMARY KEY, body text)"); err != nil {
					return err
				}
				if _, err := app.ExecContext(ctx, "INSERT INTO orders VALUES (1, 'by app')"); err != nil {
					return err
				}
				reader, err := as("appcat_database_user.reader").Open(ctx, false)
				if err != nil {
					return fmt.Errorf("user reader connecting: %w", err)
				}
				defer reader.Close()
				var body string
				if err := reader.QueryRowContext(ctx, "SELECT body FROM orders WHERE id = 1").Scan(&body); err != nil || body != "by app" {
					return fmt.Errorf("user reader reading: %q, %w", body, err)
				}
				if _, err := reader.ExecContext(ctx, "INSERT INTO orders VALUES (2, 'by reader')"); err == nil || !strings.Contains(err.Error(), "denied") {
					return fmt.Errorf("user reader (SELECT only) writing: %v, want a denial", err)
				}
				return nil
			},
		}},
	})
}

// userEndpoint is how a database user in state reaches the real server: its own connection
// details, at the load balancer IP of its instance (appcat_postgresql.db).
func userEndpoint(s *terraform.State, addr string) platformtest.PostgresEndpoint {
	e := connectionEndpoint(s.RootModule().Resources[addr].Primary.Attributes)
	e.Host = s.RootModule().Resources["appcat_postgresql.db"].Primary.Attributes["connection_details.load_balancer_ip"]
	return e
}

// TestAccPostgreSQLRealServerRestore: the data of a real server is in its backups, and a new
// instance restored from a backup (restore.backup_name, StackGres) has the rows written before
// that backup and not the row written after it.
func TestAccPostgreSQLRealServerRestore(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	ns, src, restored := testNamespace(t), pgAcc.name(), pgAcc.name()
	lines := []string{`backend = "stackgres"`, `service_type = "LoadBalancer"`}
	source := adminProvider(ns) +
		pgAcc.instance("src", src, append(lines, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed))...) +
		block("resource", "appcat_backup_policy", "src", append(pgAcc.attachedTo("src"), backupEveryPlatformMinute, `retention = 100`)...)
	withRestore := source + `
variable "backup_name" { type = string }
` + pgAcc.instance("restored", restored, append(lines, "restore = {", `  source_instance = `+pgAcc.ref("src", "name"), `  backup_name = var.backup_name`, "}")...)
	var backup string
	pgAcc.test(t,
		resource.TestStep{
			Config: source,
			// Row A, then a backup, then row B.
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				conn, err := instanceEndpoint(s, pgAcc.addrOf("src")).Connect(ctx, false)
				if err != nil {
					return err
				}
				defer conn.Close(ctx)
				if _, _, err := platformtest.WriteAndReadRow(ctx, conn, "notes", "A"); err != nil {
					return err
				}
				backup = newBackup(t, ns, appcat.PostgreSQL)
				_, err = conn.Exec(ctx, "INSERT INTO notes VALUES (2, 'B')")
				return err
			},
		},
		resource.TestStep{
			Config:          withRestore,
			ConfigVariables: config.Variables{"backup_name": lateString{&backup}},
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				conn, err := instanceEndpoint(s, pgAcc.addrOf("restored")).Connect(ctx, false)
				if err != nil {
					return fmt.Errorf("connecting to the restored instance with its own admin credentials: %w", err)
				}
				defer conn.Close(ctx)
				rows, err := conn.Query(ctx, "SELECT body FROM notes ORDER BY id")
				if err != nil {
					return err
				}
				bodies, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					return err
				}
				if !slices.Equal(bodies, []string{"A"}) {
					return fmt.Errorf("restored from backup %s: rows %v, want [A] (B was written after the backup)", backup, bodies)
				}
				return nil
			},
		},
	)
}

// newBackup waits for a backup of the kind in ns that holds everything written before the call,
// and returns its name. The first backup to appear after the call is not enough: the platform
// dumps a real server before the backup object appears, so that dump may have begun before the
// call. An instance's backups are taken one after another, so the dump of the next one after it
// began after it appeared, and that is after the call.
func newBackup(t *testing.T, ns string, kind appcat.Kind) string {
	t.Helper()
	nextBackup(t, ns, kind)
	return nextBackup(t, ns, kind)
}

// nextBackup waits for a backup of the kind in ns that was not listed when it was called.
func nextBackup(t *testing.T, ns string, kind appcat.Kind) string {
	t.Helper()
	bk, _ := appcat.BackupKindOf(kind)
	names := func() []string {
		list, err := adminDynamic(t).Resource(bk.GVR()).Namespace(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range list.Items {
			out = append(out, b.GetName())
		}
		return out
	}
	before := names()
	var found string
	eventually(t, 60*time.Second, "a new backup in "+ns, func() bool {
		for _, n := range names() {
			if !slices.Contains(before, n) {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

// instanceEndpoint is how a user reaches the real server of the PostgreSQL instance at addr: the
// admin credentials of its connection details, at its load balancer IP.
func instanceEndpoint(s *terraform.State, addr string) platformtest.PostgresEndpoint {
	a := s.RootModule().Resources[addr].Primary.Attributes
	e := connectionEndpoint(a)
	e.Host = a["connection_details.load_balancer_ip"]
	return e
}

// connectionEndpoint is the port, database, credentials and CA of a resource's connection_details.
func connectionEndpoint(a map[string]string) platformtest.PostgresEndpoint {
	return platformtest.PostgresEndpoint{
		Port: a["connection_details.port"], Database: a["connection_details.database"], User: a["connection_details.username"],
		Password: a["connection_details.password"], CACertPEM: []byte(a["connection_details.ca_certificate"]),
	}
}

// adminWritesRow connects to the PostgreSQL instance at addr with the connection details in
// state — load balancer IP, port, admin user and password, CA certificate — and writes a row.
func adminWritesRow(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if s.RootModule().Resources[addr] == nil {
			return fmt.Errorf("%s is not in state", addr)
		}
		endpoint := instanceEndpoint(s, addr)
		ctx := context.Background()
		conn, err := endpoint.Connect(ctx, false)
		if err != nil {
			return fmt.Errorf("connecting to %s:%s as %s over verified TLS: %w", endpoint.Host, endpoint.Port, endpoint.User, err)
		}
		defer conn.Close(ctx)
		body, ssl, err := platformtest.WriteAndReadRow(ctx, conn, "orders", "first order")
		switch {
		case err != nil:
			return fmt.Errorf("writing a row: %w", err)
		case body != "first order" || !ssl:
			return fmt.Errorf("read %q over ssl=%v, want \"first order\" over TLS", body, ssl)
		}
		return nil
	}
}
