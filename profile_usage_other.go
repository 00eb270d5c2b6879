//go:build !unix

package main

// writeUsage: the benchmarks that read the usage run on Unix only (getrusage).
func writeUsage() {}
