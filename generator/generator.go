// Package generator is the pipeline: load the catalog, plan each target,
// render its bundle, and hand back the files as one in-memory result that
// can be written, compared with a folder, or asserted by tests.
package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

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
	Deploy Deploy
	// Payload is a folder of update packages to place in the bundles.
	Payload string
	// Sign, when set, names the key that signs every .ps1 (and unsigned
	// .cab payloads).
	Sign *Signing
}

// Deploy are the Group Policy and Intune settings of the top-level files.
type Deploy = deploy.Options

// DefaultIntuneRoot is where the Intune remediation looks for the bundle
// folders when Deploy.IntuneRoot is empty.
const DefaultIntuneRoot = deploy.DefaultIntuneRoot

// Signing names an Authenticode key: a PEM certificate chain and key, or
// a PKCS#12 file and its password. The signing time is the catalog's
// date, so that signing the same catalog twice gives the same bytes.
type Signing struct {
	Cert, Key, PFX, PFXPassword string
}

// Output is a build: every file of every selected bundle, by path
// "<target>/<file>", and the top-level files beside the target folders
// (wufix.cmd, gpo/, intune/, manifest.json, SHA256SUMS) by their own path.
type Output struct {
	Targets []string
	// Top are the names directly under the output folder, besides the
	// target folders, that this build writes: "wufix.cmd", "gpo", ...
	Top []string
	// Files is the one registry of the build's files that every stage
	// after planning shares: render and the top level add to it, sign
	// replaces scripts in it, seal adds the manifests over it, and Write,
	// Check and tests consume it.
	Files bundle.Files
	// Payloads are copied into the bundles' packages folders by Write,
	// which adds them to the manifests; they are never held in memory.
	Payloads []payload.File
	// Skipped are payload files that only targets outside this build use.
	Skipped []payload.File
	// Ignored are the files macOS or Explorer left in the payload folder.
	Ignored []string
	// Unzipped are the members of payload .zip files that are no update
	// packages, left out ("X.zip/Install-WMF5.1.ps1").
	Unzipped []string
	// Progress, when set, is told how many payload bytes Write just copied.
	Progress func(n int64)
	// Notes name every step and plan a built target does not get, with
	// the reason (plan.Notes), target by target.
	Notes []string

	bundles map[string]*plan.Bundle
	sign    *sign.Signer
	date    time.Time // the catalog's, for signatures and archives
}

// Load reads and validates a catalog.
func Load(fsys fs.FS) (*catalog.Catalog, error) {
	// Catalog errors start with their position, one problem a line; a
	// stage prefix in front would hide it from editors.
	return catalog.Load(fsys, render.Placeholders())
}

// Build runs the whole pipeline on a catalog folder, each stage once:
// load and validate, plan, render, sign, seal. Write (or Check) is the
// last stage.
func Build(fsys fs.FS, opt Options) (*Output, error) {
	c, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	out, err := newOutput(c, opt.Sign)
	if err != nil {
		return nil, err
	}
	targets, err := Select(c, opt.Targets)
	if err != nil {
		return nil, err
	}
	bundles, notes, err := planAll(c, targets, opt)
	if err != nil {
		return nil, err
	}
	out.Notes = notes
	if opt.Payload != "" {
		res, err := payload.Scan(opt.Payload, c.Targets, targets)
		if err != nil {
			return nil, err
		}
		out.Payloads, out.Skipped, out.Ignored, out.Unzipped = res.Files, res.Skipped, res.Ignored, res.Unzipped
	}
	if err := out.render(c, bundles, targets, opt.Deploy); err != nil {
		return nil, err
	}
	if err := out.signScripts(); err != nil {
		return nil, err
	}
	if err := out.sealAll(); err != nil {
		return nil, err
	}
	return out, nil
}

// newOutput starts an empty build, with its signer when one is asked for.
func newOutput(c *catalog.Catalog, s *Signing) (*Output, error) {
	date, err := time.Parse(time.DateOnly, c.Info.Date)
	if err != nil {
		// The loader checks the form only; 2026-02-30 is caught here.
		return nil, fmt.Errorf("templates/catalog.yaml: date %q is not a day of the calendar: %w", c.Info.Date, err)
	}
	out := &Output{Files: bundle.Files{}, bundles: map[string]*plan.Bundle{}, date: date}
	if s != nil {
		out.sign, err = sign.New(sign.Options{Cert: s.Cert, Key: s.Key, PFX: s.PFX, PFXPassword: s.PFXPassword, Time: date})
	}
	return out, err
}

