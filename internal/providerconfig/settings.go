package providerconfig

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Resolving settings: attribute, then environment variable, then kubeconfig.

// setting is one resolved string value and where it came from.
type setting struct {
	value string
	env   string // environment variable it was read from; "" when set in the provider block
}

func (s setting) isSet() bool { return s.value != "" }

// from describes the origin for diagnostics, e.g. ` (from environment variable KUBE_HOST)`.
func (s setting) from() string {
	if s.env == "" {
		return ""
	}
	return fmt.Sprintf(" (from environment variable %s)", s.env)
}

// stringSetting returns the attribute's value, or the environment variable's
// when the attribute is null or empty.
func stringSetting(v types.String, env string) setting {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return setting{value: v.ValueString()}
	}
	if env != "" {
		if e := os.Getenv(env); e != "" {
			return setting{value: e, env: env}
		}
	}
	return setting{}
}

// kubeconfigSource is the list of kubeconfig files to load and who named them.
type kubeconfigSource struct {
	paths   []string
	attr    path.Path // attribute to blame for a bad file
	indexed bool      // paths came from the config_paths attribute: blame config_paths[i]
	env     string    // environment variable they came from, if any
	ambient bool      // KUBECONFIG: missing files are skipped, as kubectl does
}

func (s kubeconfigSource) pathFor(i int) path.Path {
	if s.indexed {
		return s.attr.AtListIndex(i)
	}
	return s.attr
}

// resolveKubeconfigSource applies the precedence
// config_path > config_paths > KUBE_CONFIG_PATH > KUBE_CONFIG_PATHS > KUBECONFIG.
// KUBECONFIG is only consulted when nothing else names a connection (no
// path and no host), so that an ambient kubeconfig never gets merged into an
// explicit host/token configuration.
func resolveKubeconfigSource(ctx context.Context, cfg Model, hostSet bool) (kubeconfigSource, diag.Diagnostics) {
	var diags diag.Diagnostics
	if p := stringSetting(cfg.ConfigPath, ""); p.isSet() {
		return kubeconfigSource{paths: []string{p.value}, attr: path.Root("config_path")}, diags
	}
	if !cfg.ConfigPaths.IsNull() && !cfg.ConfigPaths.IsUnknown() && len(cfg.ConfigPaths.Elements()) > 0 {
		var elems []types.String
		diags.Append(cfg.ConfigPaths.ElementsAs(ctx, &elems, false)...)
		if diags.HasError() {
			return kubeconfigSource{}, diags
		}
		src := kubeconfigSource{attr: path.Root("config_paths"), indexed: true}
		for i, e := range elems {
			if e.IsNull() || e.ValueString() == "" {
				diags.AddAttributeError(path.Root("config_paths").AtListIndex(i), "Empty kubeconfig path",
					"The entries of config_paths must be paths of kubeconfig files.")
				continue
			}
			src.paths = append(src.paths, e.ValueString())
		}
		return src, diags
	}
	if v := os.Getenv(envConfigPath); v != "" {
		return kubeconfigSource{paths: []string{v}, attr: path.Root("config_path"), env: envConfigPath}, diags
	}
	if v := os.Getenv(envConfigPaths); v != "" {
		return kubeconfigSource{paths: splitPathList(v), attr: path.Root("config_paths"), env: envConfigPaths}, diags
	}
	if !hostSet {
		if v := os.Getenv(envKubeconfig); v != "" {
			return kubeconfigSource{paths: splitPathList(v), env: envKubeconfig, ambient: true}, diags
		}
	}
	return kubeconfigSource{}, diags
}

func splitPathList(v string) []string {
	var out []string
	for _, p := range filepath.SplitList(v) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// expandHome expands a leading "~" (alone or followed by a separator).
func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot expand %q: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}

