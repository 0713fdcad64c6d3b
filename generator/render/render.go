package render

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

// Script renders one bundle entry script (run.cmd, run.ps1) or text file
// from templates/bundle/<name>.tmpl for the bundle's target. dialectName is
// the file's language, for the functions that quote ("cmd", "ps1", "" for
// text); only run.cmd ("cmd") carries the steps' and libs' code, since
// run.ps1 runs run.cmd.
func Script(c *catalog.Catalog, b *plan.Bundle, name, dialectName string, extra map[string]any) (string, error) {
	view, err := newView(c, b, dialectName, extra)
	if err != nil {
		return "", err
	}
	sc := &scope{dialect: dialectName, target: b.Target, tools: c.Tools, unit: "templates/bundle/" + name}
	tmpl, err := c.Bundle.Clone()
	if err != nil {
		return "", err
	}
	out, err := execute(tmpl.Funcs(sc.funcs()), name, view)
	if err != nil {
		return "", err
	}
	return numberLines(prune(out, view.Libs))
}

func execute(t *template.Template, name string, data any) (string, error) {
	var out strings.Builder
	if err := t.ExecuteTemplate(&out, name, data); err != nil {
		return "", fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "template: "))
	}
	return out.String(), nil
}

// renderStep renders the do, undo and (optional) subs blocks of a step.
func renderStep(c *catalog.Catalog, b *plan.Bundle, s *plan.Step, extra map[string]any) (*StepView, error) {
	v := newStepView(s)
	tmpl := s.Step.Template
	if tmpl == nil {
		return nil, fmt.Errorf("%s/cmd.tmpl: missing template for target %s", s.Step.Dir, b.Target.ID.Value)
	}
	declared := map[string]bool{}
	for _, t := range s.Step.Requires.Tools {
		declared[t.Value] = true
	}
	sc := &scope{dialect: "cmd", target: b.Target, tools: c.Tools, declared: declared,
		unit: "step " + s.Step.ID.Value, prefix: v.Label}
	clone, err := tmpl.Clone()
	if err != nil {
		return nil, err
	}
	clone.Funcs(sc.funcs())
	data := map[string]any{"Target": b.Target, "Step": s.Step, "Services": s.Services,
		"RegFile": s.Step.RegFile(), "Extra": extra}
	blocks := map[string]*string{"do": &v.Do, "undo": &v.Undo, "preview": &v.Preview, "cleanup": &v.Cleanup, "subs": &v.Subs}
	for _, name := range []string{"do", "undo", "preview", "cleanup", "subs"} {
		if clone.Lookup(name) == nil {
			continue
		}
		if *blocks[name], err = execute(clone, name, data); err != nil {
			return nil, err
		}
		*blocks[name] = strings.Trim(*blocks[name], "\n")
	}
	return v, nil
}

// renderLib renders a shared routine once for the bundle.
func renderLib(c *catalog.Catalog, b *plan.Bundle, lib *catalog.Lib) (string, error) {
	tmpl := lib.Template
	if tmpl == nil {
		return "", fmt.Errorf("templates/libs/%s/cmd.tmpl: missing template", lib.Name)
	}
	declared := map[string]bool{}
	for _, t := range append(append([]catalog.Name{}, lib.Tools...), lib.OptionalTools...) {
		declared[t.Value] = true
	}
	sc := &scope{dialect: "cmd", target: b.Target, tools: c.Tools, declared: declared,
		unit: "lib " + lib.Name, prefix: strings.ReplaceAll(lib.Name, "-", "_")}
	clone, err := tmpl.Clone()
	if err != nil {
		return "", err
	}
	out, err := execute(clone.Funcs(sc.funcs()), tmpl.Name(), map[string]any{"Target": b.Target, "Targets": c.Targets, "Codes": codeTable(c, b), "CatalogDate": c.Info.Date})
	return strings.Trim(out, "\n"), err
}
