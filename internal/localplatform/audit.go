package localplatform

import (
	"os"
	"path/filepath"
)

// The platform keeps an audit log of every request its clients make (kube-apiserver's own
// loopback traffic aside): which user, with which user agent, did what to which object. It shows
// what the provider really asked the platform, and the provider's benchmarks count its requests
// there rather than trusting the provider's own account.

const (
	auditLogFile    = "audit.log"
	auditPolicyFile = "audit-policy.yaml"
)

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  users: ["system:apiserver"]
- level: Metadata
`

// auditArgs writes the audit policy into the state dir and returns the kube-apiserver flags
// that log to <state>/audit.log, one JSON event per line, synchronously (so a reader that
// counts requests after a command has finished sees all of them).
func auditArgs(stateDir string) ([]string, error) {
	policy := filepath.Join(stateDir, auditPolicyFile)
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	return []string{
		"--audit-policy-file=" + policy,
		"--audit-log-path=" + filepath.Join(stateDir, auditLogFile),
		"--audit-log-format=json",
		"--audit-log-mode=blocking",
		"--audit-log-maxsize=100",
		"--audit-log-maxbackup=1",
	}, nil
}

// AuditLogPath is the platform's audit log: one JSON audit event per line.
func (p *Platform) AuditLogPath() string { return filepath.Join(p.stateDir, auditLogFile) }
