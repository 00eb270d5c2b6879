package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan-time warnings of the issue-13 fields, where upstream accepts a value that does nothing.

func TestWarnGatewayUnrouted(t *testing.T) {
	var diags diag.Diagnostics
	warnGatewayUnrouted(types.StringValue("ClusterIP"), "MariaDB", &diags)
	warnGatewayUnrouted(types.StringValue("LoadBalancer"), "MariaDB", &diags)
	if len(diags) != 0 {
		t.Fatalf("no warning expected for ClusterIP and LoadBalancer, got %v", diags)
	}
	warnGatewayUnrouted(types.StringValue("TCPGateway"), "MariaDB", &diags)
	if len(diags) != 1 || diags.HasError() || diags[0].Severity() != diag.SeverityWarning {
		t.Fatalf("want one warning, got %v", diags)
	}
	d, ok := diags[0].(diag.DiagnosticWithPath)
	if !ok || !d.Path().Equal(path.Root("service_type")) || !strings.Contains(d.Detail(), "MariaDB") {
		t.Errorf("the warning must be on service_type and name the kind: %v", diags[0])
	}
}

func TestCheckCompositionRevision(t *testing.T) {
	for _, tc := range []struct {
		policy, revision types.String
		warn             bool
	}{
		{types.StringValue("Automatic"), types.StringValue("rev-1"), true},
		{types.StringValue("Manual"), types.StringValue("rev-1"), false},
		{types.StringNull(), types.StringValue("rev-1"), false},
		{types.StringValue("Automatic"), types.StringNull(), false},
		{types.StringValue("Automatic"), types.StringUnknown(), false},
	} {
		var diags diag.Diagnostics
		checkCompositionRevision(context.Background(), &instanceModel{CompositionUpdatePolicy: tc.policy, CompositionRevision: tc.revision}, &diags)
		if diags.HasError() || (len(diags) == 1) != tc.warn || len(diags) > 1 {
			t.Errorf("policy %s, revision %s: got %v, want a warning: %v", tc.policy, tc.revision, diags, tc.warn)
		}
	}
}
