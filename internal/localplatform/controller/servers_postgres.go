package controller

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
)

// postgresServer runs a real PostgreSQL server (Debian's postgresql package: the binaries are in
// /usr/lib/postgresql/<major>/bin; APPCAT_POSTGRES_BIN_DIR names another directory).
type postgresServer struct{ loadBalancedServer }

func (postgresServer) name() string { return "PostgreSQL" }

func (postgresServer) port() int { return 5432 }

func (postgresServer) version() string {
	return binaryVersion(filepath.Join(postgresBinDir(), "postgres"))
}

// shutdownSignal: SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for the clients to leave).
func (postgresServer) shutdownSignal() syscall.Signal { return syscall.SIGINT }

// postgresBinDir is the directory with initdb and postgres, looked up once: the controller asks
// on every reconcile of a load-balanced instance and while it polls a starting server.
var postgresBinDir = sync.OnceValue(findPostgresBinDir)

// findPostgresBinDir finds the directory with initdb and postgres: the newest major version.
func findPostgresBinDir() string {
	if dir := os.Getenv("APPCAT_POSTGRES_BIN_DIR"); dir != "" {
		return dir
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		return majorOfDir(b) - majorOfDir(a)
	})
	for _, dir := range dirs {
		if isExecutable(filepath.Join(dir, "postgres")) && isExecutable(filepath.Join(dir, "initdb")) {
			return dir
		}
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(initdb)
	}
	return ""
}

func majorOfDir(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func (postgresServer) available() (bool, string) {
	if postgresBinDir() == "" {
		return false, "PostgreSQL's server binaries (initdb, postgres) are not on this machine: install Debian's postgresql package"
	}
	if _, err := serverOwner("postgres"); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// pgHBA: TLS connections with a password from anywhere; the socket, in the server's private
// directory, for the platform itself.
const pgHBA = `local all all trust
hostssl all all 0.0.0.0/0 scram-sha-256
hostssl all all ::/0 scram-sha-256
`

func (postgresServer) prepare(ctx context.Context, dir string, spec serverSpec) error {
	owner, err := ownedServerDir(dir, "postgres")
	if err != nil {
		return err
	}
	bin := postgresBinDir()
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); os.IsNotExist(err) {
		pwfile := filepath.Join(dir, "initial-password")
		if err := ownedFile(pwfile, []byte(spec.password+"\n"), 0o600, owner); err != nil {
			return err
		}
		defer os.Remove(pwfile)
		_ = os.RemoveAll(data) // a half-made one from an interrupted initdb
		initdb := asOwner(exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
			"--pwfile="+pwfile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync", "--no-instructions"), owner, syscall.SIGINT)
		if out, err := initdb.CombinedOutput(); err != nil {
			return fmt.Errorf("initdb: %w: %s", err, out)
		}
	}
	if err := writeServerCertificate(dir, spec, owner); err != nil {
		return err
	}
	return ownedFile(filepath.Join(data, "pg_hba.conf"), []byte(pgHBA), 0o600, owner)
}

func (postgresServer) command(dir string, spec serverSpec) *exec.Cmd {
	owner, _ := serverOwner("postgres") // prepare has checked it
	settings := []string{
		"listen_addresses=" + spec.ip,
		"port=" + strconv.Itoa(spec.port),
		"unix_socket_directories=" + dir,
		"ssl=on",
		"ssl_cert_file=" + filepath.Join(dir, "server.crt"),
		"ssl_key_file=" + filepath.Join(dir, "server.key"),
		"ssl_ca_file=" + filepath.Join(dir, "ca.crt"),
		// Small and fast: one machine runs many of these, for tests and development.
		"shared_buffers=16MB",
		"max_connections=30",
		"fsync=off",
		"synchronous_commit=off",
		"full_page_writes=off",
		"logging_collector=off",
	}
	args := []string{"-D", filepath.Join(dir, "data")}
	for _, s := range settings {
		args = append(args, "-c", s)
	}
	return asOwner(exec.Command(filepath.Join(postgresBinDir(), "postgres"), args...), owner, syscall.SIGINT)
}

func (postgresServer) ready(ctx context.Context, dir string, spec serverSpec) error {
	// Through the socket: pg_isready answers "accepting connections" once the server is up.
	out, err := exec.CommandContext(ctx, filepath.Join(postgresBinDir(), "pg_isready"), "-q", "-h", dir, "-p", strconv.Itoa(spec.port)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_isready: %w %s", err, out)
	}
	return nil
}

func (postgresServer) dump(ctx context.Context, dir string, spec serverSpec, out string) error {
	dump := exec.CommandContext(ctx, filepath.Join(postgresBinDir(), "pg_dumpall"), "-h", dir, "-p", strconv.Itoa(spec.port), "-U", "postgres", "-f", out)
	if b, err := dump.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_dumpall: %w: %s", err, b)
	}
	return nil
}

// load runs the dump as pg_dumpall wrote it: its CREATE ROLE postgres fails on the fresh
// server, which already has that role, and psql goes on. The dump also sets the source's admin
// password; the server's own is set again afterwards.
func (postgresServer) load(ctx context.Context, dir string, spec serverSpec, path string) error {
	psql := func(args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(postgresBinDir(), "psql"), append([]string{"-X", "-q", "-h", dir, "-p", strconv.Itoa(spec.port), "-U", "postgres", "-d", "postgres"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("psql: %w: %s", err, out)
		}
		return nil
	}
	if err := psql("-f", path); err != nil {
		return err
	}
	return psql("-v", "ON_ERROR_STOP=1", "-c", "ALTER ROLE postgres PASSWORD "+pgLiteral(spec.password))
}
