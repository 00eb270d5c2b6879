//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func writeUsage() {
	dir := os.Getenv(usageEnv)
	if dir == "" {
		return
	}
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		log.Printf("%s: %v", usageEnv, err)
		return
	}
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	liveKiB := liveHeapKiB()
	peakKiB, ok := ownPeakKiB()
	if !ok {
		// Not Linux: ru_maxrss, which may count the parent's memory too; in KiB on the BSDs, in
		// bytes on macOS.
		peakKiB = usage.Maxrss
		if runtime.GOOS == "darwin" {
			peakKiB /= 1024
		}
	}
	name := filepath.Join(dir, fmt.Sprintf("provider-%d.usage", os.Getpid()))
	_ = os.WriteFile(name, []byte(fmt.Sprintf("%d %d %d\n", peakKiB, cpu.Milliseconds(), liveKiB)), 0o600)
}

// liveHeapKiB is what the heap still holds after a collection, when every request has been
// served: what the provider keeps for its whole life. It grows with the number of requests when
// something keeps each request's data (as terraform-plugin-framework did with each request's
// context, see provider.releasingServer).
func liveHeapKiB() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc / 1024)
}

// ownPeakKiB is VmHWM from /proc/self/status: the peak resident set of this program alone. Linux's
// ru_maxrss is not that: it carries across exec the peak of the process before it, and terraform
// starts a provider by forking itself, so ru_maxrss reported terraform's own 60-75 MiB for a
// provider process that never held more than 40.
func ownPeakKiB() (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
			kib, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return kib, err == nil
		}
	}
	return 0, false
}
