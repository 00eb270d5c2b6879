// Package platformtest starts one local AppCat platform per test binary.
//
//	func TestMain(m *testing.M) { platformtest.Main(m) }
//
// Tests then reach it with platformtest.Platform(). The platform has a fresh state dir, a
// random port and a provisioning delay of 0. APPCAT_LOCAL_KEEP=1 keeps the state dir (logs,
// kubeconfig) after the run and prints where it is.
package platformtest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
)

// EnvKeep names the variable that keeps the state dir for debugging when set to 1.
const EnvKeep = "APPCAT_LOCAL_KEEP"

// startTimeout bounds the start including a cold build of the binaries.
const startTimeout = 20 * time.Minute

var platform *localplatform.Platform

// Platform is the platform Main started. It panics outside a test binary run by Main.
func Platform() *localplatform.Platform {
	if platform == nil {
		panic("platformtest.Platform: no platform; call platformtest.Main from TestMain")
	}
	return platform
}

// Main starts the platform, runs the tests, stops the platform and exits with the tests' code.
// When the platform cannot start it says why and exits with 1: tests never skip silently.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "appcat-local-test-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "platformtest: %v\n", err)
		return 1
	}
	keep := os.Getenv(EnvKeep) == "1"
	defer func() {
		if keep {
			fmt.Fprintf(os.Stderr, "platformtest: state kept in %s\n", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()

	// A test that times out waiting for a claim shows that claim's reconciles (ClaimLog).
	if os.Getenv(localplatform.EnvLogVerbosity) == "" {
		_ = os.Setenv(localplatform.EnvLogVerbosity, "2")
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	p, err := localplatform.Start(ctx, localplatform.Options{
		StateDir:          dir,
		ProvisioningDelay: 0,
		Log:               logWriter(),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "platformtest: starting the local AppCat platform: %v\n", err)
		keep = true
		return 1
	}
	platform = p
	defer func() {
		if !keep {
			_ = os.RemoveAll(p.ServerDir())
		}
	}()
	code := m.Run()
	if err := p.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "platformtest: stopping the platform: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// logWriter shows the start's progress with go test -v, else keeps quiet.
func logWriter() io.Writer {
	if !flag.Parsed() {
		flag.Parse()
	}
	if testing.Verbose() {
		return os.Stderr
	}
	return io.Discard
}

// ClaimLog is the in-process controller's log lines about one claim, the last max of them: what
// a test that timed out waiting for the claim shows.
func ClaimLog(namespace, name string, max int) string {
	data, err := os.ReadFile(filepath.Join(Platform().StateDir(), "controller.log"))
	if err != nil {
		return fmt.Sprintf("(no controller log: %v)", err)
	}
	needle := fmt.Sprintf("%q", namespace+"/"+name)
	var lines []string
	for line := range strings.Lines(string(data)) {
		if strings.Contains(line, needle) {
			lines = append(lines, line)
		}
	}
	if len(lines) > max {
		lines = lines[len(lines)-max:]
	}
	return strings.Join(lines, "")
}
