// Package bundle assembles one target's files: it renders the entry
// scripts and README through their dialects, then adds manifest.json and
// SHA256SUMS. The result is an in-memory map; writing and comparing it are
// the caller's business.
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
}

// Build renders every file of one target's bundle.
func Build(c *catalog.Catalog, b *plan.Bundle) (Files, error) {
	files := Files{}
	for _, e := range entries {
		if !e.when(b) {
			continue
		}
		text, err := render.Script(c, b, e.file+".tmpl", e.dialect, nil)
		if err != nil {
			return nil, fmt.Errorf("render %s/%s: %w", b.Target.ID.Value, e.file, err)
		}
		data, err := dialect.ForFile(e.file).Encode(text)
		if err != nil {
			return nil, fmt.Errorf("encode %s/%s: %w", b.Target.ID.Value, e.file, err)
		}
		files[e.file] = data
	}
	manifest, err := Manifest(b, files)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", b.Target.ID.Value, err)
	}
	files[ManifestName] = manifest
	files[SumsName] = Sums(files)
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
