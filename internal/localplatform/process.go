package localplatform

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// process is one child of the platform: etcd, kube-apiserver or (with `up`) the controller.
// Its output goes to <state>/<name>.log and its pid to <state>/<name>.pid.
type process struct {
	name    string
	pid     int
	logPath string
	pidPath string

	// exited is closed once the child was reaped; nil for a process this one did not start.
	exited  chan struct{}
	waitErr error
}

// startProcess starts bin with args. A detached child gets its own session and outlives this
// process; an attached one is killed when this process dies (Pdeathsig on Linux).
func startProcess(stateDir, name, bin string, args []string, env []string, detach bool) (*process, error) {
	p := &process{
		name:    name,
		logPath: filepath.Join(stateDir, name+".log"),
		pidPath: filepath.Join(stateDir, name+".pid"),
	}
	logFile, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	fmt.Fprintf(logFile, "# %s %s\n", bin, strings.Join(args, " "))

	cmd := exec.Command(bin, args...)
	cmd.Dir = stateDir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if env != nil {
		cmd.Env = env
	}
	cmd.SysProcAttr = sysProcAttr(detach)
	start := cmd.Start
	if !detach {
		start = func() error { return startOnSpawnerThread(cmd) }
	}
	if err := start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p.pid = cmd.Process.Pid
	p.exited = make(chan struct{})
	// Reap the child while this process lives; after a detached start the init process does.
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := os.WriteFile(p.pidPath, []byte(strconv.Itoa(p.pid)+"\n"), 0o644); err != nil {
		_ = p.stop(time.Second)
		return nil, err
	}
	return p, nil
}

// hasExited reports whether a child started by this process has ended.
func (p *process) hasExited() bool {
	if p.exited == nil {
		return !processAlive(p.pid)
	}
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// exitError describes how the child ended, with the tail of its log.
func (p *process) exitError() error {
	msg := "exited"
	if p.waitErr != nil {
		msg = p.waitErr.Error()
	}
	return fmt.Errorf("%s %s; last lines of %s:\n%s", p.name, msg, p.logPath, tail(p.logPath, 15))
}

// stop sends SIGTERM, waits up to grace, then kills. It removes the pid file.
func (p *process) stop(grace time.Duration) error {
	defer os.Remove(p.pidPath)
	if p.hasExited() {
		return nil
	}
	if err := terminate(p.pid); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping %s (pid %d): %w", p.name, p.pid, err)
	}
	if p.waitFor(grace) {
		return nil
	}
	_ = kill(p.pid)
	if p.waitFor(5 * time.Second) {
		return nil
	}
	return fmt.Errorf("%s (pid %d) did not stop", p.name, p.pid)
}

func (p *process) waitFor(d time.Duration) bool {
	if p.exited != nil {
		select {
		case <-p.exited:
			return true
		case <-time.After(d):
			return false
		}
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !processAlive(p.pid) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return !processAlive(p.pid)
}

// findProcess reads <state>/<name>.pid and returns the process if it still runs and is one of
// this state dir's (its command line names the state dir), so a recycled pid is never signalled.
// A stale pid file is removed.
func findProcess(stateDir, name string) *process {
	p := &process{
		name:    name,
		logPath: filepath.Join(stateDir, name+".log"),
		pidPath: filepath.Join(stateDir, name+".pid"),
	}
	data, err := os.ReadFile(p.pidPath)
	if err != nil {
		return nil
	}
	p.pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || p.pid <= 0 || !processAlive(p.pid) || !commandLineMentions(p.pid, stateDir) {
		_ = os.Remove(p.pidPath)
		return nil
	}
	return p
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
