package localplatform

import (
	"context"
	"io"
	"path/filepath"
)

// openTofu builds OpenTofu's tofu command from tools/opentofu (OpenTofu's Go module, pinned there)
// into bin/tofu, so that the acceptance tests run on OpenTofu as well as on Terraform. The stamp
// is bin/.tofu.stamp: bin/ also holds the provider and appcat-local.
var openTofu = pinnedBuild{
	src:      filepath.Join("tools", "opentofu"),
	binDir:   "bin",
	stamp:    ".tofu.stamp",
	inputs:   []string{"go.mod", "go.sum"},
	binaries: []string{"tofu"},
	build: func(ctx context.Context, src, binDir string, log io.Writer) error {
		// As OpenTofu's release build: without version.dev=no, tofu calls itself a -dev build.
		return goBuildCommand(ctx, src, "github.com/opentofu/opentofu/cmd/tofu",
			"-s -w -X github.com/opentofu/opentofu/version.dev=no", filepath.Join(binDir, "tofu"), log)
	},
}

// EnsureOpenTofu returns the path of bin/tofu in repoRoot (empty: the repository around the
// working directory), built from tools/opentofu when its go.mod or go.sum changed since the
// last build.
func EnsureOpenTofu(ctx context.Context, repoRoot string, log io.Writer) (string, error) {
	dir, err := openTofu.ensure(ctx, repoRoot, log)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "tofu"), nil
}
