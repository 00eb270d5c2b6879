//go:build unix

package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

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
