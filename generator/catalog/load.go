package catalog

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// Dialects are the script languages a step or lib may carry a template for.
var Dialects = []string{"cmd", "ps1"}

// Load reads and validates the catalog rooted at fsys (holding targets/
// and templates/). funcs are the generator's template functions; they must
// be known at parse time, so the caller supplies them.
func Load(fsys fs.FS, funcs template.FuncMap) (*Catalog, error) {
	l := &loader{fsys: fsys, funcs: funcs, cat: &Catalog{
		Steps: map[string]*Step{}, Tools: map[string]*Tool{},
		Libs: map[string]*Lib{}, Sources: map[string]*Source{},
	}}
	l.decode("templates/catalog.yaml", &l.cat.Info)
	l.loadSources()
	l.loadTools()
	l.loadTargets()
	l.loadLibs()
	l.loadSteps()
	l.loadPlans()
	l.decode("templates/errors.yaml", &l.cat.Errors)
	l.decode("templates/refused.yaml", &l.cat.Refused)
	l.loadBundle()
	if err := l.problems.Err(); err != nil {
		return nil, err
	}
	validate(l.cat, &l.problems)
	if err := l.problems.Err(); err != nil {
		return nil, err
	}
	return l.cat, nil
}

type loader struct {
	fsys     fs.FS
	funcs    template.FuncMap
	cat      *Catalog
	problems Problems
}

// typeErr matches the per-field errors yaml collects in a TypeError.
var typeErr = regexp.MustCompile(`^line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// decode reads one YAML file strictly into v; every problem is recorded.
func (l *loader) decode(file string, v any) bool {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.problems.Add(Pos{File: file}, "%v", err)
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err = dec.Decode(v)
	if err == nil {
		return true
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		pos, msg := Pos{File: file}, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := typeErr.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		l.problems.Add(pos, "%s", msg)
		return false
	}
	for _, msg := range te.Errors {
		pos := Pos{File: file}
		if m := typeErr.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			msg = "unknown key " + strconv.Quote(m[1])
		}
		l.problems.Add(pos, "%s", msg)
	}
	return false
}

func (l *loader) loadSources() {
	l.decode("templates/sources.yaml", &l.cat.Sources)
}

func (l *loader) loadTools() {
	if l.decode("templates/tools.yaml", &l.cat.Tools) {
		for name, t := range l.cat.Tools {
			t.Name = name
		}
	}
}

func (l *loader) loadTargets() {
	files := l.glob("targets/*.yaml")
	for _, file := range files {
		t := &Target{File: file}
		if l.decode(file, t) {
			l.cat.Targets = append(l.cat.Targets, t)
		}
	}
	sort.Slice(l.cat.Targets, func(i, j int) bool {
		a, b := l.cat.Targets[i], l.cat.Targets[j]
		if a.NT != b.NT {
			return ntLess(a.NT, b.NT)
		}
		if a.Builds.Min != b.Builds.Min {
			return a.Builds.Min < b.Builds.Min
		}
		return a.ID.Value < b.ID.Value
	})
}

// ntLess orders "5.1" < "5.2" < "6.0" < "10.0" numerically.
func ntLess(a, b string) bool {
	fa, _ := strconv.ParseFloat(a, 64)
	fb, _ := strconv.ParseFloat(b, 64)
	return fa < fb
}

func (l *loader) loadLibs() {
	for _, dir := range l.dirs("templates/libs") {
		lib := &Lib{Name: path.Base(dir), File: dir + "/lib.yaml"}
		if l.decode(lib.File, lib) {
			lib.Templates = l.parseDialects(dir, lib.Name)
			l.cat.Libs[lib.Name] = lib
		}
	}
}

func (l *loader) loadSteps() {
	for _, dir := range l.dirs("templates/steps") {
		s := &Step{Dir: dir, File: dir + "/step.yaml"}
		if !l.decode(s.File, s) {
			continue
		}
		if prev, ok := l.cat.Steps[s.ID.Value]; ok {
			l.problems.Add(s.ID.At(s.File), "duplicate step id %q (first in %s)", s.ID.Value, prev.File)
			continue
		}
		s.Templates = l.parseDialects(dir, s.ID.Value)
		l.cat.Steps[s.ID.Value] = s
	}
}

func (l *loader) loadPlans() {
	for _, file := range l.glob("templates/plans/*.yaml") {
		p := &Plan{File: file}
		if l.decode(file, p) {
			l.cat.Plans = append(l.cat.Plans, p)
		}
	}
	sort.Slice(l.cat.Plans, func(i, j int) bool { return l.cat.Plans[i].ID.Value < l.cat.Plans[j].ID.Value })
}

// loadBundle parses the per-file bundle templates into one set, so a
// bundle template can include shared definitions.
func (l *loader) loadBundle() {
	root := template.New("bundle").Option("missingkey=error").Funcs(l.funcs)
	for _, file := range l.glob("templates/bundle/*.tmpl") {
		data, err := fs.ReadFile(l.fsys, file)
		if err == nil {
			_, err = root.New(path.Base(file)).Parse(string(data))
		}
		if err != nil {
			l.problems.Add(Pos{File: file}, "%s", templateErr(err))
		}
	}
	l.cat.Bundle = root
}

// parseDialects parses <dir>/<dialect>.tmpl for each dialect present.
func (l *loader) parseDialects(dir, name string) map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, d := range Dialects {
		file := dir + "/" + d + ".tmpl"
		data, err := fs.ReadFile(l.fsys, file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			var t *template.Template
			t, err = template.New(file).Option("missingkey=error").
				Funcs(l.funcs).Parse(string(data))
			out[d] = t
		}
		if err != nil {
			l.problems.Add(Pos{File: file}, "%s", templateErr(err))
			delete(out, d)
		}
	}
	return out
}

// templateErr strips text/template's "template: " prefix; the rest already
// reads name:line: message.
func templateErr(err error) string {
	return strings.TrimPrefix(err.Error(), "template: ")
}

func (l *loader) glob(pattern string) []string {
	files, err := fs.Glob(l.fsys, pattern)
	if err != nil {
		l.problems.Add(Pos{File: pattern}, "%v", err)
	}
	sort.Strings(files)
	return files
}

func (l *loader) dirs(parent string) []string {
	entries, err := fs.ReadDir(l.fsys, parent)
	if err != nil {
		l.problems.Add(Pos{File: parent}, "%v", err)
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, parent+"/"+e.Name())
		} else {
			l.problems.Add(Pos{File: parent + "/" + e.Name()}, "unexpected file: each entry here is a folder")
		}
	}
	return out
}
