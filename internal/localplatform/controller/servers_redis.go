package controller

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// redisServer runs a real Redis server (Debian's redis-server) for every Redis instance. Upstream's
// VSHNRedis has no service type: its server is reachable inside the cluster only, under the
// names of the connection secret's REDIS_HOST, and from outside through a port-forward. The
// platform's server stands for that port-forward: it listens on the instance's loopback address
// (loadBalancerIP, not written to the secret, as upstream writes none) with a certificate for
// the in-cluster names, so a client dials that address and verifies the server as REDIS_HOST.
// As upstream (vshnredis/redis_deploy.go), TLS is on and clients need a certificate from the
// instance's CA unless the claim's tls settings turn them off; the password is the default
// user's.
type redisServer struct{}

func (redisServer) name() string { return "Redis" }

func (redisServer) port() int { return 6379 }

func (redisServer) version() string { return binaryVersion(redisServerPath) }

// shutdownSignal: on SIGTERM Redis saves its dataset and exits.
func (redisServer) shutdownSignal() syscall.Signal { return syscall.SIGTERM }

func (redisServer) wanted(*unstructured.Unstructured) bool { return true }

// describe: the certificate names upstream's server certificate has (redis_deploy.go:
// redis-headless, and with more than one instance redis-master and each node), and the claim's
// tls.enabled and tls.authClients, both true by default.
func (redisServer) describe(obj *unstructured.Unstructured, instanceNS string, spec *serverSpec) {
	spec.dnsNames = hostNames("redis-headless", instanceNS)
	if instances := intParam(obj, 1, "instances"); instances > 1 {
		spec.dnsNames = append(spec.dnsNames, hostNames("redis-master", instanceNS)...)
		for i := range instances {
			spec.dnsNames = append(spec.dnsNames, hostNames(fmt.Sprintf("redis-node-%d.redis-headless", i), instanceNS)...)
		}
	}
	spec.plainText = !boolParam(obj, true, "tls", "enabled")
	spec.clientCerts = !spec.plainText && boolParam(obj, true, "tls", "authClients")
}

const redisServerPath, redisCLIPath = "/usr/bin/redis-server", "/usr/bin/redis-cli"

func (redisServer) available() (bool, string) {
	if !isExecutable(redisServerPath) || !isExecutable(redisCLIPath) {
		return false, "Redis' server binaries (redis-server, redis-cli) are not on this machine: install Debian's redis-server package"
	}
	if _, err := serverOwner("redis"); err != nil {
		return false, err.Error()
	}
	return true, ""
}

func (redisServer) prepare(ctx context.Context, dir string, spec serverSpec) error {
	owner, err := ownedServerDir(dir, "redis")
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	if err := chownTo(data, owner); err != nil {
		return err
	}
	if err := writeServerCertificate(dir, spec, owner); err != nil {
		return err
	}
	// The configuration holds the password: private to the server's user.
	return ownedFile(filepath.Join(dir, "redis.conf"), []byte(redisConfig(dir, spec)), 0o600, owner)
}

// redisConfig is the server's configuration: TLS only (or plain TCP only), on the instance's
// address; the socket, in the server's private directory, for the platform itself.
func redisConfig(dir string, spec serverSpec) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("bind %s", spec.ip)
	if spec.plainText {
		line("port %d", spec.port)
	} else {
		line("port 0")
		line("tls-port %d", spec.port)
		line("tls-cert-file %s", redisQuote(filepath.Join(dir, "server.crt")))
		line("tls-key-file %s", redisQuote(filepath.Join(dir, "server.key")))
		line("tls-ca-cert-file %s", redisQuote(filepath.Join(dir, "ca.crt")))
		line("tls-auth-clients %s", map[bool]string{true: "yes", false: "no"}[spec.clientCerts])
	}
	line("unixsocket %s", redisQuote(filepath.Join(dir, "redis.sock")))
	line("unixsocketperm 700")
	line("requirepass %s", redisQuote(spec.password))
	line("dir %s", redisQuote(filepath.Join(dir, "data")))
	line("dbfilename dump.rdb")
	// Redis' own default save points, so that the data survives the platform's restart.
	line("save 3600 1 300 100 60 10000")
	// A backup's dump is fetched as a replica fetches its first copy (redis-cli --rdb, dump). With
	// diskless sync, the server first waits repl-diskless-sync-delay (5 s by default) for more
	// replicas to join; there are none.
	line("repl-diskless-sync-delay 0")
	// DEBUG RELOAD loads a restored dump (load), through the socket only.
	line("enable-debug-command local")
	line("pidfile %s", redisQuote(filepath.Join(dir, "redis.pid")))
	line("daemonize no")
	line(`logfile ""`)
	// Small: one machine runs many of these, for tests and development.
	line("maxclients 100")
	return b.String()
}

// redisQuote quotes a configuration value as Redis' parser reads a double-quoted string.
func redisQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (redisServer) command(dir string, spec serverSpec) *exec.Cmd {
	owner, _ := serverOwner("redis") // prepare has checked it
	return asOwner(exec.Command(redisServerPath, filepath.Join(dir, "redis.conf")), owner, syscall.SIGTERM)
}

// cli runs redis-cli through the socket as the default user; -e makes an error reply fail it.
func (redisServer) cli(ctx context.Context, dir string, spec serverSpec, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, redisCLIPath, append([]string{"-e", "-s", filepath.Join(dir, "redis.sock")}, args...)...)
	cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+spec.password) // not on the command line
	out, err := cmd.CombinedOutput()
	reply := strings.TrimSpace(string(out))
	if err != nil {
		return "", fmt.Errorf("redis-cli %s: %w: %s", args[0], err, reply)
	}
	return reply, nil
}

func (r redisServer) ready(ctx context.Context, dir string, spec serverSpec) error {
	reply, err := r.cli(ctx, dir, spec, "PING")
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("redis-cli PING: %s", reply)
	}
	return nil
}

// applyUsers: upstream's Redis has one user, the default one, whose password the configuration
// sets.
func (redisServer) applyUsers(context.Context, string, serverSpec) error { return nil }

// dump writes an RDB snapshot of the server, as upstream's backup saves the dataset (SAVE) and
// archives it.
func (r redisServer) dump(ctx context.Context, dir string, spec serverSpec, out string) error {
	_, err := r.cli(ctx, dir, spec, "--rdb", out)
	return err
}

// load replaces the fresh server's (empty) dataset with the snapshot at path, as upstream's
// restore puts the backup's files in the data directory of the new instance's server. The
// password is in the configuration, not the dataset, so the server keeps its own.
func (r redisServer) load(ctx context.Context, dir string, spec serverSpec, path string) error {
	rdb, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	owner, err := serverOwner("redis")
	if err != nil {
		return err
	}
	if err := ownedFile(filepath.Join(dir, "data", "dump.rdb"), rdb, 0o600, owner); err != nil {
		return err
	}
	// NOSAVE: load the file instead of first saving the running (empty) dataset over it.
	_, err = r.cli(ctx, dir, spec, "DEBUG", "RELOAD", "NOSAVE")
	return err
}
