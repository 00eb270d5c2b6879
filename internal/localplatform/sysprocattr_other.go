//go:build unix && !linux

package localplatform

import "syscall"

func sysProcAttr(detach bool) *syscall.SysProcAttr {
	if detach {
		return &syscall.SysProcAttr{Setsid: true}
	}
	// No Pdeathsig outside Linux: Stop (and platformtest.Main) must stop the children.
	return &syscall.SysProcAttr{Setpgid: true}
}
