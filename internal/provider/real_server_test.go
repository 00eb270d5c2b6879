package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

// userEndpoint is how a database user in state reaches the real server: its own connection
// details, at the load balancer IP of its instance (appcat_postgresql.db).
func userEndpoint(s *terraform.State, addr string) platformtest.PostgresEndpoint {
	instance := s.RootModule().Resources["appcat_postgresql.db"].Primary.Attributes
	a := s.RootModule().Resources[addr].Primary.Attributes
	return platformtest.PostgresEndpoint{
		Host: instance["connection_details.load_balancer_ip"], Port: a["connection_details.port"],
		Database: a["connection_details.database"], User: a["connection_details.username"],
		Password: a["connection_details.password"], CACertPEM: []byte(a["connection_details.ca_certificate"]),
	}
}

// adminWritesRow connects to the PostgreSQL instance at addr with the connection details in
// state — load balancer IP, port, admin user and password, CA certificate — and writes a row.
func adminWritesRow(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[addr]
		if rs == nil {
			return fmt.Errorf("%s is not in state", addr)
		}
		a := rs.Primary.Attributes
		endpoint := platformtest.PostgresEndpoint{
			Host: a["connection_details.load_balancer_ip"], Port: a["connection_details.port"],
			Database: a["connection_details.database"], User: a["connection_details.username"],
			Password: a["connection_details.password"], CACertPEM: []byte(a["connection_details.ca_certificate"]),
		}
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
