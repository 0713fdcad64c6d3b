// Package deploy renders what a build puts beside the target folders: the
// entry point that picks the bundle for the computer it runs on
// (wufix.cmd), the Group Policy startup script and its notes (gpo/), the
// Intune remediation pair (intune/), and the top-level manifest.json and
// SHA256SUMS that tie the bundles together.
//
// Its templates live in the catalog under templates/top, templates/gpo and
// templates/intune. A file <name>.<ext>.tmpl becomes <folder>/<name>.<ext>
// (templates/top/ is the output's root); a file with one extension only
// (templates/top/select.tmpl) holds definitions every folder shares.
package deploy

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/generator/render"
)

// Folders are the template folders, by the output folder they fill.
var Folders = map[string]string{"templates/top": "", "templates/gpo": "gpo", "templates/intune": "intune"}

// Options are the deployment facts only the person building knows.
type Options struct {
	// Report is where /gpo runs copy their JSON report (a UNC share); ""
	// leaves reports on each computer only.
	Report string
	// IntuneRoot is where the Intune remediation finds the bundle folders
	// on the device; "" means %ProgramData%\wufix.
	IntuneRoot string
}

// DefaultIntuneRoot is where the remediation looks when no root is given.
const DefaultIntuneRoot = `%ProgramData%\wufix`

// View is what the top-level templates see.
type View struct {
	Fits       []Fit             // every catalog target, by product type
	Index      []Release         // every edition of every target, for INDEX.txt
	Built      []*catalog.Target // the targets of this build, in catalog order
	Intune     []*catalog.Target // built targets the Intune pair serves
	Report     string
	IntuneRoot string
	Extra      map[string]any
}

// Fit is one row of the table that picks a bundle: a product type and a
// build range.
type Fit struct {
	ID, Name, Type string
	Min, Max       int
	Built          bool
}

// Release is one row of INDEX.txt: a Windows release by its usual name,
// its builds and the folder that serves it.
type Release struct {
	Name, Builds, Note, Folder string
	Built                      bool
}

// Build renders the top-level files for the built targets. The result has
// no manifest.json or SHA256SUMS yet: Seal adds them once the bundles are
// final.
func Build(c *catalog.Catalog, built []*catalog.Target, opt Options) (bundle.Files, error) {
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	view, err := newView(c, built, opt)
	if err != nil {
		return nil, err
	}
	files := bundle.Files{}
	for _, dir := range slices.Sorted(maps.Keys(Folders)) {
		if err := renderFolder(c, view, dir, Folders[dir], files); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func newView(c *catalog.Catalog, built []*catalog.Target, opt Options) (*View, error) {
	extra := intuneData(c)
	extra["CatalogDate"] = c.Info.Date
	v := &View{Built: built, Report: opt.Report, IntuneRoot: opt.IntuneRoot, Extra: extra}
	if v.IntuneRoot == "" {
		v.IntuneRoot = DefaultIntuneRoot
	}
	for _, t := range c.Targets {
		isBuilt := slices.Contains(built, t)
		for _, e := range t.Editions {
			v.Index = append(v.Index, Release{Name: e.Name, Builds: e.Range(t).String(), Note: e.Note, Folder: t.ID.Value, Built: isBuilt})
		}
		for _, p := range t.Products {
			typ, err := catalog.ProductType(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.File, err)
			}
			v.Fits = append(v.Fits, Fit{ID: t.ID.Value, Name: t.Name, Type: typ, Min: t.Builds.Min, Max: t.Builds.Max, Built: isBuilt})
		}
	}
	for _, t := range built {
		if IntuneServes(t) {
			v.Intune = append(v.Intune, t)
		}
	}
	return v, nil
}

// IntuneServes reports whether the Intune pair covers a target: the
// target says so (intune: true in targets/*.yaml).
func IntuneServes(t *catalog.Target) bool {
	return t.Intune
}

// checkOptions refuses values that cannot travel safely through a batch
// argument or a PowerShell string.
func checkOptions(opt Options) error {
	for name, v := range map[string]string{"--report": opt.Report, "--intune-root": opt.IntuneRoot} {
		if strings.ContainsAny(v, "\"%!^\r\n") {
			return fmt.Errorf("%s %q: quotes, %%, ! and ^ cannot be passed safely to run.cmd", name, v)
		}
	}
	return nil
}

// renderFolder renders every output template of one folder from the set
// the catalog parsed for it.
func renderFolder(c *catalog.Catalog, v *View, dir, out string, files bundle.Files) error {
	parsed := c.Deploy[dir]
	if parsed == nil {
		return fmt.Errorf("%s: not loaded with the catalog", dir)
	}
	set, err := parsed.Clone()
	if err != nil {
		return err
	}
	set.Funcs(funcs(c, v.Built))
	for _, t := range set.Templates() {
		base := t.Name()
		name := strings.TrimSuffix(base, ".tmpl")
		if !strings.HasSuffix(base, ".tmpl") || !strings.Contains(name, ".") || !ownFile(c, dir, base) ||
			(dir == "templates/intune" && len(v.Intune) == 0) {
			continue
		}
		if err := renderFile(c, set, v, dir+"/"+base, path.Join(out, name), files); err != nil {
			return err
		}
	}
	return nil
}

// ownFile tells a folder's own template from one of templates/top that
// the set shares.
func ownFile(c *catalog.Catalog, dir, base string) bool {
	if dir == "templates/top" {
		return true
	}
	top := c.Deploy["templates/top"]
	return top == nil || top.Lookup(base) == nil
}

// renderFile renders one top-level file: a .cmd is held to the same rules
// as run.cmd, at the template lines that wrote it.
func renderFile(c *catalog.Catalog, set *template.Template, v *View, file, out string, files bundle.Files) error {
	var text render.Bounded
	if err := set.ExecuteTemplate(&text, path.Base(file), v); err != nil {
		if errors.Is(err, render.ErrTooBig) {
			return fmt.Errorf("%s:1:1: %w", file, err)
		}
		if strings.HasPrefix(err.Error(), "template: select.tmpl:") {
			return catalog.ExecError("templates/top", err)
		}
		return catalog.ExecError(path.Dir(file), err)
	}
	if strings.HasSuffix(out, ".cmd") {
		if err := render.LintCmd(c, text.String()); err != nil {
			return err
		}
	}
	d := dialect.ForFile(out)
	if d == nil {
		return fmt.Errorf("%s:1:1: no dialect for %s", file, out)
	}
	data, err := d.Encode(catalog.StripOrigins(text.String()))
	if err != nil {
		return fmt.Errorf("%s:1:1: %w", file, err)
	}
	files[out] = data
	return nil
}
