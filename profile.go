package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// Benchmarks look inside the provider through these two variables: terraform starts the provider
// as a process of its own, so it cannot be measured from the test. Unset, they cost nothing.
const (
	// usageEnv names a directory into which each provider process writes its peak resident memory,
	// its CPU time and the heap it still holds when it exits, so a benchmark can tell the
	// provider's share of a terraform command from terraform core's.
	usageEnv = "APPCAT_PROVIDER_USAGE_DIR"
	// profileEnv names a directory into which each provider process writes a CPU profile and an
	// allocation profile. Profiling touches much of the binary (symbolising every sampled stack)
	// and so raises the resident memory: peak memory is measured without it.
	profileEnv = "APPCAT_PROVIDER_PROFILE_DIR"
)

// startProfile starts what the environment asks for; the function it returns stops it and writes
// the results.
func startProfile() (stop func()) {
	stopCPU := startCPUProfile()
	return func() {
		stopCPU()
		writeUsage()
	}
}

func startCPUProfile() (stop func()) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	base := filepath.Join(dir, fmt.Sprintf("provider-%d", os.Getpid()))
	f, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		log.Printf("%s: %v", profileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("%s: %v", profileEnv, err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		// alloc_space says which code allocated what the GC had to clear; inuse_space, taken
		// after a collection, what the provider still holds at the end (what leaks).
		runtime.GC()
		if heap, err := os.Create(base + ".heap.pprof"); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
	}
}
