// Package manifests holds the AppCat API of the local platform as Kubernetes manifests: the
// namespace appcat-system, the claim CRDs (group vshn.appcat.vshn.io), the backup CRDs (group
// api.appcat.vshn.io, read-only for users), the service catalog (AppCat objects, readable by
// every user), the admission rules
// (CRD x-kubernetes-validations plus ValidatingAdmissionPolicies) and the users' ClusterRoles.
//
// The YAML files are the source of truth; Objects decodes them in install order.
package manifests

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

//go:embed *.yaml
var files embed.FS

// Files lists the embedded manifest files in install order: the namespace first, then the CRDs
// (claims, then backups, then the catalog), then the admission policies and their bindings, then
// the ClusterRoles, the catalog reader's cluster-wide binding, and last the catalog's entries.
var Files = []string{
	"namespace.yaml",
	"crd-vshnpostgresqls.yaml",
	"crd-vshnredis.yaml",
	"crd-vshnmariadbs.yaml",
	"crd-vshngarages.yaml",
	"crd-vshnminios.yaml",
	"crd-vshnnextclouds.yaml",
	"crd-vshnkeycloaks.yaml",
	"crd-vshnforgejoes.yaml",
	"crd-exoscalepostgresqls.yaml",
	"crd-exoscalemysqls.yaml",
	"crd-exoscaleredis.yaml",
	"crd-exoscalekafkas.yaml",
	"crd-exoscaleopensearches.yaml",
	"crd-objectbuckets.yaml",
	"crd-codeyinstances.yaml",
	"crd-backups.yaml",
	"crd-monitors.yaml",
	"crd-alertmanagerconfigs.yaml",
	"crd-appcats.yaml",
	"policies.yaml",
	"rbac.yaml",
	"rbac-catalog.yaml",
	"catalog.yaml",
}

// Group and version of the claim kinds.
const (
	Group   = "vshn.appcat.vshn.io"
	Version = "v1"
)

// ExoscaleGroup is the group of the Exoscale DBaaS claim kinds, version Version.
const ExoscaleGroup = "exoscale.appcat.vshn.io"

// APIGroup is the group of the backup kinds, version v1.
const APIGroup = "api.appcat.vshn.io"

// Composition names (spec.compositionRef.name).
const (
	CompositionPostgreSQLCNPG      = "vshnpostgrescnpg.vshn.appcat.vshn.io"
	CompositionPostgreSQLStackGres = "vshnpostgres.vshn.appcat.vshn.io"
	CompositionRedis               = "vshnredis.vshn.appcat.vshn.io"
	CompositionMariaDB             = "vshnmariadb.vshn.appcat.vshn.io"
	CompositionGarage              = "vshngarage.vshn.appcat.vshn.io"
	CompositionMinIO               = "vshnminio.vshn.appcat.vshn.io"
	CompositionNextcloud           = "vshnnextcloud.vshn.appcat.vshn.io"
	CompositionKeycloak            = "vshnkeycloak.vshn.appcat.vshn.io"
	CompositionForgejo             = "vshnforgejo.vshn.appcat.vshn.io"
	CompositionExoscalePostgreSQL  = "exoscalepostgres.exoscale.appcat.vshn.io"
	CompositionExoscaleMySQL       = "exoscalemysql.exoscale.appcat.vshn.io"
	CompositionExoscaleRedis       = "exoscaleredis.exoscale.appcat.vshn.io"
	CompositionExoscaleKafka       = "exoscalekafka.exoscale.appcat.vshn.io"
	CompositionExoscaleOpenSearch  = "exoscaleopensearch.exoscale.appcat.vshn.io"
	// CompositionObjectBucketMinIO is the default ObjectBucket composition of vshn-cloud.
	CompositionObjectBucketMinIO = "minio.objectbuckets.appcat.vshn.io"
	// CompositionCodey is Codey's only composition.
	CompositionCodey = "codey.io"
)

// DeletionProtectionMessage is the message with which the API server refuses to delete a claim
// whose spec.parameters.security.deletionProtection is true.
const DeletionProtectionMessage = "DeletionProtection is enabled. To delete the instance, disable the deletionProtection in spec.parameters.security.deletionProtection"

// MustClaimResources lists the resources (version Version) of the CRDs the manifests install whose
// group and kind isClaim accepts, in install order: the claim kinds, as the platform's kind table
// names them. It panics when the embedded manifests do not decode, which their tests rule out.
func MustClaimResources(isClaim func(schema.GroupKind) bool) []schema.GroupVersionResource {
	objs, err := Objects()
	if err != nil {
		panic(fmt.Sprintf("manifests: %v", err))
	}
	var out []schema.GroupVersionResource
	for _, o := range objs {
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		plural, _, _ := unstructured.NestedString(o.Object, "spec", "names", "plural")
		if o.GetKind() == "CustomResourceDefinition" && isClaim(schema.GroupKind{Group: group, Kind: kind}) {
			out = append(out, schema.GroupVersionResource{Group: group, Version: Version, Resource: plural})
		}
	}
	return out
}

// Objects returns every object of the AppCat API in install order. Each call returns fresh
// copies, so callers may modify them.
func Objects() ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	for _, name := range Files {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		fileObjs, err := decode(data)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		if len(fileObjs) == 0 {
			return nil, fmt.Errorf("decode %s: no objects", name)
		}
		objs = append(objs, fileObjs...)
	}
	return objs, nil
}

// decode splits multi-document YAML and converts every non-empty document into an object.
func decode(data []byte) ([]*unstructured.Unstructured, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []*unstructured.Unstructured
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		jsonDoc, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if s := string(bytes.TrimSpace(jsonDoc)); s == "null" || s == "{}" { // comments only
			continue
		}
		obj := &unstructured.Unstructured{}
		// UnmarshalJSON keeps integers as int64, as the API machinery expects.
		if err := obj.UnmarshalJSON(jsonDoc); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if obj.GetAPIVersion() == "" || obj.GetKind() == "" || obj.GetName() == "" {
			return nil, fmt.Errorf("document %d: apiVersion, kind and metadata.name are required", i)
		}
		objs = append(objs, obj)
	}
}
