package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Access through AppCat's TCP gateway (spec.parameters.network.serviceType = TCPGateway): the
// CloudNativePG composition routes a port of a shared Gateway API gateway to the instance and
// writes the gateway's host and that port into the connection secret.

const serviceTypeTCPGateway = "TCPGateway"

const (
	serviceTypeDoc = "`ClusterIP` (default: reachable inside the cluster), `LoadBalancer` (reachable from outside; `connection_details.load_balancer_ip`) " +
		"or `TCPGateway` (reachable from outside through the platform's shared TCP gateway; `connection_details.gateway_host` and `gateway_port`). " +
		"TCPGateway is routed for PostgreSQL on CloudNativePG only, and only where the cluster's operator has enabled the gateway; " +
		"the platform accepts it for MariaDB and StackGres too but routes nothing (the plan warns)."
	gatewayHostDoc = "Host name of the TCP gateway that reaches the instance from outside the cluster, with `service_type = \"TCPGateway\"` " +
		"(PostgreSQL on CloudNativePG; `POSTGRESQL_GATEWAY_HOST`). Null where the platform does not write it."
	gatewayPortDoc = "Port on `gateway_host` that the platform allocated to the instance, with `service_type = \"TCPGateway\"` " +
		"(`POSTGRESQL_GATEWAY_PORT`). Null where the platform does not write it."
)

// secretPort reads a port number from a connection secret; null when the key is absent or not a number.
func secretPort(secret map[string][]byte, key string) types.Int64 {
	if key == "" {
		return types.Int64Null()
	}
	v, ok := secret[key]
	if !ok {
		return types.Int64Null()
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	if err != nil {
		return types.Int64Null()
	}
	return types.Int64Value(n)
}

// warnGatewayUnrouted warns that the platform accepts TCPGateway where no composition routes
// it: the instance is then reachable inside the cluster only and no gateway keys are written.
func warnGatewayUnrouted(serviceType types.String, where string, diags *diag.Diagnostics) {
	if serviceType.ValueString() != serviceTypeTCPGateway {
		return
	}
	diags.AddAttributeWarning(path.Root("service_type"), "TCPGateway is not routed for "+where,
		fmt.Sprintf("The platform accepts service_type = %q for %s, but only PostgreSQL on CloudNativePG creates a TCP gateway route. "+
			"This instance stays reachable inside the cluster only, and connection_details.gateway_host and gateway_port stay null.",
			serviceTypeTCPGateway, where))
}
