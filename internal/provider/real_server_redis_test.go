package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	goredis "github.com/redis/go-redis/v9"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestAccRedisRealServer: where Redis' server is installed, every Redis instance is a real
// server. A user takes the resource's connection details — password, client certificate and
// key, CA — reaches the server where a port-forward would (upstream's Redis has no load balancer)
// and verifies it as connection_details.host: key A, then a backup, then key B. An instance
// restored from that backup has A and not B, and answers to its own password.
func TestAccRedisRealServer(t *testing.T) {
	platformtest.RequireServerBinaries(t, "Redis (Debian package redis-server)", platformtest.RedisBinaries...)
	ns, src, restored := testNamespace(t), redisAcc.name(), redisAcc.name()
	source := adminProvider(ns) +
		redisAcc.instance("src", src, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed)) +
		block("resource", "appcat_backup_policy", "src", append(redisAcc.attachedTo("src"), backupEveryPlatformMinute, `keep_last = 100`)...)
	withRestore := source + `
variable "backup_name" { type = string }
` + redisAcc.instance("restored", restored,
		"restore = {", `  source_instance = `+redisAcc.ref("src", "name"), `  backup_name = var.backup_name`, "}")
	var backup string
	redisAcc.test(t,
		resource.TestStep{
			Config: source,
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				c, err := redisEndpointOf(t, s, ns, redisAcc.addrOf("src")).Connect(ctx)
				if err != nil {
					return fmt.Errorf("connecting with the password and client certificate over verified TLS: %w", err)
				}
				defer c.Close()
				if err := c.Set(ctx, "before", "A", 0).Err(); err != nil {
					return err
				}
				backup = newBackup(t, ns, redisAcc.api)
				return c.Set(ctx, "after", "B", 0).Err()
			},
		},
		resource.TestStep{
			Config:          withRestore,
			ConfigVariables: config.Variables{"backup_name": lateString{&backup}},
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				c, err := redisEndpointOf(t, s, ns, redisAcc.addrOf("restored")).Connect(ctx)
				if err != nil {
					return fmt.Errorf("connecting to the restored instance with its own credentials: %w", err)
				}
				defer c.Close()
				if got, err := c.Get(ctx, "before").Result(); err != nil || got != "A" {
					return fmt.Errorf("key written before backup %s, restored: %q (%v), want A", backup, got, err)
				}
				if got, err := c.Get(ctx, "after").Result(); !errors.Is(err, goredis.Nil) {
					return fmt.Errorf("key written after backup %s, restored: %q (%v), want none", backup, got, err)
				}
				return nil
			},
		},
	)
}

// redisEndpointOf is how a user reaches the real server of the Redis instance at addr: the
// connection details in state, at the address a port-forward to the instance gives on this
// platform (ServerIP of the claim).
func redisEndpointOf(t *testing.T, s *terraform.State, ns, addr string) platformtest.RedisEndpoint {
	a := s.RootModule().Resources[addr].Primary.Attributes
	claim, err := adminDynamic(t).Resource(redisAcc.api.GVR()).Namespace(ns).Get(context.Background(), a["name"], metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the claim of %s: %v", addr, err)
	}
	return platformtest.RedisEndpoint{
		Address: net.JoinHostPort(controller.ServerIP(string(claim.GetUID())), a["connection_details.port"]),
		Host:    a["connection_details.host"], Password: a["connection_details.password"],
		CACertPEM:     []byte(a["connection_details.ca_certificate"]),
		ClientCertPEM: []byte(a["connection_details.client_certificate"]),
		ClientKeyPEM:  []byte(a["connection_details.client_key"]),
	}
}
