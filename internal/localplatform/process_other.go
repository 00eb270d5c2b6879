//go:build !unix

package localplatform

import (
	"os"
	"syscall"
)

// The local platform runs on Linux and macOS; elsewhere this only keeps the package compiling.

func sysProcAttr(bool) *syscall.SysProcAttr { return nil }

func terminate(pid int) error { return kill(pid) }

func kill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return os.ErrProcessDone
	}
	return p.Kill()
}

func processAlive(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}

func commandLineMentions(int, string) bool { return true }

func rssBytes(int) int64 { return 0 }

func lockDir(string) (func(), error) { return func() {}, nil }
