package localplatform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	// ModulePath is the module path of this repository; FindRepoRoot looks for its go.mod.
	ModulePath = "github.com/vshn/terraform-provider-appcat"

	// EnvBinDir names a directory that already holds etcd, kube-apiserver and kube-controller-manager; when set,
	// EnsureBinaries builds nothing and returns it.
	EnvBinDir = "APPCAT_LOCAL_BIN_DIR"

	etcdBinary      = "etcd"
	apiserverBinary = "kube-apiserver"
	kcmBinary       = "kube-controller-manager"
	stampFile       = ".stamp"
)

// controlPlaneBinaries are what EnsureBinaries provides; a directory that lacks one is rebuilt.
var controlPlaneBinaries = []string{etcdBinary, apiserverBinary, kcmBinary}

// controlPlaneInputs are the files of tools/controlplane that pin what gets built; the stamp
// is a hash over them.
var controlPlaneInputs = []string{"go.mod", "go.sum", "cmd/etcd/main.go"}

// FindRepoRoot walks up from dir to the directory whose go.mod declares ModulePath.
func FindRepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && goModModule(data) == ModulePath {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod of module %s in %s or above (run inside the repository, or set %s to a directory with etcd, kube-apiserver and kube-controller-manager)", ModulePath, dir, EnvBinDir)
		}
		d = parent
	}
}

func goModModule(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// EnsureBinaries returns a directory holding etcd, kube-apiserver and kube-controller-manager. They are built with the
// go tool from <repoRoot>/tools/controlplane into <repoRoot>/bin/controlplane, and rebuilt only
// when the pinned versions (the hash of that module's go.mod, go.sum and cmd/etcd/main.go)
// change. With APPCAT_LOCAL_BIN_DIR set, that directory is returned as it is.
func EnsureBinaries(ctx context.Context, repoRoot string, log io.Writer) (string, error) {
	if dir := os.Getenv(EnvBinDir); dir != "" {
		for _, b := range controlPlaneBinaries {
			if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
				return "", fmt.Errorf("%s=%s: %w", EnvBinDir, dir, err)
			}
		}
		return dir, nil
	}
	return controlPlane.ensure(ctx, repoRoot, log)
}

var controlPlane = pinnedBuild{
	src:      filepath.Join("tools", "controlplane"),
	binDir:   filepath.Join("bin", "controlplane"),
	stamp:    stampFile,
	inputs:   controlPlaneInputs,
	binaries: controlPlaneBinaries,
	build:    buildControlPlane,
}

// A pinnedBuild is commands built with the go tool from a module of their own under tools/ into
// bin/, rebuilt only when the files that pin their versions change: a hash over those files is
// kept as a stamp next to the binaries.
type pinnedBuild struct {
	src      string   // the module, relative to the repository root
	binDir   string   // where the binaries go, relative to the repository root
	stamp    string   // name of the stamp file in binDir
	inputs   []string // files of src that pin what gets built
	binaries []string // what a build provides in binDir
	build    func(ctx context.Context, src, binDir string, log io.Writer) error
}

// ensure builds b's binaries unless they are up to date and returns the absolute binDir.
func (b pinnedBuild) ensure(ctx context.Context, repoRoot string, log io.Writer) (string, error) {
	if log == nil {
		log = io.Discard
	}
	if repoRoot == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		if repoRoot, err = FindRepoRoot(wd); err != nil {
			return "", err
		}
	}
	src := filepath.Join(repoRoot, b.src)
	binDir := filepath.Join(repoRoot, b.binDir)
	stamp, err := inputsHash(src, b.inputs)
	if err != nil {
		return "", err
	}
	if b.upToDate(binDir, stamp) {
		return binDir, nil
	}
	// Test binaries of several packages start at once (go test ./...): one builds, the others
	// wait for it and find the binaries up to date.
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockDir(binDir)
	if err != nil {
		return "", err
	}
	defer unlock()
	if b.upToDate(binDir, stamp) {
		return binDir, nil
	}
	// The stamp goes last: a build that stops half-way is redone next time.
	_ = os.Remove(filepath.Join(binDir, b.stamp))
	if err := b.build(ctx, src, binDir, log); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(binDir, b.stamp), []byte(stamp+"\n"), 0o644); err != nil {
		return "", err
	}
	return binDir, nil
}

func inputsHash(src string, inputs []string) (string, error) {
	h := sha256.New()
	for _, name := range inputs {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return "", fmt.Errorf("sources in %s: %w", src, err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (b pinnedBuild) upToDate(binDir, stamp string) bool {
	data, err := os.ReadFile(filepath.Join(binDir, b.stamp))
	if err != nil || strings.TrimSpace(string(data)) != stamp {
		return false
	}
	for _, name := range b.binaries {
		if fi, err := os.Stat(filepath.Join(binDir, name)); err != nil || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

func buildControlPlane(ctx context.Context, src, binDir string, log io.Writer) error {
	k8sVersion, err := goOutput(ctx, src, "list", "-m", "-f", "{{.Version}}", "k8s.io/kubernetes")
	if err != nil {
		return err
	}
	// Built from the module proxy, kube-apiserver would report v0.0.0-master; give it the
	// version it is, as the release build does.
	major, minor, _ := strings.Cut(strings.TrimPrefix(k8sVersion, "v"), ".")
	minor, _, _ = strings.Cut(minor, ".")
	const v = "k8s.io/component-base/version"
	k8sLdflags := fmt.Sprintf("-s -w -X %[1]s.gitVersion=%[2]s -X %[1]s.gitMajor=%[3]s -X %[1]s.gitMinor=%[4]s -X %[1]s.gitTreeState=clean",
		v, k8sVersion, major, minor)

	builds := []struct{ out, pkg, ldflags string }{
		{etcdBinary, "./cmd/etcd", "-s -w"},
		{apiserverBinary, "k8s.io/kubernetes/cmd/kube-apiserver", k8sLdflags},
		{kcmBinary, "k8s.io/kubernetes/cmd/kube-controller-manager", k8sLdflags},
	}
	for _, b := range builds {
		if err := goBuildCommand(ctx, src, b.pkg, b.ldflags, filepath.Join(binDir, b.out), log); err != nil {
			return err
		}
	}
	return nil
}

// goBuildCommand builds the command pkg of the module in src into out, which appears only once
// the build succeeded.
func goBuildCommand(ctx context.Context, src, pkg, ldflags, out string, log io.Writer) error {
	fmt.Fprintf(log, "building %s into %s — the first build takes a few minutes\n", pkg, out)
	tmp := out + ".tmp"
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags="+ldflags, "-o", tmp, pkg)
	cmd.Dir = src
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("building %s in %s: %w", pkg, src, err)
	}
	return os.Rename(tmp, out)
}

func goOutput(ctx context.Context, dir string, args ...string) (string, error) {
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(out.String()), nil
}
