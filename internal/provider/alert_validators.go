package provider

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Plan-time validation of alert channel input: URLs, email addresses and SMTP smarthosts, each
// reported on the attribute that holds the value.

// httpURLValidator accepts absolute http and https URLs with a host.
type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "must be an absolute http or https URL with a host, e.g. `https://hooks.example.com/alerts`"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkHTTPURL(req.ConfigValue.ValueString()); err != nil {
		// The value may be a credential (a Slack or Teams webhook URL): never repeat it.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s: %s.", req.Path, v.Description(ctx), err))
	}
}

func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("it does not parse as a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the scheme is %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("it has no host")
	case strings.ContainsAny(s, " \t\n"):
		return fmt.Errorf("it contains white space")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("the port %q is not a number from 1 to 65535", p)
		}
	}
	return nil
}

// emailListValidator accepts one email address, or with list set, a comma-separated list of them
// (as AppCat's spec.parameters.monitoring.email). Addresses are bare: `a@example.com`, no names.
type emailListValidator struct{ list bool }

func (v emailListValidator) Description(context.Context) string {
	if v.list {
		return "must be a comma-separated list of email addresses, e.g. `ops@example.com, dba@example.com`"
	}
	return "must be an email address, e.g. `alerts@example.com`"
}

func (v emailListValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v emailListValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	parts := []string{req.ConfigValue.ValueString()}
	if v.list {
		parts = strings.Split(parts[0], ",")
	}
	for _, p := range parts {
		if err := checkEmail(strings.TrimSpace(p)); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
				fmt.Sprintf("%s %s: %q %s.", req.Path, v.Description(ctx), strings.TrimSpace(p), err))
			return
		}
	}
}

func checkEmail(s string) error {
	if s == "" {
		return fmt.Errorf("is empty")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Errorf("is not a bare email address")
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || domain == "" || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return fmt.Errorf("has no valid domain")
	}
	return nil
}

// smarthostValidator accepts an SMTP server as host:port.
type smarthostValidator struct{}

func (smarthostValidator) Description(context.Context) string {
	return "must be an SMTP server as `host:port`, e.g. `smtp.example.com:587`"
}

func (v smarthostValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v smarthostValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	host, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	if err != nil || host == "" || perr != nil || n < 1 || n > 65535 || strings.ContainsAny(host, "/ @") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid smarthost", fmt.Sprintf("%s %s, not %q.", req.Path, v.Description(ctx), s))
	}
}
