package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// TestAccProviderConfigLabel: appcat.vshn.io/provider-config is a label the customer sets in a
// split AppCat setup; AppCat refuses a claim whose label names no ProviderConfig
// (pkg/controller/webhooks/default_handler.go). The apply fails with the platform's message on
// the resource and creates nothing.
func TestAccProviderConfigLabel(t *testing.T) {
	k := pgAcc
	ns, name := testNamespace(t), k.name()
	k.test(t, resource.TestStep{
		Config:      k.config(ns, name, "deletion_protection = false", `labels = { "appcat.vshn.io/provider-config" = "nowhere" }`),
		ExpectError: regexp.MustCompile(`(?s)provider-config.*kubernetes ProviderConfig "nowhere" not found`),
	})
	if _, err := getClaim(context.Background(), adminDynamic(t), k.api, ns, name); !apierrors.IsNotFound(err) {
		t.Errorf("claim %s/%s after the refused apply: %v, want not found", ns, name, err)
	}
}
