package controller_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// postgresEndpoint is the load balancer endpoint in a PostgreSQL connection secret.
func postgresEndpoint(data map[string][]byte, password string) platformtest.PostgresEndpoint {
	return platformtest.PostgresEndpoint{
		Host: string(data["LOADBALANCER_IP"]), Port: string(data["POSTGRESQL_PORT"]), Database: string(data["POSTGRESQL_DB"]),
		User: string(data["POSTGRESQL_USER"]), Password: password, CACertPEM: data["ca.crt"],
	}
}

// TestPostgreSQLRealServer: a PostgreSQL claim with a load balancer gets a real server. The
// connection secret's admin credentials connect over TLS verified against its CA and write a
// row; a wrong password and a connection without TLS are refused; deleting the claim stops the
// server and removes its data.
func TestPostgreSQLRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	name := uniqueName("real")
	obj := createClaim(t, u, postgres, newClaim(postgres, name, name+"-conn", map[string]any{
		"network": map[string]any{"serviceType": "LoadBalancer"}}))
	waitReady(t, u, postgres, userNS(), name)
	data := getSecret(t, u, userNS(), name+"-conn").Data
	admin := postgresEndpoint(data, string(data["POSTGRESQL_PASSWORD"]))

	conn, err := admin.Connect(ctx, false)
	if err != nil {
		t.Fatalf("connecting with the admin credentials over verified TLS: %v", err)
	}
	body, ssl, err := platformtest.WriteAndReadRow(ctx, conn, "notes", "written")
	conn.Close(ctx)
	if err != nil || body != "written" || !ssl {
		t.Fatalf("wrote and read %q over ssl=%v (%v), want \"written\" over TLS", body, ssl, err)
	}
	if c, err := postgresEndpoint(data, "wrong").Connect(ctx, false); err == nil {
		c.Close(ctx)
		t.Error("a wrong password connected")
	}
	if c, err := admin.Connect(ctx, true); err == nil {
		c.Close(ctx)
		t.Error("a connection without TLS was accepted")
	} else if !strings.Contains(err.Error(), "no pg_hba.conf entry") {
		t.Errorf("a connection without TLS failed for another reason than pg_hba: %v", err)
	}

	dir := filepath.Join(platformtest.Platform().ServerDir(), string(obj.GetUID()))
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("the server's data directory: %v", err)
	}
	deleteClaimAndWait(t, postgres, userNS(), name)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the server's data directory %s is still there after the claim was deleted (%v)", dir, err)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(string(data["LOADBALANCER_IP"]), string(data["POSTGRESQL_PORT"])), time.Second); err == nil {
		c.Close()
		t.Error("the server still listens after the claim was deleted")
	}
}
