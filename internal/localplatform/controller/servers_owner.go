package controller

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// The user a real server runs as, and the files and processes it owns (servers.go).

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// serverOwner is the user a server runs as: the controller's own, or, when the controller runs
// as root (PostgreSQL refuses to run as root), the server package's system user.
func serverOwner(systemUser string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(systemUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, the server needs the system user %q: %w", systemUser, err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// ownedServerDir makes a server's directory, private to the user it runs as (serverOwner), and
// returns that user.
func ownedServerDir(dir, systemUser string) (*syscall.Credential, error) {
	owner, err := serverOwner(systemUser)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return owner, chownTo(dir, owner)
}

// ownedFile writes a file the server's user owns.
func ownedFile(path string, data []byte, mode os.FileMode, owner *syscall.Credential) error {
	if err := os.WriteFile(path, data, mode); err != nil {
		return err
	}
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	return chownTo(path, owner)
}

func chownTo(path string, owner *syscall.Credential) error {
	if owner == nil {
		return nil
	}
	return os.Chown(path, int(owner.Uid), int(owner.Gid))
}

// asOwner runs cmd as the server's user; it gets shutdown, the server's signal to shut down
// (serverEngine.shutdownSignal), when the controller dies.
func asOwner(cmd *exec.Cmd, owner *syscall.Credential, shutdown syscall.Signal) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  shutdown,
		Credential: owner,
	}
	return cmd
}
