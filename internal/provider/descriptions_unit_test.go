package provider

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TestDescriptionFiles: every file in descriptions/ is the description of the provider or of one of
// its resources, data sources or ephemeral resources, so none is left behind unused; building the
// schemas also loads every file that is named.
func TestDescriptionFiles(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var pr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &pr)
	used := map[string]bool{pr.Schema.MarkdownDescription: true}
	for _, f := range p.Resources(ctx) {
		var r resource.SchemaResponse
		f().Schema(ctx, resource.SchemaRequest{}, &r)
		used[r.Schema.MarkdownDescription] = true
	}
	for _, f := range p.DataSources(ctx) {
		var r datasource.SchemaResponse
		f().Schema(ctx, datasource.SchemaRequest{}, &r)
		used[r.Schema.MarkdownDescription] = true
	}
	for _, f := range p.(provider.ProviderWithEphemeralResources).EphemeralResources(ctx) {
		var r ephemeral.SchemaResponse
		f().Schema(ctx, ephemeral.SchemaRequest{}, &r)
		used[r.Schema.MarkdownDescription] = true
	}
	files, err := fs.Glob(descriptionFiles, "descriptions/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no description files: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "descriptions/"), ".md")
		text := descriptionFile(name)
		if text == "" {
			t.Errorf("%s is empty", f)
		}
		if !describes(used, text) {
			t.Errorf("%s is no schema's description", f)
		}
	}
	for d := range used {
		if strings.Contains(d, kindsPlaceholder) {
			t.Errorf("a schema's description keeps %s unreplaced: %.80s…", kindsPlaceholder, d)
		}
	}
}

// describes tells whether one of the descriptions is the file's text, with the set's kinds in
// place of kindsPlaceholder where it has one.
func describes(descriptions map[string]bool, text string) bool {
	before, after, templated := strings.Cut(text, kindsPlaceholder)
	for d := range descriptions {
		if d == text || templated && len(d) > len(before)+len(after) && strings.HasPrefix(d, before) && strings.HasSuffix(d, after) {
			return true
		}
	}
	return false
}
