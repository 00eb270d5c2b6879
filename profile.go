package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"
)

// profileEnv names a directory into which the provider writes a CPU profile, an allocation profile, its peak
// resident memory and its CPU time, one pair of files per process, when it exits. Benchmarks set it to see where
// the provider's time and memory go under the real terraform CLI (terraform starts the provider
// as a process of its own, so it cannot be profiled from the test). Unset, it costs nothing.
const profileEnv = "APPCAT_PROVIDER_PROFILE_DIR"

// startProfile starts the CPU profile if profileEnv is set; the function it returns stops it and
// records the peak memory.
func startProfile() (stop func()) {
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
		// The heap profile's alloc_space says which code allocated what the GC had to clear,
		// which is what drives the peak.
		if heap, err := os.Create(base + ".heap.pprof"); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
		// ru_maxrss is the process's peak resident set in KiB on Linux, the same figure as
		// VmHWM in /proc/self/status; with the CPU time it lets the benchmark tell the
		// provider's share of a terraform command from terraform core's.
		var usage syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err == nil {
			cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
			_ = os.WriteFile(base+".usage", []byte(fmt.Sprintf("%d %d\n", usage.Maxrss, cpu.Milliseconds())), 0o600)
		}
	}
}
