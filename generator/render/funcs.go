// Package render runs the catalog's templates for one target and one
// dialect. Templates see plain view values (view.go) and a small set of
// dialect-aware functions (this file); all escaping lives in dialect.
package render

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
)

// Placeholders are the function names templates may call: the one function
// map of every catalog template (steps, libs, bundle, top, gpo, intune).
// The catalog parses templates with these; each render binds the real ones.
func Placeholders() template.FuncMap {
	out := PureFuncs()
	for name, f := range (&scope{}).funcs() {
		out[name] = f
	}
	return out
}

// TopFuncs binds the catalog's own functions for the files beside the bundles
// (wufix.cmd, gpo/, intune/): a tool must exist on every built target,
// because such a script cannot know in advance which Windows runs it.
func TopFuncs(c *catalog.Catalog, built []*catalog.Target, dialectName string) template.FuncMap {
	return (&scope{dialect: dialectName, targets: built, tools: c.Tools, features: c.Features, unit: "top-level script"}).funcs()
}

// scope is what the functions of one render need to know.
type scope struct {
	dialect string
	// targets are the Windows versions the output runs on: one for a
	// bundle, every built one for a top-level script.
	targets []*catalog.Target
	tools   map[string]*catalog.Tool
	// features are the catalog's facts that are not tools, which has
	// also answers for.
	features map[string]*catalog.Feature
	// declared is the set of tools the step or lib being rendered declared;
	// nil for bundle templates, which may use any tool the target has.
	declared map[string]bool
	unit     string // "step component-reset", for error messages
	prefix   string // label prefix, the step id with '-' as '_'
}

// funcs are the catalog's own functions bound to this render; sprig's
// pure ones come with the parsed template (Placeholders), so a render
// binds only these.
func (s *scope) funcs() template.FuncMap {
	own := template.FuncMap{
		"tool":        s.tool,
		"pstool":      s.pstool,
		"label":       s.label,
		"cmdset":      dialect.CmdSet,
		"cmdsetpath":  dialect.CmdSetPath,
		"cmdecho":     dialect.CmdEcho,
		"cmdesc":      func(v string) (string, error) { return dialect.CmdEscape(v, false) },
		"psq":         psq,
		"comment":     s.comment,
		"has":         s.has,
		"productType": catalog.ProductType,
		"lineof":      lineof,
		"fill":        dialect.Fill,
	}
	return own
}

// tool returns the absolute, quoted path of a program, and is the build's
// last line of defence: a tool the target lacks is an error here even when
// a template reaches it on a path the declarations did not foresee.
func (s *scope) tool(name string) (string, error) {
	t := s.tools[name]
	if t == nil {
		return "", fmt.Errorf("unknown tool %q", name)
	}
	if s.declared != nil && !s.declared[name] {
		return "", fmt.Errorf("%s calls %q without declaring it (requires.tools or lib tools)", s.unit, name)
	}
	for _, target := range s.targets {
		if target.Tools[name] == nil {
			return "", fmt.Errorf("%s uses %q, which %s lacks (target %s)", s.unit, name, target.Name, target.ID.Value)
		}
	}
	if s.dialect == "ps1" {
		return `"${env:SystemRoot}\` + t.Path + `"`, nil
	}
	return `"%SystemRoot%\` + t.Path + `"`, nil
}

// pstool is tool's PowerShell form, for a cmd-dialect file that writes
// PowerShell or a top-level .ps1.
func (s *scope) pstool(name string) (string, error) {
	ps := *s
	ps.dialect = "ps1"
	return ps.tool(name)
}

// has reports whether the target (every target, for a top-level script)
// has a tool or a feature (templates/features.yaml): the one way a
// template picks between two ways of doing one thing, so that templates
// print by named facts and never compare versions, builds or
// architectures. A name that is neither is an error, not a quiet false.
func (s *scope) has(name string) (bool, error) {
	if s.tools[name] == nil && s.features[name] == nil {
		return false, fmt.Errorf("has %q: neither a tool (templates/tools.yaml) nor a feature (%s)", name, catalog.FeaturesFile)
	}
	for _, t := range s.targets {
		if t.Tools[name] == nil && !t.HasFeature(name) {
			return false, nil
		}
	}
	return len(s.targets) > 0, nil
}

func (s *scope) label(name string) string {
	return s.prefix + "_" + name
}

// comment wraps text into comment lines of the current dialect.
func (s *scope) comment(text string) string {
	var d dialect.Dialect = dialect.Cmd{}
	if s.dialect == "ps1" {
		d = dialect.PS1{}
	}
	lines := dialect.Wrap(text, 74)
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, line := range lines {
		lines[i] = d.Comment(line)
	}
	return strings.Join(lines, "\n")
}

func psq(v any) (string, error) { return dialect.PSQuote(fmt.Sprint(v)) }
