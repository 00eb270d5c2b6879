package appcat

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/rest"
)

// Which service levels a cluster offers is not in the service catalog. component-appcat narrows
// the enum of spec.parameters.service.serviceLevel in the claim schema to ["besteffort"] on
// clusters whose facts.service_level is neither guaranteed_availability nor premium
// (component/xrds.libsonnet filterOutGuaraanteed), and the API server refuses any other value. The
// claim schema is published in the cluster's OpenAPI v3 document of the claim group, which every
// authenticated user may read (system:discovery). It is read only when a plan asks for a service
// level, at most once per Client.

// serviceLevelsCache holds the one read of the claim group's OpenAPI document.
type serviceLevelsCache struct {
	once   sync.Once
	levels map[string][]string // by claim kind; absent: the schema has no enum
	err    error
}

// openAPIFor returns the OpenAPI v3 client of a REST config; nil config: none. It is built on a
// plain REST client rather than client-go's discovery client: discovery links every typed
// Kubernetes API into the binary (its scheme), and the provider uses none of them. That was a
// third of the binary (67 MB instead of 44) and 10 of the 34 MiB a provider process holds idle.
func openAPIFor(cfg *rest.Config) openapi.Client {
	if cfg == nil {
		return nil
	}
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = catalogTimeout
	cfg.APIPath, cfg.GroupVersion = "", nil
	// The OpenAPI client reads raw bytes; the decoder only turns error replies into errors.
	cfg.NegotiatedSerializer = serializer.NegotiatedSerializerWrapper(runtime.SerializerInfo{
		Serializer: runtime.NoopEncoder{Decoder: unstructured.UnstructuredJSONScheme}})
	rc, err := rest.UnversionedRESTClientFor(cfg)
	if err != nil {
		return nil
	}
	return openapi.NewClient(rc)
}

// ServiceLevels returns the service levels the cluster's schema of the kind's claims accepts
// (the enum of spec.parameters.service.serviceLevel); nil when the schema lists none.
func (c *Client) ServiceLevels(k Kind) ([]string, error) {
	c.serviceLevels.once.Do(func() {
		c.serviceLevels.levels, c.serviceLevels.err = c.readServiceLevels()
	})
	if c.serviceLevels.err != nil {
		return nil, c.serviceLevels.err
	}
	return c.serviceLevels.levels[k.Kind], nil
}

func (c *Client) readServiceLevels() (map[string][]string, error) {
	if c.openAPI == nil {
		return nil, fmt.Errorf("%w: no OpenAPI client", ErrCatalogUnavailable)
	}
	paths, err := c.openAPI.Paths()
	if err != nil {
		return nil, fmt.Errorf("reading the cluster's OpenAPI index: %w", err)
	}
	gvPath := "apis/" + ClaimGroupVersion.Group + "/" + ClaimGroupVersion.Version
	gv, ok := paths[gvPath]
	if !ok {
		return nil, fmt.Errorf("%w: the cluster publishes no OpenAPI document for %s", ErrCatalogUnavailable, gvPath)
	}
	doc, err := gv.Schema("application/json")
	if err != nil {
		return nil, fmt.Errorf("reading the OpenAPI document of %s: %w", gvPath, err)
	}
	return serviceLevelsFromOpenAPI(doc)
}

// openAPISchema is the part of an OpenAPI schema that leads to the service level's enum.
type openAPISchema struct {
	Properties map[string]openAPISchema `json:"properties,omitempty"`
	Enum       []any                    `json:"enum,omitempty"`
	GVK        []struct {
		Group, Version, Kind string
	} `json:"x-kubernetes-group-version-kind,omitempty"`
}

// serviceLevelsFromOpenAPI finds, in an OpenAPI v3 document of the claim group, the enum of
// spec.parameters.service.serviceLevel of every claim kind that has one.
func serviceLevelsFromOpenAPI(doc []byte) (map[string][]string, error) {
	var d struct {
		Components struct {
			Schemas map[string]openAPISchema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decoding the OpenAPI document: %w", err)
	}
	out := map[string][]string{}
	for _, s := range d.Components.Schemas {
		for _, gvk := range s.GVK {
			if gvk.Group != ClaimGroupVersion.Group || gvk.Version != ClaimGroupVersion.Version {
				continue
			}
			level := s
			for _, p := range []string{"spec", "parameters", "service", "serviceLevel"} {
				level = level.Properties[p]
			}
			var levels []string
			for _, v := range level.Enum {
				if str, ok := v.(string); ok {
					levels = append(levels, str)
				}
			}
			if len(levels) > 0 {
				slices.Sort(levels)
				out[gvk.Kind] = levels
			}
		}
	}
	return out, nil
}
