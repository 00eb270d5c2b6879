package localplatform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

const stateFile = "state.json"

// Ports are the loopback ports of one run.
type Ports struct {
	APIServer  int `json:"apiserver"`
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
}

// state is what a later command (status, env, down, controller) needs to know about a run.
type state struct {
	Host           string   `json:"host"`
	Ports          Ports    `json:"ports"`
	UserNamespaces []string `json:"userNamespaces"`
}

func readState(stateDir string) (*state, error) {
	data, err := os.ReadFile(filepath.Join(stateDir, stateFile))
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(stateDir, stateFile), err)
	}
	return &s, nil
}

func writeState(stateDir string, s state) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(stateDir, stateFile), append(data, '\n'), 0o644)
}

// choosePorts takes apiserverPort if set (it must be free), else the ports of the previous run
// while they are free (kubeconfigs handed out stay valid), else free ones.
func choosePorts(apiserverPort int, prev *state) (Ports, error) {
	var old Ports
	if prev != nil {
		old = prev.Ports
	}
	var ports Ports
	used := map[int]bool{}
	pick := func(want int) (int, error) {
		for i := 0; i < 20; i++ {
			port, err := pickPort(want)
			if err != nil {
				return 0, err
			}
			if !used[port] {
				used[port] = true
				return port, nil
			}
			want = 0
		}
		return 0, fmt.Errorf("no free port")
	}
	var err error
	if apiserverPort > 0 {
		if !portFree(apiserverPort) {
			return ports, fmt.Errorf("port %d on 127.0.0.1 is in use", apiserverPort)
		}
		ports.APIServer = apiserverPort
		used[apiserverPort] = true
	} else if ports.APIServer, err = pick(old.APIServer); err != nil {
		return ports, err
	}
	if ports.EtcdClient, err = pick(old.EtcdClient); err != nil {
		return ports, err
	}
	if ports.EtcdPeer, err = pick(old.EtcdPeer); err != nil {
		return ports, err
	}
	return ports, nil
}
