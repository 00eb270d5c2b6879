package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The computed `logs` attribute of every instance resource and data source: where the
// instance's logs are. AppCat runs every pod of an instance in its instance namespace and
// nothing else there, so the namespace selects them: users with access to the instance read
// them with kubectl (ClusterRole appcat:services:read grants pods/log there) or in the
// platform's log store (Loki) with the LogQL stream selector.

var logsAttrTypes = map[string]attr.Type{
	"namespace": types.StringType,
	"query":     types.StringType,
}

func logsAttribute() schema.Attribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "Where the instance's logs are (null until the platform has provisioned it). See the " +
			"[logs and metrics guide](../guides/logs-and-metrics).",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{Computed: true, MarkdownDescription: "Namespace of the instance's pods (the instance " +
				"namespace): `kubectl logs --namespace <namespace> <pod> --all-containers`."},
			"query": schema.StringAttribute{Computed: true, MarkdownDescription: "LogQL stream selector that selects the logs of " +
				"the instance's pods, e.g. `{namespace=\"vshn-postgresql-shop-db-x7k2q\"}`."},
		},
	}
}

// logsObject is the `logs` value for an instance namespace ("" : null).
func logsObject(instanceNS string, diags *diag.Diagnostics) types.Object {
	if instanceNS == "" {
		return types.ObjectNull(logsAttrTypes)
	}
	obj, ds := types.ObjectValue(logsAttrTypes, map[string]attr.Value{
		"namespace": types.StringValue(instanceNS),
		"query":     types.StringValue(fmt.Sprintf(`{namespace=%q}`, instanceNS)),
	})
	diags.Append(ds...)
	return obj
}
