package localplatform

import (
	"fmt"
	"net"
)

// freePort asks the kernel for a free port on 127.0.0.1. Another process may take it before the
// child binds it; the caller reports the child's failure then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports whether port can be bound on 127.0.0.1 now.
func portFree(port int) bool {
	if port <= 0 {
		return false
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// pickPort returns want if it is free, else a free port. want 0 means any.
func pickPort(want int) (int, error) {
	if want > 0 && portFree(want) {
		return want, nil
	}
	return freePort()
}
