package controller

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
)

// The TCP gateway (spec.parameters.network.serviceType TCPGateway), as AppCat's CloudNativePG
// composition does it (vshn/appcat pkg/comp-functions/functions/vshnpostgrescnpg/tcpgateway.go
// and common/tcproute): the instance gets a listener port on a shared Gateway API gateway, and
// the connection secret gains POSTGRESQL_GATEWAY_HOST (the gateway's domain) and
// POSTGRESQL_GATEWAY_PORT (the allocated port); the server certificate names the gateway host.
// StackGres and the other kinds accept the value but route nothing, so they write no gateway
// keys. The local platform runs no gateway: it only publishes what the real one would.

const (
	serviceTypeTCPGateway = "TCPGateway"
	cnpgComposition       = "vshnpostgrescnpg.vshn.appcat.vshn.io"

	// localGatewayDomain is the local platform's one gateway (upstream: the tcpGateways
	// composition input maps gateway names to their domains).
	localGatewayDomain = "tcp-gateway.appcat.localhost"
	// The port range of AppCat's allocator (cmd/controller.go --tcp-port-range-start/-end).
	gatewayPortFirst = 10000
	gatewayPortLast  = 10999

	keyPGGatewayHost = "POSTGRESQL_GATEWAY_HOST"
	keyPGGatewayPort = "POSTGRESQL_GATEWAY_PORT"
)

// gatewayPort is the port "allocated" to an instance: drawn from its claim UID, so it is stable
// per instance. Unlike AppCat's lease-based allocator it does not rule out two instances
// sharing a port; nothing listens on it locally.
func gatewayPort(uid string) int {
	sum := sha256.Sum256([]byte(uid + "/tcpgateway"))
	return gatewayPortFirst + int(binary.BigEndian.Uint32(sum[:4])%uint32(gatewayPortLast-gatewayPortFirst+1))
}

// withCNPGGateway adds the gateway keys to PostgreSQL's connection details where AppCat writes
// them: serviceType TCPGateway on the CloudNativePG composition.
func withCNPGGateway(connection func(connectionInput) connectionPlan) func(connectionInput) connectionPlan {
	return func(in connectionInput) connectionPlan {
		plan := connection(in)
		composition := specString(in.obj, "compositionRef", "name")
		if stringParam(in.obj, "ClusterIP", "network", "serviceType") != serviceTypeTCPGateway ||
			(composition != "" && composition != cnpgComposition) {
			return plan
		}
		plan.values[keyPGGatewayHost] = localGatewayDomain
		plan.values[keyPGGatewayPort] = strconv.Itoa(gatewayPort(string(in.obj.GetUID())))
		if plan.leaf != nil {
			plan.leaf.dnsNames = append(plan.leaf.dnsNames, localGatewayDomain)
		}
		return plan
	}
}
