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

// Benchmarks look inside the provider through these two variables: terraform starts the provider
// as a process of its own, so it cannot be measured from the test. Unset, they cost nothing.
const (
	// usageEnv names a directory into which each provider process writes its peak resident memory
	// and its CPU time when it exits, so a benchmark can tell the provider's share of a terraform
	// command from terraform core's.
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
		// alloc_space says which code allocated what the GC had to clear.
		if heap, err := os.Create(base + ".heap.pprof"); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
	}
}

func writeUsage() {
	dir := os.Getenv(usageEnv)
	if dir == "" {
		return
	}
	// ru_maxrss is the process's peak resident set in KiB on Linux, the same figure as VmHWM in
	// /proc/self/status.
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		log.Printf("%s: %v", usageEnv, err)
		return
	}
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	name := filepath.Join(dir, fmt.Sprintf("provider-%d.usage", os.Getpid()))
	_ = os.WriteFile(name, []byte(fmt.Sprintf("%d %d\n", usage.Maxrss, cpu.Milliseconds())), 0o600)
}
