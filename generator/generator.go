// Package generator is the pipeline: load the catalog, plan each target,
// render its bundle, and hand back the files as one in-memory result that
// can be written, compared with a folder, or asserted by tests.
package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/deploy"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
	"github.com/wufix/wufix/generator/sign"
)

// Options select what to build.
type Options struct {
	Targets []string // target ids; empty means all
	Plans   []string // plan ids; empty means all
	// Error, when set, builds only the plan that answers this error code
	// (any form hresult.Parse accepts).
	Error string
	// Deploy are the Group Policy and Intune settings of the top-level files.
	Deploy deploy.Options
	// Payload is a folder of update packages to place in the bundles.
	Payload string
	// Sign, when set, signs every .ps1 (and unsigned .cab payloads).
	Sign *sign.Signer
}

// Output is a build: every file of every selected bundle, by path
// "<target>/<file>", and the top-level files beside the target folders
// (wufix.cmd, gpo/, intune/, manifest.json, SHA256SUMS) by their own path.
type Output struct {
	Targets []string
	// Top are the names directly under the output folder, besides the
	// target folders, that this build writes: "wufix.cmd", "gpo", ...
	Top   []string
	Files bundle.Files
	// Payloads are copied into the bundles' packages folders by Write,
	// which adds them to the manifests; they are never held in memory.
	Payloads []payload.File
	// Skipped are payload files that only targets outside this build use.
	Skipped []payload.File
	// Ignored are the files macOS or Explorer left in the payload folder.
	Ignored []string
	// Progress, when set, is told how many payload bytes Write just copied.
	Progress func(n int64)

	bundles map[string]*plan.Bundle
	sign    *sign.Signer
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
	out := &Output{Files: bundle.Files{}, bundles: map[string]*plan.Bundle{}, sign: opt.Sign}
	for _, t := range targets {
		b, err := plan.For(c, t, plan.Options{Plans: opt.Plans})
		if errors.Is(err, plan.ErrNoPlan) && opt.Error != "" {
			continue // the error's plan is not for this version
		}
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		files, err := bundle.Build(c, b)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if opt.Sign != nil {
			if err := signScripts(opt.Sign, files); err != nil {
				return nil, err
			}
			if err := bundle.Seal(b, files, nil); err != nil {
				return nil, err
			}
		}
		for name, data := range files.Prefixed(t.ID.Value) {
			out.Files[name] = data
		}
		out.Targets = append(out.Targets, t.ID.Value)
		out.bundles[t.ID.Value] = b
	}
	if len(out.Targets) == 0 {
		return nil, fmt.Errorf("the plan for %s is for none of the selected targets", opt.Error)
	}
	if err := out.addTop(fsys, c, targets, opt); err != nil {
		return nil, err
	}
	if opt.Payload != "" {
		res, err := payload.Scan(opt.Payload, c.Targets, targets)
		if err != nil {
			return nil, err
		}
		out.Payloads, out.Skipped, out.Ignored = res.Files, res.Skipped, res.Ignored
	}
	return out, nil
}

// addTop renders the top-level files and seals them over the bundles.
func (o *Output) addTop(fsys fs.FS, c *catalog.Catalog, targets []*catalog.Target, opt Options) error {
	top, err := deploy.Build(fsys, c, targets, opt.Deploy)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	if opt.Sign != nil {
		if err := signScripts(opt.Sign, top); err != nil {
			return err
		}
	}
	for name, data := range top {
		o.Files[name] = data
	}
	if err := deploy.Seal(o.Files, o.Targets); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	o.Top = deploy.TopEntries(o.Files, o.Targets)
	return nil
}

// signScripts signs every .ps1 of files in place.
func signScripts(s *sign.Signer, files bundle.Files) error {
	for name, data := range files {
		if !strings.HasSuffix(name, ".ps1") {
			continue
		}
		signed, err := s.Bytes(name, data)
		if err != nil {
			return err
		}
		files[name] = signed
	}
	return nil
}

// Entries are every name directly under the output folder this build
// writes: the target folders, then the top-level entries.
func (o *Output) Entries() []string {
	return append(append([]string{}, o.Targets...), o.Top...)
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
