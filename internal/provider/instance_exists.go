package provider

import (
	"fmt"
	"strings"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// instanceExistsError is the error of a create that found an instance of the same name: creating
// would take it over, and a later destroy of this resource would delete it with its data.
func instanceExistsError(d kindDescriptor, id string, e *appcat.ExistingClaim) (summary, detail string) {
	summary = fmt.Sprintf("%s instance %s already exists", d.displayName, id)
	var b strings.Builder
	fmt.Fprintf(&b, "There is already a %s instance %s on the platform", d.displayName, id)
	if e != nil {
		fmt.Fprintf(&b, " (created %s", e.Created)
		if len(e.Managers) > 0 {
			fmt.Fprintf(&b, ", written by %s", strings.Join(e.Managers, ", "))
		}
		b.WriteString(")")
	}
	b.WriteString(". Nothing was changed: creating it here would take over an instance that another configuration " +
		"or tool manages, and destroying this resource later would delete it with its data.\n\n")
	if e != nil && e.Deleting {
		b.WriteString("The instance is being deleted; apply again once it is gone.")
		return summary, b.String()
	}
	fmt.Fprintf(&b, "Choose another name, or, if this configuration is meant to manage that instance, import it:\n\n"+
		"  terraform import %s.<name> %s\n\n"+
		"(or an import block with id = %q). Then remove it from the configuration that manages it now, if any.", "appcat_"+d.typeName, id, id)
	return summary, b.String()
}
