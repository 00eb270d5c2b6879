//go:build tools

// Package opentofu pins the tofu command so `go mod tidy` keeps its dependencies.
package opentofu

import (
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
