package controller

import (
	"slices"
	"strconv"
	"testing"
)

func TestCNPGGatewayConnectionKeys(t *testing.T) {
	pg := kindByName("VSHNPostgreSQL")
	withType := func(serviceType, composition string) connectionPlan {
		c := claim(pg, "db", "uid-1", map[string]any{"network": map[string]any{"serviceType": serviceType}})
		if composition != "" {
			c.Object["spec"].(map[string]any)["compositionRef"] = map[string]any{"name": composition}
		}
		return pg.connection(connectionInput{obj: c, namespace: "vshn-postgresql-db-abcde", password: "pw"})
	}

	plan := withType(serviceTypeTCPGateway, cnpgComposition)
	if got := plan.values[keyPGGatewayHost]; got != localGatewayDomain {
		t.Errorf("%s = %q, want %q", keyPGGatewayHost, got, localGatewayDomain)
	}
	port, err := strconv.Atoi(plan.values[keyPGGatewayPort])
	if err != nil || port < gatewayPortFirst || port > gatewayPortLast {
		t.Errorf("%s = %q, want a port in %d–%d", keyPGGatewayPort, plan.values[keyPGGatewayPort], gatewayPortFirst, gatewayPortLast)
	}
	if plan.leaf == nil || !slices.Contains(plan.leaf.dnsNames, localGatewayDomain) {
		t.Errorf("the server certificate must name the gateway host, got %+v", plan.leaf)
	}
	if again := withType(serviceTypeTCPGateway, cnpgComposition); again.values[keyPGGatewayPort] != plan.values[keyPGGatewayPort] {
		t.Errorf("the port of one instance changed: %s, then %s", plan.values[keyPGGatewayPort], again.values[keyPGGatewayPort])
	}
	if def := withType(serviceTypeTCPGateway, ""); def.values[keyPGGatewayHost] == "" {
		t.Errorf("the default composition is CloudNativePG: gateway keys expected")
	}

	for name, p := range map[string]connectionPlan{
		"ClusterIP":            withType("ClusterIP", cnpgComposition),
		"LoadBalancer":         withType("LoadBalancer", cnpgComposition),
		"TCPGateway/StackGres": withType(serviceTypeTCPGateway, "vshnpostgres.vshn.appcat.vshn.io"),
	} {
		if _, ok := p.values[keyPGGatewayHost]; ok {
			t.Errorf("%s: %s written", name, keyPGGatewayHost)
		}
		if _, ok := p.values[keyPGGatewayPort]; ok {
			t.Errorf("%s: %s written", name, keyPGGatewayPort)
		}
	}

	// MariaDB accepts TCPGateway but its composition routes nothing.
	mdb := kindByName("VSHNMariaDB")
	c := claim(mdb, "db", "uid-2", map[string]any{"network": map[string]any{"serviceType": serviceTypeTCPGateway}})
	for key := range mdb.connection(connectionInput{obj: c, namespace: "ns", password: "pw"}).values {
		if key == keyPGGatewayHost || key == keyPGGatewayPort || key == "MARIADB_GATEWAY_HOST" {
			t.Errorf("MariaDB wrote %s", key)
		}
	}
}
