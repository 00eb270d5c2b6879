package localplatform

import (
	"context"
	"io"
	"path/filepath"
)

// goReleaser builds GoReleaser from tools/goreleaser (its Go module, pinned there) into
// bin/goreleaser, for make release-check: a snapshot release built with .goreleaser.yml, the
// configuration of the real releases. The stamp is bin/.goreleaser.stamp.
var goReleaser = pinnedBuild{
	src:      filepath.Join("tools", "goreleaser"),
	binDir:   "bin",
	stamp:    ".goreleaser.stamp",
	inputs:   []string{"go.mod", "go.sum"},
	binaries: []string{"goreleaser"},
	build: func(ctx context.Context, src, binDir string, log io.Writer) error {
		const pkg = "github.com/goreleaser/goreleaser/v2"
		// Built as a dependency, goreleaser --version would not know its version; give it the
		// pinned one, as its release build does.
		version, err := goOutput(ctx, src, "list", "-m", "-f", "{{.Version}}", pkg)
		if err != nil {
			return err
		}
		return goBuildCommand(ctx, src, pkg,
			"-s -w -X main.version="+version+" -X main.builtBy=appcat-local", filepath.Join(binDir, "goreleaser"), log)
	},
}

// EnsureGoReleaser returns the path of bin/goreleaser in repoRoot (empty: the repository around
// the working directory), built from tools/goreleaser when its go.mod or go.sum changed since
// the last build.
func EnsureGoReleaser(ctx context.Context, repoRoot string, log io.Writer) (string, error) {
	dir, err := goReleaser.ensure(ctx, repoRoot, log)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "goreleaser"), nil
}
