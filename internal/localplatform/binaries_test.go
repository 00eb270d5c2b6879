package localplatform_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
)

func TestFindRepoRoot(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := localplatform.FindRepoRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Dir(filepath.Dir(wd)); root != want {
		t.Errorf("FindRepoRoot(%s) = %s, want %s", wd, root, want)
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "controlplane", "go.mod")); err != nil {
		t.Errorf("repo root has no tools/controlplane: %v", err)
	}
	if _, err := localplatform.FindRepoRoot(t.TempDir()); err == nil {
		t.Error("FindRepoRoot outside the repository succeeded")
	}
}

func TestEnsureBinariesBinDirOverride(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(localplatform.EnvBinDir, empty)
	if _, err := localplatform.EnsureBinaries(context.Background(), "", nil); err == nil {
		t.Errorf("%s naming a directory without binaries was accepted", localplatform.EnvBinDir)
	}
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		if err := os.WriteFile(filepath.Join(empty, b), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := localplatform.EnsureBinaries(context.Background(), "", nil)
	if err != nil || got != empty {
		t.Errorf("EnsureBinaries = %q, %v; want %q", got, err, empty)
	}
}

// TestEnsureBinariesUpToDate: after the platform of this test binary started, the binaries are
// stamped with the hash of tools/controlplane, so a second call builds nothing.
func TestEnsureBinariesUpToDate(t *testing.T) {
	if os.Getenv(localplatform.EnvBinDir) != "" {
		t.Skip(localplatform.EnvBinDir + " is set: nothing is built")
	}
	root, err := localplatform.FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	var log logBuffer
	dir, err := localplatform.EnsureBinaries(context.Background(), root, &log)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "bin", "controlplane"); dir != want {
		t.Errorf("bin dir = %s, want %s", dir, want)
	}
	if log.n != 0 {
		t.Errorf("EnsureBinaries rebuilt up-to-date binaries")
	}
}

type logBuffer struct{ n int }

func (l *logBuffer) Write(p []byte) (int, error) { l.n += len(p); return len(p), nil }
