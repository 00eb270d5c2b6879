package controller

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// mariadbServer runs a real MariaDB server (Debian's mariadb-server: mariadbd in /usr/sbin, the
// clients in /usr/bin). TLS is required, with the platform's server certificate for the load
// balancer IP; the admin is root, from anywhere, with the password of the connection secret.
type mariadbServer struct{ loadBalancedServer }

func (mariadbServer) name() string { return "MariaDB" }

func (mariadbServer) port() int { return 3306 }

func (mariadbServer) version() string { return binaryVersion(mariadbBinaries()["mariadbd"]) }

// shutdownSignal: mariadbd shuts down on SIGTERM and ignores SIGINT.
func (mariadbServer) shutdownSignal() syscall.Signal { return syscall.SIGTERM }

// mariadbBinaries are the paths of mariadbd and the client tools, looked up once.
var mariadbBinaries = sync.OnceValue(func() map[string]string {
	found := map[string]string{}
	for _, name := range []string{"mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin", "mariadb-dump"} {
		for _, dir := range []string{"/usr/sbin", "/usr/bin"} {
			if path := filepath.Join(dir, name); isExecutable(path) {
				found[name] = path
				break
			}
		}
		if found[name] == "" {
			if path, err := exec.LookPath(name); err == nil {
				found[name] = path
			}
		}
	}
	return found
})

func (mariadbServer) available() (bool, string) {
	if len(mariadbBinaries()) < 5 {
		return false, "MariaDB's server binaries (mariadbd, mariadb-install-db and the clients) are not on this machine: install Debian's mariadb-server package"
	}
	if _, err := serverOwner("mysql"); err != nil {
		return false, err.Error()
	}
	return true, ""
}

func (mariadbServer) prepare(ctx context.Context, dir string, spec serverSpec) error {
	owner, err := ownedServerDir(dir, "mysql")
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "mysql")); os.IsNotExist(err) {
		_ = os.RemoveAll(data) // a half-made one from an interrupted install
		install := asOwner(exec.CommandContext(ctx, mariadbBinaries()["mariadb-install-db"], "--no-defaults", "--datadir="+data,
			"--auth-root-authentication-method=normal", "--skip-test-db"), owner, syscall.SIGTERM)
		if out, err := install.CombinedOutput(); err != nil {
			return fmt.Errorf("mariadb-install-db: %w: %s", err, out)
		}
	}
	return writeServerCertificate(dir, spec, owner)
}

func (mariadbServer) command(dir string, spec serverSpec) *exec.Cmd {
	owner, _ := serverOwner("mysql") // prepare has checked it
	return asOwner(exec.Command(mariadbBinaries()["mariadbd"], "--no-defaults",
		"--datadir="+filepath.Join(dir, "data"),
		"--socket="+filepath.Join(dir, "mysqld.sock"),
		"--pid-file="+filepath.Join(dir, "mysqld.pid"),
		"--bind-address="+spec.ip,
		"--port="+strconv.Itoa(spec.port),
		"--ssl-cert="+filepath.Join(dir, "server.crt"),
		"--ssl-key="+filepath.Join(dir, "server.key"),
		"--ssl-ca="+filepath.Join(dir, "ca.crt"),
		"--require-secure-transport=ON",
		"--skip-name-resolve",
		// Small: one machine runs many of these, for tests and development.
		"--innodb-buffer-pool-size=16M",
		"--performance-schema=OFF",
		"--max-connections=30",
	), owner, syscall.SIGTERM)
}

func (mariadbServer) ready(ctx context.Context, dir string, spec serverSpec) error {
	// ping answers once the server is up, whatever the credentials.
	out, err := exec.CommandContext(ctx, mariadbBinaries()["mariadb-admin"], "--no-defaults", "--socket="+filepath.Join(dir, "mysqld.sock"), "ping").CombinedOutput()
	if err != nil {
		return fmt.Errorf("mariadb-admin ping: %w %s", err, out)
	}
	return nil
}

