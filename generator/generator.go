// Package generator is the pipeline: load the catalog, plan each target,
// render its bundle, and hand back the files as one in-memory result that
// can be written, compared with a folder, or asserted by tests.
package generator

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
)

// Options select what to build.
type Options struct {
	Targets []string // target ids; empty means all
	Plans   []string // plan ids; empty means all
	// Error, when set, builds only the plan that answers this error code
	// (any form hresult.Parse accepts).
	Error string
}

// Output is a build: every file of every selected bundle, by path
// "<target>/<file>".
type Output struct {
	Targets []string
	Files   bundle.Files
}

// Load reads and validates a catalog.
func Load(fsys fs.FS) (*catalog.Catalog, error) {
	c, err := catalog.Load(fsys, render.Placeholders())
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return c, nil
}

// Build runs the whole pipeline on a catalog folder.
func Build(fsys fs.FS, opt Options) (*Output, error) {
	c, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	targets, err := Select(c, opt.Targets)
	if err != nil {
		return nil, err
	}
	if opt.Error != "" {
		e, err := Explain(c, opt.Error)
		if err != nil {
			return nil, err
		}
		if e.Plan == nil {
			return nil, fmt.Errorf("no plan in the catalog answers %s", e.Decoded.Code)
		}
		opt.Plans = []string{e.Plan.ID.Value}
	}
	out := &Output{Files: bundle.Files{}}
	for _, t := range targets {
		b, err := plan.For(c, t, plan.Options{Plans: opt.Plans})
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		files, err := bundle.Build(c, b)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		for name, data := range files.Prefixed(t.ID.Value) {
			out.Files[name] = data
		}
		out.Targets = append(out.Targets, t.ID.Value)
	}
	return out, nil
}

// Select resolves target ids, all of them when ids is empty.
func Select(c *catalog.Catalog, ids []string) ([]*catalog.Target, error) {
	if len(ids) == 0 {
		return c.Targets, nil
	}
	var out []*catalog.Target
	for _, t := range c.Targets {
		if slices.Contains(ids, t.ID.Value) {
			out = append(out, t)
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(out, func(t *catalog.Target) bool { return t.ID.Value == id }) {
			return nil, fmt.Errorf("unknown target %q (known: %s)", id, strings.Join(targetIDs(c), ", "))
		}
	}
	return out, nil
}

func targetIDs(c *catalog.Catalog) []string {
	var ids []string
	for _, t := range c.Targets {
		ids = append(ids, t.ID.Value)
	}
	return ids
}
