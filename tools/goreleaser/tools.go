//go:build tools

// Package goreleaser pins the goreleaser command so `go mod tidy` keeps its dependencies.
package goreleaser

import (
	_ "github.com/goreleaser/goreleaser/v2"
)
