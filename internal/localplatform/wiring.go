package localplatform

import (
	"context"
	"fmt"
	"io"

	"github.com/go-logr/logr/funcr"
	"k8s.io/client-go/rest"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// The two parts written beside the launcher: the API (manifests) and the controller.
var (
	loadManifests = manifests.Objects
	runController = func(ctx context.Context, cfg *rest.Config, log io.Writer) error {
		logger := funcr.New(func(prefix, args string) {
			if prefix != "" {
				fmt.Fprintf(log, "%s: %s\n", prefix, args)
			} else {
				fmt.Fprintln(log, args)
			}
		}, funcr.Options{LogTimestamp: true})
		return controller.Run(ctx, cfg, controller.Options{Log: logger})
	}
)
