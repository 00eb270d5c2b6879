package controller_test

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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

// TestPostgreSQLRealServerUsers: the claim's database users are real. Each connects to its
// database over verified TLS with the password of its own connection secret; the owner of a
// database writes; a user given CONNECT, USAGE and SELECT on it reads and cannot write; a user
// removed from the list keeps its role (AppCat retains it) and can still log in.
func TestPostgreSQLRealServerUsers(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	name := uniqueName("realusers")
	obj := newClaim(postgres, name, name+"-conn", map[string]any{
		"network": map[string]any{"serviceType": "LoadBalancer"},
		"service": map[string]any{"access": []any{
			map[string]any{"user": "app"},
			map[string]any{"user": "reader", "database": "app", "privileges": []any{"CONNECT", "USAGE", "SELECT"}},
		}},
	})
	// Privileges need the StackGres composition (CloudNativePG's gives every user ALL).
	_ = unstructured.SetNestedField(obj.Object, compositionStackGres, "spec", "compositionRef", "name")
	createClaim(t, u, postgres, obj)
	waitReady(t, u, postgres, userNS(), name)
	main := getSecret(t, u, userNS(), name+"-conn").Data
	as := func(user string) platformtest.PostgresEndpoint {
		s := getSecret(t, u, userNS(), name+"-"+user).Data
		e := postgresEndpoint(main, string(s["POSTGRESQL_PASSWORD"]))
		e.User, e.Database = string(s["POSTGRESQL_USER"]), string(s["POSTGRESQL_DB"])
		return e
	}

	app, err := as("app").Connect(ctx, false)
	if err != nil {
		t.Fatalf("user app connecting to its database: %v", err)
	}
	defer app.Close(ctx)
	if body, _, err := platformtest.WriteAndReadRow(ctx, app, "orders", "by app"); err != nil || body != "by app" {
		t.Fatalf("user app writing into its own database: %q, %v", body, err)
	}
	reader, err := as("reader").Connect(ctx, false)
	if err != nil {
		t.Fatalf("user reader connecting to database app: %v", err)
	}
	defer reader.Close(ctx)
	var body string
	if err := reader.QueryRow(ctx, "SELECT body FROM orders WHERE id = 1").Scan(&body); err != nil || body != "by app" {
		t.Errorf("user reader reading app's row: %q, %v", body, err)
	}
	if _, err := reader.Exec(ctx, "INSERT INTO orders VALUES (2, 'by reader')"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("user reader (SELECT only) writing: %v, want permission denied", err)
	}

	// Removed from the list: its secret goes, its role stays and still logs in.
	readerLogin := as("reader")
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
		setParam(o, []any{map[string]any{"user": "app"}}, "service", "access")
	})
	waitFor(t, "the reader's secret removed", func() (bool, error) {
		_, err := u.kube.CoreV1().Secrets(userNS()).Get(ctx, name+"-reader", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if c, err := readerLogin.Connect(ctx, false); err != nil {
		t.Errorf("the removed user's role is gone (AppCat retains it): %v", err)
	} else {
		c.Close(ctx)
	}
}

// TestPostgreSQLRealServerRestore: a backup of an instance with a real server holds the data
// written before it and not what was written after it; an instance restored from that backup
// (StackGres) has exactly that, one restored to the latest state (CloudNativePG) has both, and
// each restored server keeps the admin password of its own connection secret.
func TestPostgreSQLRealServerRestore(t *testing.T) {
	platformtest.RequireServerBinaries(t, "PostgreSQL (Debian package postgresql)", platformtest.PostgreSQLBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	lb := map[string]any{"serviceType": "LoadBalancer"}
	src := uniqueName("realsrc")
	obj := newClaim(postgres, src, src+"-conn", map[string]any{"network": lb,
		// A backup every wall second; kept long enough for the test.
		"backup": map[string]any{"schedule": "0 * * * *", "retention": int64(1000)}})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	createClaim(t, u, postgres, obj)
	waitReady(t, u, postgres, userNS(), src)
	data := getSecret(t, u, userNS(), src+"-conn").Data
	conn, err := postgresEndpoint(data, string(data["POSTGRESQL_PASSWORD"])).Connect(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, _, err := platformtest.WriteAndReadRow(ctx, conn, "notes", "A"); err != nil {
		t.Fatal(err)
	}
	backup := newBackup(t, u, postgres, src, "a backup taken after A was written")
	if _, err := conn.Exec(ctx, "INSERT INTO notes VALUES (2, 'B')"); err != nil {
		t.Fatal(err)
	}

	restored := func(t *testing.T, restore map[string]any, composition string) []string {
		t.Helper()
		name := uniqueName("realrst")
		o := newClaim(postgres, name, name+"-conn", map[string]any{"network": lb, "restore": restore})
		if composition != "" {
			_ = unstructured.SetNestedField(o.Object, composition, "spec", "compositionRef", "name")
		}
		createClaim(t, u, postgres, o)
		waitReady(t, u, postgres, userNS(), name)
		own := getSecret(t, u, userNS(), name+"-conn").Data
		c, err := postgresEndpoint(own, string(own["POSTGRESQL_PASSWORD"])).Connect(ctx, false)
		if err != nil {
			t.Fatalf("connecting to the restored instance with its own admin password: %v", err)
		}
		defer c.Close(ctx)
		rows, err := c.Query(ctx, "SELECT body FROM notes ORDER BY id")
		if err != nil {
			t.Fatalf("reading the restored table: %v", err)
		}
		bodies, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return bodies
	}
	t.Run("FromBackup", func(t *testing.T) {
		if got := restored(t, map[string]any{"claimName": src, "backupName": backup}, compositionStackGres); !slices.Equal(got, []string{"A"}) {
			t.Errorf("restored from backup %s: %v, want [A] (B came after it)", backup, got)
		}
	})
	t.Run("Latest", func(t *testing.T) {
		if got := restored(t, map[string]any{"claimName": src}, ""); !slices.Equal(got, []string{"A", "B"}) {
			t.Errorf("restored to the latest state: %v, want [A B]", got)
		}
	})
}

// mariadbEndpoint is the load balancer endpoint in a MariaDB connection secret, as user.
func mariadbEndpoint(data map[string][]byte, user, password, database string) platformtest.MariaDBEndpoint {
	return platformtest.MariaDBEndpoint{Host: string(data["LOADBALANCER_IP"]), Port: string(data["MARIADB_PORT"]),
		User: user, Password: password, Database: database, CACertPEM: data["ca.crt"]}
}

// TestMariaDBRealServer: a MariaDB claim with a load balancer gets a real server. root connects
// over TLS verified against the secret's CA with the secret's password; a connection without TLS
// is refused; each database user connects to its database, the owner writes, a SELECT-only user
// reads and is refused a write; a backup holds a dump of the data.
func TestMariaDBRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "MariaDB (Debian package mariadb-server)", platformtest.MariaDBBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	name := uniqueName("realmdb")
	obj := newClaim(mariadb, name, name+"-conn", map[string]any{
		"network": map[string]any{"serviceType": "LoadBalancer"},
		"backup":  map[string]any{"schedule": "0 * * * *"},
		"service": map[string]any{"access": []any{
			map[string]any{"user": "app"},
			map[string]any{"user": "reader", "database": "app", "privileges": []any{"SELECT"}},
		}},
	})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	obj = createClaim(t, u, mariadb, obj)
	waitReady(t, u, mariadb, userNS(), name)
	data := getSecret(t, u, userNS(), name+"-conn").Data
	as := func(user string) platformtest.MariaDBEndpoint {
		s := getSecret(t, u, userNS(), name+"-"+user).Data
		return mariadbEndpoint(data, string(s["MARIADB_USERNAME"]), string(s["MARIADB_PASSWORD"]), string(s["MARIADB_DB"]))
	}

	root, err := mariadbEndpoint(data, string(data["MARIADB_USERNAME"]), string(data["MARIADB_PASSWORD"]), "").Open(ctx, false)
	if err != nil {
		t.Fatalf("root connecting over verified TLS: %v", err)
	}
	defer root.Close()
	var cipher string
	if err := root.QueryRowContext(ctx, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'").Scan(&cipher); err != nil || cipher == "" {
		t.Errorf("root's session is not encrypted: cipher %q, %v", cipher, err)
	}
	if db, err := mariadbEndpoint(data, "root", string(data["MARIADB_PASSWORD"]), "").Open(ctx, true); err == nil {
		db.Close()
		t.Error("a connection without TLS was accepted")
	}

	app, err := as("app").Open(ctx, false)
	if err != nil {
		t.Fatalf("user app connecting to its database: %v", err)
	}
	defer app.Close()
	if _, err := app.ExecContext(ctx, "CREATE TABLE orders (id int PRIMARY KEY, body text)"); err != nil {
		t.Fatal(err)
	}
	if _, err := app.ExecContext(ctx, "INSERT INTO orders VALUES (1, 'by app')"); err != nil {
		t.Fatal(err)
	}
	reader, err := as("reader").Open(ctx, false)
	if err != nil {
		t.Fatalf("user reader connecting to database app: %v", err)
	}
	defer reader.Close()
	var body string
	if err := reader.QueryRowContext(ctx, "SELECT body FROM orders WHERE id = 1").Scan(&body); err != nil || body != "by app" {
		t.Errorf("user reader reading app's row: %q, %v", body, err)
	}
	if _, err := reader.ExecContext(ctx, "INSERT INTO orders VALUES (2, 'by reader')"); err == nil || !strings.Contains(err.Error(), "denied") {
		t.Errorf("user reader (SELECT only) writing: %v, want a denial", err)
	}

	backup := newBackup(t, u, mariadb, name, "a backup taken after the row was written")
	dump, err := os.ReadFile(filepath.Join(platformtest.Platform().ServerDir(), string(obj.GetUID()), "backups", backup+".dump"))
	if err != nil || !strings.Contains(string(dump), "by app") {
		t.Errorf("backup %s: its dump does not hold the row (%v)", backup, err)
	}
}

// newBackup waits for a backup of the claim that holds everything written before the call, and
// returns its name. The first backup to appear after the call is not enough: a backup's dump is
// taken before its object appears (servers_backups.go), so that dump may have begun before the
// call. A claim's backups are taken one after another, so the dump of the next one after it
// began after it appeared, and that is after the call.
func newBackup(t *testing.T, u clients, k kindInfo, claimName, what string) string {
	t.Helper()
	nextBackup(t, u, k, claimName, what+" (the first after the call)")
	return nextBackup(t, u, k, claimName, what)
}

// nextBackup waits for a backup of the claim that was not listed when it was called.
func nextBackup(t *testing.T, u clients, k kindInfo, claimName, what string) string {
	t.Helper()
	seen := map[string]bool{}
	for _, b := range listBackups(t, u, k, claimName) {
		seen[b.GetName()] = true
	}
	return waitBackups(t, u, k, claimName, what, func(items []unstructured.Unstructured) bool {
		return len(items) > 0 && !seen[items[0].GetName()]
	})[0].GetName()
}
