package appcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The service catalog: what one AppCat installation offers. AppCat's API server publishes one
// cluster-scoped AppCat object (group api.appcat.vshn.io/v1, resource appcats) per composition
// labelled metadata.appcat.vshn.io/offered=true, named like the composition
// (apis/apiserver/v1/appcat_types.go, pkg/apiserver/appcat/list.go in vshn/appcat). Plans and
// their sizes are set per installation by component-appcat, so the provider reads them instead of
// hard-coding them.

// Default compositions of Redis and MariaDB (PostgreSQL's are in postgresql.go): the name of the
// catalog entry that describes what a claim without spec.compositionRef gets.
const (
	CompositionRedis   = "vshnredis.vshn.appcat.vshn.io"
	CompositionMariaDB = "vshnmariadb.vshn.appcat.vshn.io"
)

// CatalogGVR is the group/version/resource of the catalog.
var CatalogGVR = schema.GroupVersionResource{Group: "api.appcat.vshn.io", Version: "v1", Resource: "appcats"}

// ErrCatalogUnavailable is returned when the platform does not serve the catalog to this user:
// the resource is unknown (not served) or the user may not list it.
var ErrCatalogUnavailable = errors.New("catalog not available")

// catalogTimeout bounds the one catalog read of a run, so an unreachable cluster delays a plan by
// at most this long.
const catalogTimeout = 15 * time.Second

// CatalogEntry is one AppCat object: an offered service implementation (a composition).
type CatalogEntry struct {
	// Name is the object's name, which is the composition's name.
	Name string `json:"-"`
	// Details are the composition's metadata.appcat.vshn.io/* annotations, camel-cased
	// (displayname, description, endUserDocsUrl, flavor, productDescription, zone, …).
	Details map[string]string `json:"details,omitempty"`
	// Plans are the size plans the composition offers, by name.
	Plans  map[string]CatalogPlan `json:"plans,omitempty"`
	Status struct {
		// CompositionName is the composition the entry was made from.
		CompositionName string `json:"compositionName,omitempty"`
	} `json:"status,omitempty"`
}

// CatalogPlan is one plan of a catalog entry.
type CatalogPlan struct {
	Note string      `json:"note,omitempty"`
	Size CatalogSize `json:"size,omitempty"`
}

// CatalogSize is what a plan gives an instance.
type CatalogSize struct {
	CPU    string `json:"cpu,omitempty"`
	Disk   string `json:"disk,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// Composition is the composition the entry describes: status.compositionName, else its name.
func (e CatalogEntry) Composition() string {
	if e.Status.CompositionName != "" {
		return e.Status.CompositionName
	}
	return e.Name
}

// PlansKnown tells whether the entry lists its plans. AppCat publishes the single plan
// "Plans are currently not available" (without a size) when it cannot parse a composition's
// plans annotation, and nothing when the annotation is absent; neither says which plans exist.
func (e CatalogEntry) PlansKnown() bool {
	if len(e.Plans) == 0 {
		return false
	}
	for name, p := range e.Plans {
		if p.Size == (CatalogSize{}) && !isPlanName(name) {
			return false
		}
	}
	return true
}

// PlanNames are the entry's plan names, sorted.
func (e CatalogEntry) PlanNames() []string {
	names := make([]string, 0, len(e.Plans))
	for n := range e.Plans {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// isPlanName tells whether s could be a plan name (a DNS label such as standard-8).
func isPlanName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' && i > 0 && i < len(s)-1
		if !ok {
			return false
		}
	}
	return true
}

// Catalog is the list of offered service implementations, sorted by name.
type Catalog []CatalogEntry

// ByComposition returns the entry of a composition; false when the catalog has none.
func (c Catalog) ByComposition(composition string) (CatalogEntry, bool) {
	for _, e := range c {
		if e.Composition() == composition {
			return e, true
		}
	}
	return CatalogEntry{}, false
}

// catalogCache holds the one catalog read of a client: a Client lives for one terraform run, so
// the catalog is read at most once per run, its error included.
type catalogCache struct {
	once    sync.Once
	catalog Catalog
	err     error
}

// Catalog returns the platform's service catalog, read once per Client. The error wraps
// ErrCatalogUnavailable when the platform does not serve it to this user.
func (c *Client) Catalog(ctx context.Context) (Catalog, error) {
	c.catalog.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), catalogTimeout)
		defer cancel()
		c.catalog.catalog, c.catalog.err = c.listCatalog(ctx)
	})
	return c.catalog.catalog, c.catalog.err
}

func (c *Client) listCatalog(ctx context.Context) (Catalog, error) {
	list, err := c.dynamic.Resource(CatalogGVR).List(ctx, metav1.ListOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) || apierrors.IsMethodNotSupported(err) {
			return nil, fmt.Errorf("%w: %w", ErrCatalogUnavailable, err)
		}
		return nil, fmt.Errorf("listing the service catalog (%s): %w", CatalogGVR.GroupResource(), err)
	}
	catalog := make(Catalog, 0, len(list.Items))
	for _, item := range list.Items {
		raw, err := json.Marshal(item.Object)
		if err != nil {
			return nil, err
		}
		var e CatalogEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("decoding catalog entry %s: %w", item.GetName(), err)
		}
		e.Name = item.GetName()
		catalog = append(catalog, e)
	}
	sort.Slice(catalog, func(i, j int) bool { return catalog[i].Name < catalog[j].Name })
	return catalog, nil
}
