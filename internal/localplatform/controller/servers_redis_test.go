package controller_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// redisEndpoint is where a client reaches the Redis claim's server (its address on this machine,
// as a port-forward gives) and how it authenticates, from the connection secret.
func redisEndpoint(obj *unstructured.Unstructured, data map[string][]byte, withClientCert bool) platformtest.RedisEndpoint {
	e := platformtest.RedisEndpoint{
		Address: net.JoinHostPort(controller.ServerIP(string(obj.GetUID())), string(data["REDIS_PORT"])),
		Host:    string(data["REDIS_HOST"]), Password: string(data["REDIS_PASSWORD"]), CACertPEM: data["ca.crt"],
	}
	if withClientCert {
		e.ClientCertPEM, e.ClientKeyPEM = data["tls.crt"], data["tls.key"]
	}
	return e
}

// TestRedisRealServer: every Redis claim gets a real server (upstream's Redis cannot ask for a
// load balancer). The default user connects with the secret's password and client certificate
// over TLS verified as REDIS_HOST and writes a key; without the client certificate, or with a
// wrong password, it is refused. A backup holds the key; an instance restored from that backup
// has the keys written before it and not those written after; deleting the claims removes
// their data.
func TestRedisRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "Redis (Debian package redis-server)", platformtest.RedisBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	src := uniqueName("realredis")
	obj := newClaim(redis, src, src+"-conn", map[string]any{
		// A backup every wall second; kept long enough for the test.
		"backup": map[string]any{"schedule": "0 * * * *", "retention": map[string]any{"keepLast": int64(1000)}}})
	obj.SetAnnotations(map[string]string{clockSpeedAnnotation: "3600"})
	obj = createClaim(t, u, redis, obj)
	waitReady(t, u, redis, userNS(), src)
	data := getSecret(t, u, userNS(), src+"-conn").Data

	c, err := redisEndpoint(obj, data, true).Connect(ctx)
	if err != nil {
		t.Fatalf("connecting with the password and client certificate over TLS verified as %s: %v", data["REDIS_HOST"], err)
	}
	defer c.Close()
	if err := c.Set(ctx, "before", "A", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "before").Result(); err != nil || got != "A" {
		t.Fatalf("read back %q (%v), want A", got, err)
	}
	if other, err := redisEndpoint(obj, data, false).Connect(ctx); err == nil {
		other.Close()
		t.Error("a client without a certificate was accepted (tls.authClients is true by default)")
	}
	wrong := redisEndpoint(obj, data, true)
	wrong.Password = "wrong"
	if other, err := wrong.Connect(ctx); err == nil {
		other.Close()
		t.Error("a wrong password was accepted")
	}

	backup := newBackup(t, u, redis, src, "a backup taken after the key was written")
	if err := c.Set(ctx, "after", "B", 0).Err(); err != nil {
		t.Fatal(err)
	}

	name := uniqueName("realredisrst")
	restored := createClaim(t, u, redis, newClaim(redis, name, name+"-conn", map[string]any{
		"restore": map[string]any{"claimName": src, "backupName": backup}}))
	waitReady(t, u, redis, userNS(), name)
	own := getSecret(t, u, userNS(), name+"-conn").Data
	r, err := redisEndpoint(restored, own, true).Connect(ctx)
	if err != nil {
		t.Fatalf("connecting to the restored instance with its own password: %v", err)
	}
	defer r.Close()
	if got, err := r.Get(ctx, "before").Result(); err != nil || got != "A" {
		t.Errorf("key written before backup %s, in the restored instance: %q (%v), want A", backup, got, err)
	}
	if got, err := r.Get(ctx, "after").Result(); !errors.Is(err, goredis.Nil) {
		t.Errorf("key written after backup %s, in the restored instance: %q (%v), want none", backup, got, err)
	}

	for _, claim := range []*unstructured.Unstructured{obj, restored} {
		dir := filepath.Join(platformtest.Platform().ServerDir(), string(claim.GetUID()))
		deleteClaimAndWait(t, redis, userNS(), claim.GetName())
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("the server's data directory %s is still there after the claim was deleted (%v)", dir, err)
		}
	}
}

// TestRealServerStartsAgainAfterExit: a real server that dies is started again, without any
// change to its claim, and answers with the same credentials.
func TestRealServerStartsAgainAfterExit(t *testing.T) {
	platformtest.RequireServerBinaries(t, "Redis (Debian package redis-server)", platformtest.RedisBinaries...)
	u := user(t)
	ctx := ctxFor(t)
	name := uniqueName("redisexit")
	obj := createClaim(t, u, redis, newClaim(redis, name, name+"-conn", nil))
	waitReady(t, u, redis, userNS(), name)
	endpoint := redisEndpoint(obj, getSecret(t, u, userNS(), name+"-conn").Data, true)
	if c, err := endpoint.Connect(ctx); err != nil {
		t.Fatal(err)
	} else {
		c.Close()
	}
	pidFile := filepath.Join(platformtest.Platform().ServerDir(), string(obj.GetUID()), "redis.pid")
	pidText, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	// Let the reconciles that creating the claim set off end first, so that only the exit can
	// wake it again.
	time.Sleep(3 * time.Second)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server answering again after it was killed", func() (bool, error) {
		c, err := endpoint.Connect(ctx)
		if err != nil {
			return false, err
		}
		c.Close()
		return true, nil
	})
	if now, _ := os.ReadFile(pidFile); string(now) == string(pidText) {
		t.Errorf("the server answers under the killed process id %s", pidText)
	}
	deleteClaimAndWait(t, redis, userNS(), name)
}
