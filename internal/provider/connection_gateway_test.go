package provider

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// gatewayDetailsMatchSecret checks connection_details.gateway_host/gateway_port against the
// connection secret's POSTGRESQL_GATEWAY_HOST/_PORT, and that the port is in AppCat's allocator
// range (10000–10999).
func gatewayDetailsMatchSecret(t *testing.T, k accKind, ns, secretName string) statecheck.StateCheck {
	cs := adminClientset(t)
	return stateCheckFunc(func(req statecheck.CheckStateRequest) error {
		s, err := cs.CoreV1().Secrets(ns).Get(context.Background(), secretName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		host, port := string(s.Data["POSTGRESQL_GATEWAY_HOST"]), string(s.Data["POSTGRESQL_GATEWAY_PORT"])
		n, err := strconv.Atoi(port)
		if host == "" || err != nil || n < 10000 || n > 10999 {
			return fmt.Errorf("secret %s/%s: gateway host %q, port %q; want a host and a port in 10000-10999", ns, secretName, host, port)
		}
		gotHost, err := stateValue(req, k.addr(), tfjsonpath.New("connection_details").AtMapKey("gateway_host"))
		if err != nil {
			return err
		}
		gotPort, err := stateValue(req, k.addr(), tfjsonpath.New("connection_details").AtMapKey("gateway_port"))
		if err != nil {
			return err
		}
		if gotHost != host || fmt.Sprint(gotPort) != port {
			return fmt.Errorf("connection_details has gateway %v:%v, the secret %s:%s", gotHost, gotPort, host, port)
		}
		return nil
	})
}

func TestAccPostgreSQLTCPGateway(t *testing.T) {
	t.Run("TCPGateway on CloudNativePG: gateway host and port in connection_details, import, back to ClusterIP", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		gateway := k.config(ns, name, "deletion_protection = false", `service_type = "TCPGateway"`)
		steps := []resource.TestStep{{
			Config:           gateway,
			ConfigPlanChecks: k.expectAction(plancheck.ResourceActionCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				k.stateIs("service_type", knownvalue.StringExact("TCPGateway")),
				k.connectionIs("gateway_host", knownvalue.StringExact("tcp-gateway.appcat.localhost")),
				k.connectionIs("gateway_port", knownvalue.NotNull()),
				k.connectionIs("load_balancer_ip", knownvalue.Null()),
				gatewayDetailsMatchSecret(t, k, ns, name+"-connection"),
				claimConverged(t, k.api, ns, name, specField("TCPGateway", "parameters", "network", "serviceType")),
			},
		}}
		steps = append(steps, k.importSteps(ns, name, gateway)...)
		steps = append(steps, resource.TestStep{
			// Back to ClusterIP in place: the platform no longer writes the gateway keys.
			Config: k.config(ns, name, "deletion_protection = false", `service_type = "ClusterIP"`),
			ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate,
				plancheck.ExpectUnknownValue(k.addr(), tfjsonpath.New("connection_details"))),
			ConfigStateChecks: []statecheck.StateCheck{
				k.connectionIs("gateway_host", knownvalue.Null()),
				k.connectionIs("gateway_port", knownvalue.Null()),
				claimConverged(t, k.api, ns, name, specField("ClusterIP", "parameters", "network", "serviceType")),
			},
		})
		k.test(t, steps...)
	})

	t.Run("no gateway keys where the platform routes none (StackGres)", func(t *testing.T) {
		k := pgAcc
		ns, name := testNamespace(t), k.name()
		k.test(t, resource.TestStep{
			Config: k.config(ns, name, "deletion_protection = false", `backend = "stackgres"`, `service_type = "TCPGateway"`),
			ConfigStateChecks: []statecheck.StateCheck{
				k.connectionIs("gateway_host", knownvalue.Null()),
				k.connectionIs("gateway_port", knownvalue.Null()),
				claimConverged(t, k.api, ns, name, specField("TCPGateway", "parameters", "network", "serviceType")),
			},
		})
	})

	t.Run("a service type the platform does not know is refused at plan time", func(t *testing.T) {
		for _, k := range []accKind{pgAcc, mariadbAcc} {
			t.Run(k.displayName, func(t *testing.T) {
				k.rejectedAtPlanTime(t, []badInput{
					{lines: []string{`service_type = "NodePort"`}, want: wrapped(`Attribute service_type value must be one of`)},
				})
			})
		}
	})
}
