package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

// MaxFileSize bounds every catalog file: a catalog is text written by
// people, and a runaway file must not take the build machine's memory.
const MaxFileSize = 1 << 20

// read returns a catalog file, refusing one over MaxFileSize without
// reading more than that.
func (l *loader) read(file string) ([]byte, bool) {
	f, err := l.fsys.Open(file)
	if err != nil {
		l.problems.Add(Pos{File: file, Line: 1, Col: 1}, "%s", fileErr(err))
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		l.problems.Add(Pos{File: file, Line: 1, Col: 1}, "%s", fileErr(err))
		return nil, false
	}
	if len(data) > MaxFileSize {
		l.problems.Add(Pos{File: file, Line: 1, Col: 1}, "file is larger than %d KiB, the limit for a catalog file", MaxFileSize>>10)
		return nil, false
	}
	return data, true
}

// fileErr says what went wrong without repeating the path.
func fileErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "file is missing"
	case errors.Is(err, fs.ErrPermission):
		return "file cannot be read (permission denied)"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// layout is every name the loader reads: anything else under targets/ or
// templates/ would be skipped without a word, so it is an error (a plan
// saved as .yml, a step file misspelt, a template in the wrong folder).
var layout = map[string][]string{
	"targets":          {"*.yaml"},
	"templates":        {"catalog.yaml", "sources.yaml", "tools.yaml", "features.yaml", "errors.yaml", "refused.yaml", "changes.yaml", "steps/", "libs/", "plans/", "bundle/", "top/", "gpo/", "intune/"},
	"templates/plans":  {"*.yaml"},
	"templates/bundle": {"*.tmpl"},
	"templates/top":    {"*.tmpl"},
	"templates/gpo":    {"*.tmpl"},
	"templates/intune": {"*.tmpl"},
	"templates/steps":  {"*/"},
	"templates/libs":   {"*/"},
	"templates/steps/": {"step.yaml", "cmd.tmpl"},
	"templates/libs/":  {"lib.yaml", "cmd.tmpl"},
}

// retired says why a name the loader once read is now refused.
var retired = map[string]string{
	"ps1.tmpl": "steps and libs have cmd.tmpl only: run.ps1 runs run.cmd, so this file would never be used",
}

// checkLayout reports every entry the loader would not read.
func (l *loader) checkLayout() {
	for _, dir := range slices.Sorted(maps.Keys(layout)) {
		if strings.HasSuffix(dir, "/") {
			continue
		}
		l.checkDir(dir, layout[dir], nil)
		if slices.Contains(layout[dir], "*/") {
			for _, sub := range l.subdirs(dir) {
				l.checkDir(sub, layout[dir+"/"], retired)
			}
		}
	}
}

func (l *loader) checkDir(dir string, allowed []string, why map[string]string) {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) || dir == "targets" || dir == "templates" {
			l.problems.Add(Pos{File: dir, Line: 1, Col: 1}, "%s", dirErr(err))
		}
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			name += "/"
		}
		if msg, ok := why[name]; ok {
			l.problems.Add(Pos{File: dir + "/" + name, Line: 1, Col: 1}, "%s", msg)
		} else if !matchAny(allowed, name) {
			l.problems.Add(Pos{File: dir + "/" + e.Name(), Line: 1, Col: 1}, "unexpected %s: %s holds only %s",
				kindOf(e), dir, strings.Join(allowed, ", "))
		}
	}
}

func dirErr(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "folder is missing"
	}
	return fileErr(err)
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

func kindOf(e fs.DirEntry) string {
	if e.IsDir() {
		return "folder"
	}
	return fmt.Sprintf("file %q", e.Name())
}

func (l *loader) subdirs(parent string) []string {
	entries, _ := fs.ReadDir(l.fsys, parent)
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, parent+"/"+e.Name())
		}
	}
	return out
}
