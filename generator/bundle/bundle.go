// Package bundle assembles one target's files: Build renders the entry
// scripts, README, CHANGES.txt and .reg files through their dialects, and
// Seal adds manifest.json and SHA256SUMS over them. The result is an
// in-memory map; writing and comparing it are the caller's business.
package bundle

import (
	"fmt"
	"path"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
)

// Files maps a slash-separated path inside the bundle to its bytes.
type Files map[string][]byte

// entry is one rendered file of a bundle: the template that makes it and
// the step dialect it renders with.
type entry struct {
	file, dialect string
	when          func(*plan.Bundle) bool
}

var entries = []entry{
	{"run.cmd", "cmd", func(*plan.Bundle) bool { return true }},
	{"run.ps1", "ps1", (*plan.Bundle).HasPowerShell},
	{"README.txt", "", func(*plan.Bundle) bool { return true }},
	{"README.ru.txt", "", func(*plan.Bundle) bool { return true }},
	{"task.xml", "", (*plan.Bundle).HasTaskXML},
}

// Build renders every file of one target's bundle, once. The entry
// scripts carry a version (see stampVersion), which payloads, the
// packages the bundle is built with (path and size), count in. The result
// is not sealed: the build signs its scripts first, then seals (Seal). cl
// is the calling goroutine's template clones (render.Clones; nil clones
// anew).
func Build(cl *render.Clones, c *catalog.Catalog, b *plan.Bundle, payloads ...Entry) (Files, error) {
	extra := extras(b)
	extra["CatalogDate"] = c.Info.Date
	extra["Refused"] = c.Refused
	extra["Intune"] = c.Info.Intune
	extra["BundleHash"] = VersionMark
	files, err := render1(cl, c, b, extra)
	if err != nil {
		return nil, err
	}
	stampVersion(files, payloads)
	return files, nil
}

// Seal (re)writes manifest.json and SHA256SUMS over the rendered files and
// the entries of files kept on disk (payloads), which are listed by their
// size and digest and never held in memory. A build seals once, after it
// signs its scripts, and a write once more over the payloads it copies.
func Seal(b *plan.Bundle, files Files, onDisk []Entry) error {
	delete(files, ManifestName)
	delete(files, SumsName)
	manifest, err := Manifest(b, files, onDisk...)
	if err != nil {
		return fmt.Errorf("manifest %s: %w", b.Target.ID.Value, err)
	}
	files[ManifestName] = manifest
	files[SumsName] = Sums(files, onDisk...)
	return nil
}

// extras are the bundle-wide facts the skeleton templates need.
func extras(b *plan.Bundle) map[string]any {
	aggressive := false
	var optIn []string
	for _, s := range b.Steps {
		switch s.Step.Level {
		case "aggressive":
			aggressive = true
		case "optin":
			optIn = append(optIn, s.Step.ID.Value)
		}
	}
	return map[string]any{"Aggressive": aggressive, "OptIn": optIn}
}

// render1 renders the entry scripts, README, CHANGES.txt and .reg files.
func render1(cl *render.Clones, c *catalog.Catalog, b *plan.Bundle, extra map[string]any) (Files, error) {
	files := Files{}
	var runCmd string
	for _, e := range entries {
		if !e.when(b) {
			continue
		}
		text, err := render.Script(cl, c, b, e.file+".tmpl", e.dialect, extra)
		if err != nil {
			return nil, catalog.Within("render "+b.Target.ID.Value+"/"+e.file, err)
		}
		if err := files.add(b, e.file, text); err != nil {
			return nil, err
		}
		if e.file == "run.cmd" {
			runCmd = text
		}
	}
	if err := addChanges(cl, c, b, files, runCmd, extra); err != nil {
		return nil, err
	}
	if err := addRegFiles(b, files); err != nil {
		return nil, fmt.Errorf("registry %s: %w", b.Target.ID.Value, err)
	}
	return files, nil
}

// Prefixed returns the files under dir/, for a build of several targets.
func (f Files) Prefixed(dir string) Files {
	out := Files{}
	for name, data := range f {
		out[path.Join(dir, name)] = data
	}
	return out
}

// addRegFiles writes each step's registry data as a .reg file.
func addRegFiles(b *plan.Bundle, files Files) error {
	for _, s := range b.Steps {
		if len(s.Step.Registry) == 0 {
			continue
		}
		keys, err := regKeys(s.Step.Registry)
		if err != nil {
			return fmt.Errorf("step %s: %w", s.Step.ID.Value, err)
		}
		text, err := dialect.RegText([]string{Header, "Step " + s.Step.ID.Value + ": " + s.Step.Title}, keys)
		if err != nil {
			return fmt.Errorf("step %s: %w", s.Step.ID.Value, err)
		}
		data, err := dialect.Reg{}.Encode(text)
		if err != nil {
			return fmt.Errorf("step %s: %w", s.Step.ID.Value, err)
		}
		files[s.Step.RegFile()] = data
	}
	return nil
}

func regKeys(in []catalog.RegKey) ([]dialect.RegKey, error) {
	var out []dialect.RegKey
	for _, k := range in {
		key := dialect.RegKey{Path: k.Key}
		for _, v := range k.Values {
			rv := dialect.RegValue{Name: v.Name, Type: dialect.RegType(v.Type), Data: v.Data, Multi: v.Multi}
			if v.Type == "dword" {
				n, err := catalog.ParseDWORD(v)
				if err != nil {
					return nil, err
				}
				rv.DWORD = n
			}
			key.Values = append(key.Values, rv)
		}
		out = append(out, key)
	}
	return out, nil
}