// checkKubeconfigFiles expands and checks every file so that a bad one is
// reported on the attribute that named it. It returns the files to load.
func checkKubeconfigFiles(src kubeconfigSource) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var files []string
	addErr := func(i int, summary, detail string) {
		if src.ambient {
			diags.AddError(summary, detail)
			return
		}
		diags.AddAttributeError(src.pathFor(i), summary, detail)
	}
	from := ""
	if src.env != "" {
		from = fmt.Sprintf(" (from environment variable %s)", src.env)
	}
	for i, p := range src.paths {
		expanded, err := expandHome(p)
		if err != nil {
			addErr(i, "Invalid kubeconfig path", err.Error()+from)
			continue
		}
		info, err := os.Stat(expanded)
		if os.IsNotExist(err) {
			if src.ambient {
				continue
			}
			addErr(i, "Kubeconfig file not found", fmt.Sprintf("The kubeconfig file %q%s does not exist.", expanded, from))
			continue
		}
		if err != nil {
			addErr(i, "Cannot read kubeconfig file", fmt.Sprintf("Reading %q%s: %s", expanded, from, err))
			continue
		}
		if info.IsDir() {
			addErr(i, "Kubeconfig path is a directory", fmt.Sprintf("%q%s is a directory, not a kubeconfig file.", expanded, from))
			continue
		}
		if _, err := clientcmd.LoadFromFile(expanded); err != nil {
			addErr(i, "Invalid kubeconfig file", fmt.Sprintf("Loading %q%s: %s", expanded, from, err))
			continue
		}
		files = append(files, expanded)
	}
	return files, diags
}

func envFrom(env string) string {
	if env == "" {
		return ""
	}
	return fmt.Sprintf(" (from environment variable %s)", env)
}

// boolSetting returns the attribute's value, else the environment variable's.
// env is the variable's name when the value came from it.
func boolSetting(v types.Bool, name string) (value bool, env string, err error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), "", nil
	}
	s := os.Getenv(name)
	if s == "" {
		return false, "", nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, name, err
	}
	return b, name, nil
}

func rateLimits(cfg Model) (float32, int, diag.Diagnostics) {
	var diags diag.Diagnostics
	qps := defaultQPS
	switch {
	case !cfg.QPS.IsNull():
		qps = cfg.QPS.ValueFloat64()
		if !(qps > 0) || qps > math.MaxFloat32 {
			diags.AddAttributeError(path.Root("qps"), "Invalid qps", fmt.Sprintf("qps must be a number greater than zero, got %g.", qps))
		}
	case os.Getenv(envQPS) != "":
		v, err := strconv.ParseFloat(os.Getenv(envQPS), 64)
		if err != nil || !(v > 0) || v > math.MaxFloat32 {
			diags.AddAttributeError(path.Root("qps"), "Invalid qps",
				fmt.Sprintf("Environment variable %s=%q must be a number greater than zero.", envQPS, os.Getenv(envQPS)))
		}
		qps = v
	}
	burst := int64(defaultBurst)
	switch {
	case !cfg.Burst.IsNull():
		burst = cfg.Burst.ValueInt64()
		if burst < 1 || burst > math.MaxInt32 {
			diags.AddAttributeError(path.Root("burst"), "Invalid burst", fmt.Sprintf("burst must be an integer of at least 1, got %d.", burst))
		}
	case os.Getenv(envBurst) != "":
		v, err := strconv.ParseInt(os.Getenv(envBurst), 10, 64)
		if err != nil || v < 1 || v > math.MaxInt32 {
			diags.AddAttributeError(path.Root("burst"), "Invalid burst",
				fmt.Sprintf("Environment variable %s=%q must be an integer of at least 1.", envBurst, os.Getenv(envBurst)))
		}
		burst = v
	}
	return float32(qps), int(burst), diags
}

// explicitNamespace returns the namespace set by attribute or APPCAT_NAMESPACE,
// or "" when the kubeconfig decides.
func explicitNamespace(cfg Model) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	ns := stringSetting(cfg.Namespace, envNamespace)
	if !ns.isSet() {
		return "", diags
	}
	if errs := validation.IsDNS1123Label(ns.value); len(errs) > 0 {
		diags.AddAttributeError(path.Root("namespace"), "Invalid namespace",
			fmt.Sprintf("%q%s is not a valid Kubernetes namespace name: %s", ns.value, ns.from(), strings.Join(errs, "; ")))
		return "", diags
	}
	return ns.value, diags
}

