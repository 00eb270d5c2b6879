package provider

import (
	"embed"
	"fmt"
	"strings"
)

// descriptionFiles holds the long Markdown descriptions of the provider and of some resources and
// data sources, one file each, named after the Go file that uses it: prose is easier to read,
// review and edit there than as joined Go strings.
//
//go:embed descriptions/*.md
var descriptionFiles embed.FS

// descriptionFile returns the text of descriptions/<name>.md without surrounding whitespace. A
// missing file is a programming error; TestDescriptionFiles finds it, and an unused file.
func descriptionFile(name string) string {
	b, err := descriptionFiles.ReadFile("descriptions/" + name + ".md")
	if err != nil {
		panic(fmt.Sprintf("description %q: %v", name, err))
	}
	return strings.TrimSpace(string(b))
}

// kindsPlaceholder in a description stands for the kinds a resource or data source accepts.
const kindsPlaceholder = "{kinds}"

// descriptionFileFor is descriptionFile with kindsPlaceholder replaced by the set's kinds ("A, B
// or C"), so the text names what the resource accepts as kinds gain the capability.
func descriptionFileFor(name string, kinds kindSet) string {
	return strings.ReplaceAll(descriptionFile(name), kindsPlaceholder, kinds.displayNames("or"))
}