// client runs a MariaDB client tool as root through the socket: with the admin password, or,
// on a server that has none yet (just installed), without.
func (mariadbServer) client(ctx context.Context, dir string, spec serverSpec, tool string, stdin string, args ...string) ([]byte, error) {
	run := func(password string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, mariadbBinaries()[tool], append([]string{"--no-defaults", "--socket=" + filepath.Join(dir, "mysqld.sock"), "-uroot"}, args...)...)
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+password)
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %w: %s", tool, err, stderr.String())
		}
		return []byte(stdout.String()), nil
	}
	out, err := run(spec.password)
	if err != nil && strings.Contains(err.Error(), "Access denied") {
		return run("")
	}
	return out, err
}

// mariadbUsersSQL makes the admin and the database users as AppCat's composition does with
// provider-sql (vshnmariadb/user_management.go): a user per access entry, from any host, with
// its password; its database; its privileges (ALL without any) on that database. Nothing is
// dropped when a user goes, as on AppCat.
func mariadbUsersSQL(spec serverSpec) string {
	var b strings.Builder
	pw := mysqlLiteral(spec.password)
	fmt.Fprintf(&b, "ALTER USER 'root'@'localhost' IDENTIFIED BY %s;\n", pw)
	fmt.Fprintf(&b, "CREATE USER IF NOT EXISTS 'root'@'%%' IDENTIFIED BY %s;\nALTER USER 'root'@'%%' IDENTIFIED BY %s;\n", pw, pw)
	b.WriteString("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n")
	for _, u := range spec.users {
		user, upw := mysqlLiteral(u.name)+"@'%'", mysqlLiteral(u.password)
		fmt.Fprintf(&b, "CREATE USER IF NOT EXISTS %s IDENTIFIED BY %s;\nALTER USER %s IDENTIFIED BY %s;\n", user, upw, user, upw)
		fmt.Fprintf(&b, "CREATE DATABASE IF NOT EXISTS `%s`;\n", u.database)
		privileges := u.privileges
		if len(privileges) == 0 {
			privileges = []string{"ALL"}
		}
		fmt.Fprintf(&b, "GRANT %s ON `%s`.* TO %s;\n", strings.Join(privileges, ", "), u.database, user)
	}
	return b.String()
}

// mysqlLiteral quotes a string as a MariaDB string literal.
func mysqlLiteral(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

func (m mariadbServer) applyUsers(ctx context.Context, dir string, spec serverSpec) error {
	// mariadb-install-db also makes root@127.0.0.1, root@::1 and root@<host name> without a
	// password; they would win over root@'%' for connections from loopback addresses.
	hosts, err := m.client(ctx, dir, spec, "mariadb", "", "-N", "-e", "SELECT host FROM mysql.user WHERE user = 'root' AND host NOT IN ('localhost', '%')")
	if err != nil {
		return err
	}
	var drop strings.Builder
	for _, host := range strings.Fields(string(hosts)) {
		fmt.Fprintf(&drop, "DROP USER IF EXISTS 'root'@%s;\n", mysqlLiteral(host))
	}
	_, err = m.client(ctx, dir, spec, "mariadb", drop.String()+mariadbUsersSQL(spec))
	return err
}

func (m mariadbServer) dump(ctx context.Context, dir string, spec serverSpec, out string) error {
	dump, err := m.client(ctx, dir, spec, "mariadb-dump", "", "--all-databases", "--single-transaction")
	if err != nil {
		return err
	}
	return os.WriteFile(out, dump, 0o600)
}

// load runs the dump, which brings the source's users with it; applyUsers, which follows every
// start, gives the admin and the users their own passwords again.
func (m mariadbServer) load(ctx context.Context, dir string, spec serverSpec, path string) error {
	dump, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = m.client(ctx, dir, spec, "mariadb", string(dump))
	return err
}
