package catalog_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/render"
)

// fuzzFiles are the catalog files the fuzzer rewrites, one at a time: each
// kind the loader reads (YAML of every shape, and a template).
var fuzzFiles = []string{
	"targets/win7.yaml",
	"templates/tools.yaml",
	"templates/sources.yaml",
	"templates/errors.yaml",
	"templates/refused.yaml",
	"templates/catalog.yaml",
	"templates/plans/windows-update.yaml",
	"templates/steps/component-reset/step.yaml",
	"templates/steps/component-reset/cmd.tmpl",
	"templates/libs/service/lib.yaml",
	"templates/changes.yaml",
}

// FuzzLoad feeds the loader the embedded catalog with one file replaced by
// arbitrary bytes: it may refuse the catalog, never panic, and a refusal
// names a position on every line.
func FuzzLoad(f *testing.F) {
	base := fstest.MapFS{}
	err := fs.WalkDir(wufix.Catalog, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(wufix.Catalog, p)
		base[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for i, file := range fuzzFiles {
		data := base[file].Data
		f.Add(uint8(i), data)
		f.Add(uint8(i), append(append([]byte{}, data...), "\nx:\n- \n"...))
		f.Add(uint8(i), data[:len(data)/2])
	}
	f.Add(uint8(1), []byte("sc:\n"))
	f.Add(uint8(3), []byte("-\n- code:\n"))
	f.Add(uint8(0), []byte("services: {wuauserv: }\ntools: {sc: }\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		file := fuzzFiles[int(which)%len(fuzzFiles)]
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[file] = &fstest.MapFile{Data: data}
		_, err := catalog.Load(fsys, render.Placeholders())
		if err == nil {
			return
		}
		ce, ok := err.(*catalog.Error)
		if !ok {
			t.Fatalf("not a catalog error: %v", err)
		}
		for _, p := range ce.Problems {
			if p.Pos.File == "" {
				t.Fatalf("problem without a file: %s", p)
			}
		}
	})
}
