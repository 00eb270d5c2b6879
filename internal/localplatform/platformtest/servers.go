package platformtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// RequireServerBinaries skips a test of real servers on a machine without the server's binaries
// (any file matching one of the patterns), except in CI, whose set-up installs them: there
// their absence fails the test.
func RequireServerBinaries(t testing.TB, what string, patterns ...string) {
	t.Helper()
	if !HasServerBinaries(t, what, patterns...) {
		t.Skipf("%s is not installed: the platform runs no real servers here", what)
	}
}

// HasServerBinaries tells whether the server's binaries are on the machine, for a test that
// checks real servers as one part among others; in CI their absence fails the test.
func HasServerBinaries(t testing.TB, what string, patterns ...string) bool {
	t.Helper()
	for _, pattern := range patterns {
		if found, _ := filepath.Glob(pattern); len(found) > 0 {
			return true
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs it", what)
	}
	return false
}

// PostgreSQLBinaries are where Debian's postgresql package puts the server.
var PostgreSQLBinaries = []string{"/usr/lib/postgresql/*/bin/postgres"}

// MariaDBBinaries are where Debian's mariadb-server package puts the server.
var MariaDBBinaries = []string{"/usr/sbin/mariadbd"}

// MariaDBEndpoint is how a client reaches a real MariaDB server of the platform.
type MariaDBEndpoint struct {
	Host, Port, Database, User, Password string
	CACertPEM                            []byte
}

var mariadbTLSConfigs atomic.Int64

// Open opens a connection pool that verifies the server's certificate against the CA and the
// host over TLS; without TLS, when plain is set. It pings, so a refused login fails here.
func (e MariaDBEndpoint) Open(ctx context.Context, plain bool) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = e.User, e.Password, "tcp", net.JoinHostPort(e.Host, e.Port), e.Database
	cfg.Timeout = 10 * time.Second
	if !plain {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(e.CACertPEM) {
			return nil, errors.New("no CA certificate")
		}
		name := fmt.Sprintf("appcat-%d", mariadbTLSConfigs.Add(1))
		if err := mysql.RegisterTLSConfig(name, &tls.Config{RootCAs: roots, ServerName: e.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return nil, err
		}
		cfg.TLSConfig = name
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// PostgresEndpoint is how a client reaches a real PostgreSQL server of the platform.
type PostgresEndpoint struct {
	Host, Port, Database, User, Password string
	CACertPEM                            []byte
}

// Connect connects over TLS that verifies the server's certificate against the CA and the host,
// as sslmode=verify-full does; without TLS, when plain is set.
func (e PostgresEndpoint) Connect(ctx context.Context, plain bool) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig("postgres://" + net.JoinHostPort(e.Host, e.Port) + "/" + e.Database + "?sslmode=disable")
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password = e.User, e.Password
	cfg.ConnectTimeout = 10 * time.Second
	if !plain {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(e.CACertPEM) {
			return nil, errors.New("no CA certificate")
		}
		cfg.TLSConfig = &tls.Config{RootCAs: roots, ServerName: e.Host, MinVersion: tls.VersionTLS12}
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// WriteAndReadRow creates a table, writes a row and reads it back over conn, and tells whether
// the session is encrypted.
func WriteAndReadRow(ctx context.Context, conn *pgx.Conn, table, body string) (read string, ssl bool, err error) {
	if _, err := conn.Exec(ctx, "CREATE TABLE "+pgx.Identifier{table}.Sanitize()+" (id int PRIMARY KEY, body text)"); err != nil {
		return "", false, err
	}
	if _, err := conn.Exec(ctx, "INSERT INTO "+pgx.Identifier{table}.Sanitize()+" VALUES (1, $1)", body); err != nil {
		return "", false, err
	}
	err = conn.QueryRow(ctx, "SELECT t.body, s.ssl FROM "+pgx.Identifier{table}.Sanitize()+" t, pg_stat_ssl s WHERE t.id = 1 AND s.pid = pg_backend_pid()").Scan(&read, &ssl)
	return read, ssl, err
}

// RedisBinaries are where Debian's redis-server package puts the server.
var RedisBinaries = []string{"/usr/bin/redis-server"}

// RedisEndpoint is how a client reaches a real Redis server of the platform: it dials Address
// and verifies the server's certificate as Host (REDIS_HOST), as a client through a port-forward
// does.
type RedisEndpoint struct {
	Address, Host, Password string
	CACertPEM               []byte
	// ClientCertPEM and ClientKeyPEM are the client certificate (tls.crt, tls.key); none when empty.
	ClientCertPEM, ClientKeyPEM []byte
}

// Connect connects as the default user over verified TLS, and pings, so a refused handshake or
// login fails here.
func (e RedisEndpoint) Connect(ctx context.Context) (*redis.Client, error) {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(e.CACertPEM) {
		return nil, errors.New("no CA certificate")
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: e.Host, MinVersion: tls.VersionTLS12}
	if len(e.ClientCertPEM) > 0 {
		cert, err := tls.X509KeyPair(e.ClientCertPEM, e.ClientKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	c := redis.NewClient(&redis.Options{Addr: e.Address, Password: e.Password, TLSConfig: cfg,
		DialTimeout: 10 * time.Second, MaxRetries: -1, Protocol: 2})
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
