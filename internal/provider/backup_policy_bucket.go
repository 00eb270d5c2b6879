package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The backup policy's unmanaged_bucket: spec.parameters.backup.unmanagedBucket, a customer's own
// S3 bucket instead of the one AppCat provisions (vshn/appcat apis/vshn/v1/common_types.go
// UnmanagedBucket; used by common/backup/backup.go and vshnpostgrescnpg/backup.go).

type unmanagedBucketModel struct {
	Endpoint  types.String `tfsdk:"endpoint"`
	Bucket    types.String `tfsdk:"bucket"`
	Region    types.String `tfsdk:"region"`
	AccessKey types.Object `tfsdk:"access_key"`
	SecretKey types.Object `tfsdk:"secret_key"`
}

type secretKeyModel struct {
	SecretName types.String `tfsdk:"secret_name"`
	Key        types.String `tfsdk:"key"`
}

var secretKeyAttrTypes = map[string]attr.Type{"secret_name": types.StringType, "key": types.StringType}

var unmanagedBucketAttrTypes = map[string]attr.Type{
	"endpoint":   types.StringType,
	"bucket":     types.StringType,
	"region":     types.StringType,
	"access_key": types.ObjectType{AttrTypes: secretKeyAttrTypes},
	"secret_key": types.ObjectType{AttrTypes: secretKeyAttrTypes},
}

// unmanagedBucketFields are its leaves as server-side apply records them (the secret selectors
// are atomic maps), for the policy's managed fields.
var unmanagedBucketFields = []string{"unmanagedBucket.endpoint", "unmanagedBucket.bucket", "unmanagedBucket.region",
	"unmanagedBucket.accessKey", "unmanagedBucket.secretKey"}

// secretDataKey is the format of a Secret's data keys.
var secretDataKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

func secretKeyAttribute(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Required:            true,
		MarkdownDescription: fmt.Sprintf("Where the %s is: a key of a Secret in the instance's (claim's) namespace.", what),
		Attributes: map[string]schema.Attribute{
			"secret_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the Secret.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 253),
					stringvalidator.RegexMatches(dnsSubdomain, "must be a Secret name: lowercase letters, digits, '-' and '.'"),
				},
			},
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Key in the Secret's data.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 253),
					stringvalidator.RegexMatches(secretDataKey, "must be a Secret data key: letters, digits, '-', '_' and '.'"),
				},
			},
		},
	}
}

func unmanagedBucketAttribute() schema.SingleNestedAttribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Back up into your own S3 bucket instead of the one the platform provisions (`unmanagedBucket`). " +
			"You are responsible for the bucket, its credentials and its retention. The platform copies the credentials Secret into the " +
			"instance namespace; for Redis and MariaDB (K8up) it copies only the Secret named in `access_key`, so keep both keys in that Secret.",
		Attributes: map[string]schema.Attribute{
			"endpoint":   schema.StringAttribute{Required: true, MarkdownDescription: "S3 endpoint URL without the bucket name, e.g. `https://sos-ch-gva-2.exo.io`.", Validators: nonEmpty},
			"bucket":     schema.StringAttribute{Required: true, MarkdownDescription: "Name of the bucket.", Validators: nonEmpty},
			"region":     schema.StringAttribute{Required: true, MarkdownDescription: "Region of the bucket, e.g. `ch-gva-2`.", Validators: nonEmpty},
			"access_key": secretKeyAttribute("access key ID (`AWS_ACCESS_KEY_ID`)"),
			"secret_key": secretKeyAttribute("secret access key (`AWS_SECRET_ACCESS_KEY`)"),
		},
	}
}

func expandUnmanagedBucket(ctx context.Context, o types.Object, diags *diag.Diagnostics) *appcat.UnmanagedBucket {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var m unmanagedBucketModel
	diags.Append(o.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	sel := func(o types.Object) appcat.SecretKeySelect {
		var k secretKeyModel
		diags.Append(o.As(ctx, &k, basetypes.ObjectAsOptions{})...)
		return appcat.SecretKeySelect{Name: stringPtr(k.SecretName), Key: k.Key.ValueString()}
	}
	return &appcat.UnmanagedBucket{
		Endpoint: m.Endpoint.ValueString(), Bucket: m.Bucket.ValueString(), Region: m.Region.ValueString(),
		AccessKey: sel(m.AccessKey), SecretKey: sel(m.SecretKey),
	}
}

func flattenUnmanagedBucket(b *appcat.UnmanagedBucket) types.Object {
	if b == nil {
		return types.ObjectNull(unmanagedBucketAttrTypes)
	}
	sel := func(s appcat.SecretKeySelect) types.Object {
		name := types.StringNull()
		if s.Name != nil && *s.Name != "" {
			name = types.StringValue(*s.Name)
		}
		return types.ObjectValueMust(secretKeyAttrTypes, map[string]attr.Value{"secret_name": name, "key": types.StringValue(s.Key)})
	}
	return types.ObjectValueMust(unmanagedBucketAttrTypes, map[string]attr.Value{
		"endpoint": types.StringValue(b.Endpoint), "bucket": types.StringValue(b.Bucket), "region": types.StringValue(b.Region),
		"access_key": sel(b.AccessKey), "secret_key": sel(b.SecretKey),
	})
}

// warnSplitBucketSecret warns where K8up (Redis, MariaDB) would not find the secret access key:
// the platform copies only the Secret named in access_key into the instance namespace.
func warnSplitBucketSecret(ctx context.Context, o types.Object, kind kindDescriptor, diags *diag.Diagnostics) {
	if kind.retentionInDays() || o.IsNull() || o.IsUnknown() {
		return
	}
	b := expandUnmanagedBucket(ctx, o, diags)
	if b == nil || b.AccessKey.Name == nil || b.SecretKey.Name == nil || *b.AccessKey.Name == *b.SecretKey.Name {
		return
	}
	diags.AddAttributeWarning(path.Root("unmanaged_bucket").AtName("secret_key").AtName("secret_name"), "Credentials in two Secrets",
		fmt.Sprintf("For %s backups the platform copies only the Secret %q (access_key) into the instance namespace, so the secret key in %q "+
			"will not be found there. Put both keys into one Secret.", kind.displayName, *b.AccessKey.Name, *b.SecretKey.Name))
}
