package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
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
	"templates":        {"catalog.yaml", "sources.yaml", "tools.yaml", "errors.yaml", "refused.yaml", "steps/", "libs/", "plans/", "bundle/", "top/", "gpo/", "intune/"},
	"templates/plans":  {"*.yaml"},
	"templates/bundle": {"*.tmpl"},
	"templates/top":    {"*.tmpl"},
	"templates/gpo":    {"*.tmpl"},
	"templates/intune": {"*.tmpl"},
	"templates/steps":  {"*/"},
	"templates/libs":   {"*/"},
	"templates/steps/": {"step.yaml", "cmd.tmpl", "ps1.tmpl"},
	"templates/libs/":  {"lib.yaml", "cmd.tmpl", "ps1.tmpl"},
}

// checkLayout reports every entry the loader would not read.
func (l *loader) checkLayout() {
	for _, dir := range sortedKeys(layout) {
		if strings.HasSuffix(dir, "/") {
			continue
		}
		l.checkDir(dir, layout[dir])
		if slices.Contains(layout[dir], "*/") {
			for _, sub := range l.subdirs(dir) {
				l.checkDir(sub, layout[dir+"/"])
			}
		}
	}
}

func (l *loader) checkDir(dir string, allowed []string) {
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
		if !matchAny(allowed, name) {
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

// toolPath is a path below %SystemRoot%: folder and file names of plain
// characters joined by backslashes, ending in a program.
var toolPath = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_. ()-]*(\\[A-Za-z0-9_][A-Za-z0-9_. ()-]*)*\.(exe|com)$`)

// checkToolPath holds tools.yaml's paths to what run.cmd can quote safely:
// render writes "%SystemRoot%\<path>", so a path may not climb out with
// "..", close the quotes, expand another variable or break the line.
func checkToolPath(ps *Problems, at Pos, t *Tool) {
	p := t.Path
	switch {
	case p == "":
		ps.Add(at, "tool %q: a path is required", t.Name)
	case strings.ContainsAny(p, "\"%\r\n!^&|<>"):
		ps.Add(at, "tool %q: path %q holds a character cmd would read (\" %% ! ^ & | < > or a line break)", t.Name, p)
	case slices.Contains(strings.Split(p, `\`), ".."):
		ps.Add(at, "tool %q: path %q climbs out of %%SystemRoot%% with \"..\"", t.Name, p)
	case !toolPath.MatchString(p):
		ps.Add(at, "tool %q: path %q must be relative to %%SystemRoot%% (like System32\\sc.exe): names joined by \\, ending in .exe or .com", t.Name, p)
	}
}

// checkOverlaps refuses two targets whose build ranges meet for a product
// type they share: run.cmd and wufix.cmd pick a bundle by build number and
// product type, and two would fit one computer.
func checkOverlaps(c *Catalog, ps *Problems) {
	for i, a := range c.Targets {
		for _, b := range c.Targets[i+1:] {
			if a.Builds.Max < b.Builds.Min || b.Builds.Max < a.Builds.Min {
				continue
			}
			for _, p := range a.Products {
				if slices.Contains(b.Products, p) {
					ps.Add(c.nodes.at(b.File, "builds"), "builds %d to %d of target %s overlap %d to %d of target %s for product %s: one computer would fit both bundles",
						b.Builds.Min, b.Builds.Max, b.ID.Value, a.Builds.Min, a.Builds.Max, a.ID.Value, p)
					break
				}
			}
		}
	}
}
