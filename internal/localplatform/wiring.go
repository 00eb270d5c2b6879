package localplatform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/rest"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// The two parts written beside the launcher: the API (manifests) and the controller.
var (
	loadManifests = manifests.Objects
	runController = func(ctx context.Context, cfg *rest.Config, stateDir string, log io.Writer) error {
		logger := funcr.New(func(prefix, args string) {
			if prefix != "" {
				fmt.Fprintf(log, "%s: %s\n", prefix, args)
			} else {
				fmt.Fprintln(log, args)
			}
		}, funcr.Options{LogTimestamp: true, Verbosity: logVerbosity()})
		return controller.Run(ctx, cfg, controller.Options{Log: logger, ServerDir: serverDir(stateDir)})
	}
)

// EnvLogVerbosity names the variable that sets the controller log's verbosity (logr's V levels,
// default 0). At 2 the log tells each reconcile's outcome and re-queue, claim by claim.
const EnvLogVerbosity = "APPCAT_LOCAL_LOG_V"

func logVerbosity() int {
	v, err := strconv.Atoi(os.Getenv(EnvLogVerbosity))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// serverDir is where the controller keeps the data of the instances' real servers: outside the
// state dir, under a short path (a Unix socket's path has at most 107 bytes) that the servers'
// system users can reach when the controller runs as root (a state dir below /root or a test's
// temporary directory is closed to them). One per state dir; Down with purge removes it.
func serverDir(stateDir string) string {
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		abs = stateDir
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(os.TempDir(), "appcat-servers-"+hex.EncodeToString(sum[:6]))
}
