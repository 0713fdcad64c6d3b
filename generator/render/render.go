package render

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

// Script renders one bundle entry script (run.cmd, run.ps1) or text file
// from templates/bundle/<name>.tmpl for the bundle's target. dialectName is
// the file's language, for the functions that quote ("cmd", "ps1", "" for
// text); only run.cmd ("cmd") carries the steps' and libs' code, since
// run.ps1 runs run.cmd. cl holds the goroutine's template clones (nil
// clones each template anew).
func Script(cl *Clones, c *catalog.Catalog, b *plan.Bundle, name, dialectName string, extra map[string]any) (string, error) {
	view, err := newView(cl, c, b, dialectName, extra)
	if err != nil {
		return "", err
	}
	sc := scope{dialect: dialectName, targets: []*catalog.Target{b.Target}, tools: c.Tools, features: c.Features, unit: "templates/bundle/" + name}
	tmpl, err := cl.bind(c.Bundle, sc)
	if err != nil {
		return "", err
	}
	out, err := execute(c, tmpl, name, view)
	if err != nil {
		return "", err
	}
	// Each bundle's run.cmd is rendered once, so it is linted once, before
	// anything encodes it.
	if dialectName == "cmd" {
		if err := LintCmd(c, out); err != nil {
			return "", err
		}
	}
	out = catalog.StripOrigins(out)
	libs := make([]string, len(view.Libs))
	for i, lib := range view.Libs {
		libs[i] = catalog.StripOrigins(lib)
	}
	out, err = numberLines(prune(out, libs))
	if err != nil || dialectName != "cmd" {
		return out, err
	}
	return callsThroughFile(out), nil // checkFileCalls runs with the inventory
}

// MaxOutput bounds what a template may emit into one bundle file: the
// largest today is about 200 KiB, and a runaway range must fail the build
// rather than fill the build machine's memory and the USB stick.
const MaxOutput = 4 << 20

func execute(c *catalog.Catalog, t *template.Template, name string, data any) (string, error) {
	out := &Bounded{}
	if err := t.ExecuteTemplate(out, name, data); err != nil {
		if errors.Is(err, ErrTooBig) {
			return "", fmt.Errorf("%s: %w", lastOrigin(c, out.String(), t, name), err)
		}
		// Bundle templates are named by file name; steps' and libs' by path.
		return "", catalog.ExecError("templates/bundle", err)
	}
	return out.String(), nil
}

// ErrTooBig stops a template that writes more than MaxOutput.
var ErrTooBig = fmt.Errorf("writes over %d KiB, the most one bundle file may hold", MaxOutput>>10)

// Bounded is a strings.Builder that refuses to grow past MaxOutput, so the
// template stops at the write that crosses it.
type Bounded struct{ strings.Builder }

func (b *Bounded) Write(p []byte) (int, error) {
	if b.Len()+len(p) > MaxOutput {
		return 0, ErrTooBig
	}
	return b.Builder.Write(p)
}

// lastOrigin is the template position of the last origin mark written (a
// runaway loop writes the same lines over and over), or the template's
// file when it writes no marks.
func lastOrigin(c *catalog.Catalog, out string, t *template.Template, name string) catalog.Pos {
	if i := strings.LastIndex(out, catalog.MarkOpen); i >= 0 {
		digits, _, _ := strings.Cut(out[i+1:], catalog.MarkClose)
		if n, err := strconv.Atoi(digits); err == nil {
			return c.Origin(n)
		}
	}
	file := t.Name()
	if !strings.HasPrefix(file, "templates/") {
		file = "templates/bundle/" + name
	}
	return catalog.Pos{File: file, Line: 1, Col: 1}
}

// renderStep renders the do, undo and (optional) subs blocks of a step.
func renderStep(cl *Clones, c *catalog.Catalog, b *plan.Bundle, s *plan.Step, extra map[string]any) (*StepView, error) {
	v := newStepView(s)
	tmpl := s.Step.Template
	if tmpl == nil {
		return nil, fmt.Errorf("%s/cmd.tmpl: missing template for target %s", s.Step.Dir, b.Target.ID.Value)
	}
	declared := map[string]bool{}
	for _, t := range s.Step.Requires.Tools {
		declared[t.Value] = true
	}
	sc := scope{dialect: "cmd", targets: []*catalog.Target{b.Target}, tools: c.Tools, features: c.Features, declared: declared,
		unit: "step " + s.Step.ID.Value, prefix: v.Label}
	clone, err := cl.bind(tmpl, sc)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Target": b.Target, "Step": s.Step, "Services": s.Services,
		"RegFile": s.Step.RegFile(), "Extra": extra}
	blocks := map[string]*string{"do": &v.Do, "undo": &v.Undo, "preview": &v.Preview, "cleanup": &v.Cleanup, "subs": &v.Subs}
	for _, name := range []string{"do", "undo", "preview", "cleanup", "subs"} {
		if clone.Lookup(name) == nil {
			continue
		}
		if *blocks[name], err = execute(c, clone, name, data); err != nil {
			return nil, err
		}
		*blocks[name] = strings.Trim(*blocks[name], "\n")
	}
	return v, nil
}

// renderLib renders a shared routine once for the bundle; codes is the
// bundle's code table (codeTable), made once for all its libs.
func renderLib(cl *Clones, c *catalog.Catalog, b *plan.Bundle, lib *catalog.Lib, codes []CodeView) (string, error) {
	tmpl := lib.Template
	if tmpl == nil {
		return "", fmt.Errorf("templates/libs/%s/cmd.tmpl: missing template", lib.Name)
	}
	declared := map[string]bool{}
	for _, t := range append(append([]catalog.Name{}, lib.Tools...), lib.OptionalTools...) {
		declared[t.Value] = true
	}
	sc := scope{dialect: "cmd", targets: []*catalog.Target{b.Target}, tools: c.Tools, features: c.Features, declared: declared,
		unit: "lib " + lib.Name, prefix: strings.ReplaceAll(lib.Name, "-", "_")}
	clone, err := cl.bind(tmpl, sc)
	if err != nil {
		return "", err
	}
	out, err := execute(c, clone, tmpl.Name(), map[string]any{"Target": b.Target, "Targets": c.Targets, "Codes": codes, "CatalogDate": c.Info.Date, "Intune": c.Info.Intune})
	return strings.Trim(out, "\n"), err
}
