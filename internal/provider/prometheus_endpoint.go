package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Prometheus-compatible query endpoint a data source reads SLI series from. AppCat serves no
// SLA figures through the Kubernetes API; VSHN's reporter reads them from such an endpoint, and
// the user names one here.

// prometheusURLEnv is the environment variable prometheus_url falls back to.
const prometheusURLEnv = "APPCAT_PROMETHEUS_URL"

// prometheusEndpointModel are the endpoint attributes of a data source that queries it.
type prometheusEndpointModel struct {
	URL     types.String `tfsdk:"prometheus_url"`
	Headers types.Map    `tfsdk:"prometheus_headers"`
	CA      types.String `tfsdk:"prometheus_ca_certificate"`
}

func prometheusEndpointAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"prometheus_url": schema.StringAttribute{Optional: true, MarkdownDescription: "Base URL of a Prometheus-compatible HTTP API " +
			"(Prometheus, Thanos, Mimir; without `/api/v1`) " + what + " Defaults to the environment variable `" + prometheusURLEnv + "`."},
		"prometheus_headers": schema.MapAttribute{Optional: true, Sensitive: true, ElementType: types.StringType,
			MarkdownDescription: "HTTP headers sent with every query, e.g. `X-Scope-OrgID` for a Mimir tenant (as VSHN's reporter sends) or `Authorization`."},
		"prometheus_ca_certificate": schema.StringAttribute{Optional: true, MarkdownDescription: "PEM CA certificate to trust for an `https` " +
			"`prometheus_url` instead of the system's CAs."},
	}
}

// url is the configured endpoint (attribute, else environment), "" when none.
func (m prometheusEndpointModel) url() string {
	if !m.URL.IsNull() && !m.URL.IsUnknown() && m.URL.ValueString() != "" {
		return m.URL.ValueString()
	}
	return os.Getenv(prometheusURLEnv)
}

// api is a client of the configured endpoint; it reports on prometheus_url when there is none or
// it is invalid. why says what the endpoint is needed for.
func (m prometheusEndpointModel) api(ctx context.Context, why string, diags *diag.Diagnostics) (promv1.API, bool) {
	u := m.url()
	if u == "" {
		diags.AddAttributeError(path.Root("prometheus_url"), "No Prometheus endpoint configured",
			why+" AppCat has no Kubernetes API for SLA figures: VSHN's SLA reporter computes them from the recorded SLI series "+
				"slo:sli_error:ratio_rate5m and the target sla:objective:ratio in a Prometheus-compatible endpoint. Set prometheus_url "+
				"(or "+prometheusURLEnv+") to such an endpoint, with prometheus_headers for its tenant or credentials.")
		return nil, false
	}
	cfg := appcat.PrometheusConfig{URL: u, CACertificatePEM: m.CA.ValueString()}
	if !m.Headers.IsNull() && !m.Headers.IsUnknown() {
		cfg.Headers = map[string]string{}
		diags.Append(m.Headers.ElementsAs(ctx, &cfg.Headers, false)...)
	}
	api, err := appcat.NewPrometheusAPI(cfg)
	if err != nil {
		diags.AddAttributeError(path.Root("prometheus_url"), "Invalid Prometheus endpoint", err.Error())
		return nil, false
	}
	return api, !diags.HasError()
}
