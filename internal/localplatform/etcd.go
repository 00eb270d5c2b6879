package localplatform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// etcdQuotaBytes caps etcd's database: the platform is throwaway and small.
const etcdQuotaBytes = 256 << 20

func etcdArgs(stateDir string, clientPort, peerPort int) []string {
	client := fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	peer := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	return []string{
		"--name=appcat-local",
		"--data-dir=" + filepath.Join(stateDir, "etcd"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=appcat-local=" + peer,
		"--initial-cluster-state=new",
		// A laptop platform that is thrown away: no fsync, a small quota.
		"--unsafe-no-fsync",
		fmt.Sprintf("--quota-backend-bytes=%d", etcdQuotaBytes),
		// One member only: it elects itself after one election timeout, so keep that short.
		"--heartbeat-interval=10",
		"--election-timeout=50",
		"--log-level=warn",
	}
}

func startEtcd(ctx context.Context, binDir, stateDir string, clientPort, peerPort int, detach bool) (*process, error) {
	p, err := startProcess(stateDir, "etcd", filepath.Join(binDir, etcdBinary), etcdArgs(stateDir, clientPort, peerPort), nil, detach)
	if err != nil {
		return nil, err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/health", clientPort)
	if err := waitUntil(ctx, p, 20*time.Millisecond, func(ctx context.Context) bool {
		return etcdHealthy(ctx, url)
	}); err != nil {
		_ = p.stop(time.Second)
		return nil, fmt.Errorf("waiting for etcd: %w", err)
	}
	return p, nil
}

func etcdHealthy(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.Contains(string(body), `"health":"true"`)
}

// waitUntil polls ready every interval until it says yes, the child exits (an error with the
// tail of its log) or ctx ends.
func waitUntil(ctx context.Context, p *process, interval time.Duration, ready func(context.Context) bool) error {
	for {
		if ready(ctx) {
			return nil
		}
		if p != nil && p.hasExited() {
			return p.exitError()
		}
		select {
		case <-ctx.Done():
			if p != nil {
				return fmt.Errorf("%w; last lines of %s:\n%s", ctx.Err(), p.logPath, tail(p.logPath, 15))
			}
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
