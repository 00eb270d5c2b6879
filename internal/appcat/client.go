package appcat

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/rest"
)

// Client talks to one AppCat platform. One Client is shared by every resource of a configured
// provider, so its rate limiter and its read snapshots are shared too.
type Client struct {
	dynamic   dynamic.Interface
	snapshots *snapshots
	// catalog is the service catalog, read at most once per Client (catalog.go).
	catalog catalogCache
	// openAPI reads the claim schemas' service levels, at most once per Client (service_levels.go).
	openAPI       openapi.Client
	serviceLevels serviceLevelsCache

	// written records the objects this process has written (or deleted); reads of them bypass
	// the snapshots so a read right after a write is exact.
	mu      sync.Mutex
	written map[objectKey]bool
}

// Options tune a Client.
type Options struct {
	// SnapshotTTL is how long a per-namespace list stays valid for refresh reads after the last
	// read it answered (snapshot.go). Zero disables snapshots: every read is a GET.
	SnapshotTTL time.Duration
}

// DefaultSnapshotTTL is longer than the gaps between a refresh's reads of one namespace and short
// enough that a provider process that was idle reads afresh.
const DefaultSnapshotTTL = 10 * time.Second

// New returns a Client for the platform the REST config points at. It makes no request: nothing
// is discovered, so a plan works without reaching the cluster until a resource needs it.
func New(cfg *rest.Config, opts Options) (*Client, error) {
	if cfg == nil {
		return nil, errors.New("appcat: no REST config")
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("appcat: creating client: %w", err)
	}
	c := newClient(dyn, opts)
	c.openAPI = openAPIFor(cfg)
	return c, nil
}

func newClient(dyn dynamic.Interface, opts Options) *Client {
	return &Client{
		dynamic:   dyn,
		snapshots: newSnapshots(dyn, opts.SnapshotTTL),
		written:   map[objectKey]bool{},
	}
}

type objectKey struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
}

func (c *Client) markWritten(k objectKey) {
	c.mu.Lock()
	c.written[k] = true
	c.mu.Unlock()
}

func (c *Client) wasWritten(k objectKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.written[k]
}
