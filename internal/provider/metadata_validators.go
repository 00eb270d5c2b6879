package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"
)

// metadataMapValidator checks a map of Kubernetes labels or annotations by the API server's own
// rules (k8s.io/apimachinery validation), so that a key such as "bad key!" fails the plan on the
// attribute instead of the apply.
type metadataMapValidator struct {
	annotations bool // annotations: any value, 256 KiB in total; else labels: label values
}

// labelMapValidator checks label keys and values (labels, node selectors).
func labelMapValidator() validator.Map { return metadataMapValidator{} }

// annotationMapValidator checks annotation keys and their total size.
func annotationMapValidator() validator.Map { return metadataMapValidator{annotations: true} }

func (v metadataMapValidator) what() string {
	if v.annotations {
		return "annotation"
	}
	return "label"
}

func (v metadataMapValidator) Description(context.Context) string {
	if v.annotations {
		return "keys must be Kubernetes qualified names (an optional DNS subdomain prefix and '/', then up to 63 characters), at most 256 KiB in all"
	}
	return "keys must be Kubernetes qualified names and values valid label values (up to 63 characters: letters, digits, '-', '_', '.')"
}

func (v metadataMapValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v metadataMapValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	total := 0
	for key, elem := range req.ConfigValue.Elements() {
		p := req.Path.AtMapKey(key)
		if errs := validation.IsQualifiedName(key); len(errs) > 0 {
			resp.Diagnostics.AddAttributeError(p, fmt.Sprintf("Invalid %s key", v.what()),
				fmt.Sprintf("Attribute %s: key %q is not a valid Kubernetes %s key: %s.", req.Path, key, v.what(), strings.Join(errs, "; ")))
		}
		value, ok := elem.(interface{ ValueString() string })
		if !ok || elem.IsNull() || elem.IsUnknown() {
			continue
		}
		total += len(key) + len(value.ValueString())
		if v.annotations {
			continue
		}
		if errs := validation.IsValidLabelValue(value.ValueString()); len(errs) > 0 {
			resp.Diagnostics.AddAttributeError(p, "Invalid label value",
				fmt.Sprintf("Attribute %s: the value %q of key %q is not a valid Kubernetes label value: %s.", req.Path, value.ValueString(), key, strings.Join(errs, "; ")))
		}
	}
	if v.annotations && total > apivalidation.TotalAnnotationSizeLimitB {
		resp.Diagnostics.AddAttributeError(req.Path, "Annotations too large",
			fmt.Sprintf("Attribute %s: the annotations take %d bytes; Kubernetes allows %d in all.", req.Path, total, apivalidation.TotalAnnotationSizeLimitB))
	}
}
