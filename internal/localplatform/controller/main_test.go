package controller_test

import (
	"testing"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestMain starts one local AppCat platform (etcd, kube-apiserver, the AppCat API and this
// controller) for the whole test binary; the tests talk to it through client-go only.
func TestMain(m *testing.M) { platformtest.Main(m) }
