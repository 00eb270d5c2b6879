package localplatform

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestPinnedBuildRebuildsOnlyWhenPinsChange: the control plane and OpenTofu are rebuilt when the
// files pinning them change, and only then.
func TestPinnedBuildRebuildsOnlyWhenPinsChange(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "tools", "x")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	writePin := func(content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	builds := 0
	b := pinnedBuild{
		src: filepath.Join("tools", "x"), binDir: "bin", stamp: ".x.stamp",
		inputs: []string{"go.mod"}, binaries: []string{"x"},
		build: func(_ context.Context, _, binDir string, _ io.Writer) error {
			builds++
			return os.WriteFile(filepath.Join(binDir, "x"), []byte("#!/bin/sh\n"), 0o755)
		},
	}
	ensure := func(wantBuilds int) {
		t.Helper()
		dir, err := b.ensure(context.Background(), root, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(root, "bin"); dir != want {
			t.Errorf("ensure = %s, want %s", dir, want)
		}
		if builds != wantBuilds {
			t.Errorf("%d builds, want %d", builds, wantBuilds)
		}
	}
	writePin("v1")
	ensure(1)
	ensure(1) // up to date
	writePin("v2")
	ensure(2) // the pin changed
	if err := os.Remove(filepath.Join(root, "bin", "x")); err != nil {
		t.Fatal(err)
	}
	ensure(3) // the binary is gone
	ensure(3)
}
