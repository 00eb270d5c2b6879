// Command terraform-provider-appcat is the Terraform provider for the VSHN Application Catalog.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vshn/terraform-provider-appcat/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/vshn/appcat",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