// expandExec turns the exec block into client-go's ExecConfig.
func expandExec(ctx context.Context, l types.List) (*clientcmdapi.ExecConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	if l.IsNull() || l.IsUnknown() || len(l.Elements()) == 0 {
		return nil, diags
	}
	var blocks []execModel
	diags.Append(l.ElementsAs(ctx, &blocks, false)...)
	if diags.HasError() {
		return nil, diags
	}
	if len(blocks) > 1 {
		diags.AddAttributeError(path.Root("exec"), "Too many exec blocks", "At most one exec block may be configured.")
		return nil, diags
	}
	b := blocks[0]
	at := path.Root("exec").AtListIndex(0)
	ec := &clientcmdapi.ExecConfig{
		APIVersion: b.APIVersion.ValueString(),
		Command:    b.Command.ValueString(),
		// Terraform runs the provider without a terminal: the plugin gets no stdin.
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
	if !slices.Contains(execAPIVersions, ec.APIVersion) {
		diags.AddAttributeError(at.AtName("api_version"), "Invalid exec api_version",
			fmt.Sprintf("%q is not supported; use one of %s.", ec.APIVersion, strings.Join(execAPIVersions, ", ")))
	}
	if ec.Command == "" {
		diags.AddAttributeError(at.AtName("command"), "Missing exec command", "exec.command must name the credential plugin to run.")
	}
	if !b.Args.IsNull() {
		var args []types.String
		diags.Append(b.Args.ElementsAs(ctx, &args, false)...)
		for _, a := range args {
			ec.Args = append(ec.Args, a.ValueString())
		}
	}
	if !b.Env.IsNull() {
		env := map[string]types.String{}
		diags.Append(b.Env.ElementsAs(ctx, &env, false)...)
		names := make([]string, 0, len(env))
		for k := range env {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if k == "" {
				diags.AddAttributeError(at.AtName("env"), "Invalid exec env", "Environment variable names must not be empty.")
				continue
			}
			ec.Env = append(ec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: env[k].ValueString()})
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	return ec, diags
}

// checkContextNames reports a context, user or cluster name that the loaded
// kubeconfig does not have, on the attribute that names it.
func checkContextNames(raw clientcmdapi.Config, loaded bool, kubeContext, authInfo, cluster setting) diag.Diagnostics {
	var diags diag.Diagnostics
	check := func(s setting, attrName, kind string, names []string, exists bool) {
		if !s.isSet() || exists {
			return
		}
		p := path.Root(attrName)
		if !loaded {
			diags.AddAttributeError(p, fmt.Sprintf("No kubeconfig for %s", attrName),
				fmt.Sprintf("%s %q%s selects a kubeconfig %s, but no kubeconfig file is loaded. Set config_path or config_paths (or %s / %s).",
					attrName, s.value, s.from(), kind, envConfigPath, envConfigPaths))
			return
		}
		sort.Strings(names)
		diags.AddAttributeError(p, fmt.Sprintf("Kubeconfig %s not found", kind),
			fmt.Sprintf("The kubeconfig has no %s %q%s. Available: %s.", kind, s.value, s.from(), quoteList(names)))
	}
	_, ok := raw.Contexts[kubeContext.value]
	check(kubeContext, "config_context", "context", mapKeys(raw.Contexts), ok)
	_, ok = raw.AuthInfos[authInfo.value]
	check(authInfo, "config_context_auth_info", "user", mapKeys(raw.AuthInfos), ok)
	_, ok = raw.Clusters[cluster.value]
	check(cluster, "config_context_cluster", "cluster", mapKeys(raw.Clusters), ok)
	return diags
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func effectiveContext(raw clientcmdapi.Config, override string) string {
	if override != "" {
		return override
	}
	return raw.CurrentContext
}
