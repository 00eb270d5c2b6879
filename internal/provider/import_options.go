package provider

import (
	"fmt"
	"net/url"
	"strings"
)

// importOptions are what an import ID of an instance or a database user may add after `?`, as in
// a URL query. An import cannot see the configuration, so the ID has to say that the credentials
// stay out of the state, or they would reach it before the next apply removes them.
const importOptions = "store_credentials=true|false"

// cutImportOptions splits `id[?store_credentials=true|false]` into the ID and the option, true
// when absent; problem, when not empty, says what is wrong with the options.
func cutImportOptions(raw string) (id string, storeCredentials bool, problem string) {
	id, query, hasQuery := strings.Cut(raw, "?")
	storeCredentials = true
	if !hasQuery {
		return id, storeCredentials, ""
	}
	options, err := url.ParseQuery(query)
	if err != nil {
		return id, storeCredentials, fmt.Sprintf("The options after ? in %q are not of the form %s: %v.", raw, importOptions, err)
	}
	for key, values := range options {
		if key != "store_credentials" || len(values) != 1 || (values[0] != "true" && values[0] != "false") {
			return id, storeCredentials, fmt.Sprintf("Unknown option %q in %q: the only option is %s.", key+"="+strings.Join(values, ","), raw, importOptions)
		}
		storeCredentials = values[0] == "true"
	}
	return id, storeCredentials, ""
}
