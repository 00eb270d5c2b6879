// Command terraform-provider-appcat is the Terraform provider for the VSHN Application Catalog.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vshn/terraform-provider-appcat/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

// quietSDKLogsWhenTerraformDoesNotLog turns the SDK's own trace logs off when terraform runs
// without any log level. terraform-plugin-go and the framework otherwise log every request at
// TRACE, and terraform discards it: in a no-change plan of 300 instances that formatting was a
// third of the provider's CPU. With TF_LOG (or TF_LOG_PROVIDER, TF_LOG_SDK) set, nothing changes.
func quietSDKLogsWhenTerraformDoesNotLog() {
	for _, env := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_APPCAT", "TF_LOG_SDK"} {
		if os.Getenv(env) != "" {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "off")
}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietSDKLogsWhenTerraformDoesNotLog()
	stopProfile := startProfile()

	// What providerserver.Serve does, with the provider's own server (provider.NewServer).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/vshn/appcat", provider.NewServer(version), opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
