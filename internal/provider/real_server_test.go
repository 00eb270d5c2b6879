package provider

import (
	"context"
	"fmt"
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