// planAll resolves the bundle of each target, in order, and the notes that
// name what each target does not get. With an error code, only the plan
// that answers it, and only for the targets it is for.
func planAll(c *catalog.Catalog, targets []*catalog.Target, opt Options) ([]*plan.Bundle, []string, error) {
	plans := opt.Plans
	if opt.Error != "" {
		code, p, err := answer(c, opt.Error)
		if err != nil {
			return nil, nil, err
		}
		if p == nil {
			return nil, nil, fmt.Errorf("no plan in the catalog answers %s", code)
		}
		plans = []string{p.ID.Value}
	}
	var out []*plan.Bundle
	var notes []string
	for _, t := range targets {
		b, err := plan.For(c, t, plan.Options{Plans: plans})
		if errors.Is(err, plan.ErrNoPlan) && opt.Error != "" {
			// The error's plan is not for this version: no bundle, a note.
			notes = append(notes, plan.Notes(c, &plan.Bundle{Target: t}, plan.Options{Plans: plans})...)
			continue
		}
		if err != nil {
			return nil, nil, err // positioned in the plan file
		}
		out = append(out, b)
		notes = append(notes, plan.Notes(c, b, plan.Options{Plans: plans})...)
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("the plan for %s is for none of the selected targets", opt.Error)
	}
	return out, notes, nil
}

// render renders every bundle, then the top-level files, into the registry.
func (o *Output) render(c *catalog.Catalog, bundles []*plan.Bundle, targets []*catalog.Target, d Deploy) error {
	built, err := renderBundles(c, bundles, o.payloadsOf())
	if err != nil {
		return err
	}
	for i, b := range bundles {
		id := b.Target.ID.Value
		for name, data := range built[i] {
			o.Files[id+"/"+name] = data
		}
		o.Targets = append(o.Targets, id)
		o.bundles[id] = b
	}
	top, err := deploy.Build(c, targets, d)
	if err != nil {
		return catalog.Within("deploy", err)
	}
	for name, data := range top {
		o.Files[name] = data
	}
	return nil
}

// renderBundles renders the bundles side by side, as many at a time as
// there are processors: each depends only on the catalog, which nothing
// changes once it is loaded, and on its own plan. The first error in
// target order is the one a one-at-a-time build would have stopped at.
func renderBundles(c *catalog.Catalog, bundles []*plan.Bundle, payloads map[string][]bundle.Entry) ([]bundle.Files, error) {
	out := make([]bundle.Files, len(bundles))
	errs := make([]error, len(bundles))
	// One set of template clones per processor, handed from bundle to
	// bundle: it also bounds how many bundles render at once.
	clones := make(chan *render.Clones, runtime.GOMAXPROCS(0))
	for range cap(clones) {
		clones <- render.NewClones()
	}
	var wg sync.WaitGroup
	for i, b := range bundles {
		cl := <-clones
		wg.Go(func() {
			defer func() { clones <- cl }()
			out[i], errs[i] = bundle.Build(cl, c, b, payloads[b.Target.ID.Value]...)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, catalog.Within("bundle", err)
		}
	}
	return out, nil
}

// payloadsOf is, per target, the path and size of each payload it takes:
// what its version counts in (see bundle.Build).
func (o *Output) payloadsOf() map[string][]bundle.Entry {
	out := map[string][]bundle.Entry{}
	for _, f := range o.Payloads {
		for _, t := range f.Targets {
			out[t] = append(out[t], bundle.Entry{Path: payload.Folder + "/" + f.Name, Size: f.Size})
		}
	}
	return out
}

// signScripts signs every .ps1 of the build in place.
func (o *Output) signScripts() error {
	if o.sign == nil {
		return nil
	}
	for name, data := range o.Files {
		if !strings.HasSuffix(name, ".ps1") {
			continue
		}
		signed, err := o.sign.Bytes(name, data)
		if err != nil {
			return err
		}
		o.Files[name] = signed
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
