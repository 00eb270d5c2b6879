package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestMetadataMapValidator(t *testing.T) {
	cases := []struct {
		name string
		v    validator.Map
		m    map[string]string
		want string // "" accepts
	}{
		{"label ok", labelMapValidator(), map[string]string{"app.kubernetes.io/name": "shop", "team": "a_b.c-1", "empty": ""}, ""},
		{"label key with space", labelMapValidator(), map[string]string{"bad key!": "x"}, `key "bad key!" is not a valid Kubernetes label key`},
		{"label key prefix", labelMapValidator(), map[string]string{"Example.COM/x": "y"}, "prefix part"},
		{"label key too long", labelMapValidator(), map[string]string{strings.Repeat("k", 64): "y"}, "must be no more than 63 bytes"},
		{"label value", labelMapValidator(), map[string]string{"team": "a b"}, `the value "a b" of key "team" is not a valid Kubernetes label value`},
		{"annotation any value", annotationMapValidator(), map[string]string{"example.com/note": "any text: here, with spaces!"}, ""},
		{"annotation key", annotationMapValidator(), map[string]string{"bad key!": "x"}, `key "bad key!" is not a valid Kubernetes annotation key`},
		{"annotations too large", annotationMapValidator(), map[string]string{"big": strings.Repeat("x", 256*1024)}, "Kubernetes allows 262144 in all"},
	}
	for _, c := range cases {
		elems := map[string]attr.Value{}
		for k, v := range c.m {
			elems[k] = types.StringValue(v)
		}
		req := validator.MapRequest{Path: path.Root("labels"), ConfigValue: types.MapValueMust(types.StringType, elems)}
		var resp validator.MapResponse
		c.v.ValidateMap(context.Background(), req, &resp)
		var got string
		for _, d := range resp.Diagnostics.Errors() {
			got += d.Detail()
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if c.want != "" && !strings.Contains(got, "Attribute labels") {
			t.Errorf("%s: the error does not name its attribute: %q", c.name, got)
		}
	}
}
