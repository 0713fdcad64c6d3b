package catalog

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// Load reads and validates the catalog rooted at fsys (holding targets/
// and templates/). funcs are the generator's template functions; they must
// be known at parse time, so the caller supplies them.
func Load(fsys fs.FS, funcs template.FuncMap) (*Catalog, error) {
	l := &loader{fsys: fsys, funcs: funcs, cat: &Catalog{
		Steps: map[string]*Step{}, Tools: map[string]*Tool{}, Features: map[string]*Feature{},
		Libs: map[string]*Lib{}, Sources: map[string]*Source{}, nodes: index{},
	}}
	l.checkLayout()
	l.decode("templates/catalog.yaml", &l.cat.Info)
	l.loadSources()
	l.loadTools()
	l.loadFeatures()
	l.loadTargets()
	l.loadLibs()
	l.loadSteps()
	l.loadPlans()
	loadList(l, "templates/errors.yaml", &l.cat.Errors)
	loadList(l, "templates/refused.yaml", &l.cat.Refused)
	l.decode(ChangesFile, &l.cat.Changes)
	l.loadBundle()
	l.loadDeploy()
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
	data, ok := l.read(file)
	if !ok {
		return false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err == nil && len(doc.Content) == 1 {
		l.cat.nodes[file] = doc.Content[0]
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil || errors.Is(err, io.EOF) {
		return true
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		l.yamlProblem(file, strings.TrimPrefix(err.Error(), "yaml: "))
		return false
	}
	for _, msg := range te.Errors {
		l.yamlProblem(file, msg)
	}
	return false
}

// yamlProblem records one of yaml's messages, which give a line only, at
// the line and column of the node it is about.
func (l *loader) yamlProblem(file, msg string) {
	pos := Pos{File: file, Line: 1, Col: 1}
	key := ""
	if m := typeErr.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		key = m[1]
		msg = "unknown key " + strconv.Quote(m[1])
	}
	pos.Col = l.cat.nodes.column(file, pos.Line, key)
	l.problems.Add(pos, "%s", msg)
}

func (l *loader) loadSources() {
	const file = "templates/sources.yaml"
	l.decode(file, &l.cat.Sources)
	dropEmpty(l, file, l.cat.Sources, "a source needs a title and where")
}

func (l *loader) loadTools() {
	const file = "templates/tools.yaml"
	if l.decode(file, &l.cat.Tools) {
		dropEmpty(l, file, l.cat.Tools, "a tool needs a path and what")
		for _, name := range slices.Sorted(maps.Keys(l.cat.Tools)) {
			t := l.cat.Tools[name]
			t.Name = name
			checkToolPath(&l.problems, l.cat.nodes.at(file, name, "path"), t)
		}
	}
}

// FeaturesFile names the facts targets may have that are not tools.
const FeaturesFile = "templates/features.yaml"

func (l *loader) loadFeatures() {
	if l.decode(FeaturesFile, &l.cat.Features) {
		dropEmpty(l, FeaturesFile, l.cat.Features, "a feature needs what")
		for name, f := range l.cat.Features {
			f.Name = name
		}
	}
}

// dropEmpty reports and removes the entries of a mapping written with no
// value ("sc:"), which yaml decodes to nil: nothing after the loader has
// to guard against them.
func dropEmpty[V any](l *loader, file string, m map[string]*V, what string, path ...any) {
	for _, pos := range l.cat.nodes.emptyItems(file, path...) {
		l.problems.Add(pos, "empty entry: %s", what)
	}
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}

// loadList reads a list file (errors.yaml, refused.yaml), leaving out and
// reporting items written with no value ("- ").
func loadList[V any](l *loader, file string, list *[]*V) {
	l.decode(file, list)
	for _, pos := range l.cat.nodes.emptyItems(file) {
		l.problems.Add(pos, "empty item")
	}
	*list = slices.DeleteFunc(*list, func(v *V) bool { return v == nil })
}

func (l *loader) loadTargets() {
	files := l.glob("targets/*.yaml")
	for _, file := range files {
		t := &Target{File: file}
		if l.decode(file, t) {
			dropEmpty(l, file, t.Services, "a service needs its start type and a source", "services")
			dropEmpty(l, file, t.Tools, "a tool needs a source and a confidence", "tools")
			dropEmpty(l, file, t.Features, "a feature needs a source and a confidence", "features")
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
			lib.Template = l.parseTemplate(dir)
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
		s.Template = l.parseTemplate(dir)
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
		l.parseInto(root, file)
	}
	l.cat.Bundle = root
}

// DeployFolders are the folders of the files beside the bundles
// (wufix.cmd, gpo/, intune/); templates/top also holds the definitions
// every one of them shares (a file with one extension: select.tmpl).
var DeployFolders = []string{"templates/gpo", "templates/intune", "templates/top"}

// loadDeploy parses each deploy folder into one set with the shared
// definitions of templates/top, so that every template of the catalog is
// read, bounded and checked here, with the one function map.
func (l *loader) loadDeploy() {
	l.cat.Deploy = map[string]*template.Template{}
	shared := l.glob("templates/top/*.tmpl")
	for _, dir := range DeployFolders {
		set := template.New(dir).Option("missingkey=error").Funcs(l.funcs)
		for _, file := range append(shared, l.glob(dir+"/*.tmpl")...) {
			if set.Lookup(path.Base(file)) != nil {
				continue
			}
			l.parseInto(set, file)
		}
		l.cat.Deploy[dir] = set
	}
}

// parseInto parses file into set under its base name, marking what a cmd
// file writes (and the shared definitions, which cmd files include).
func (l *loader) parseInto(set *template.Template, file string) {
	data, ok := l.readTemplate(file)
	if !ok {
		return
	}
	before := templateNames(set)
	if _, err := set.New(path.Base(file)).Parse(string(data)); err != nil {
		l.templateProblem(file, data, err)
		return
	}
	if strings.HasSuffix(file, ".cmd.tmpl") || strings.Count(path.Base(file), ".") == 1 {
		l.cat.markTemplates(set, file, data, newNames(set, before))
	}
}

func templateNames(t *template.Template) map[string]bool {
	names := map[string]bool{}
	for _, tt := range t.Templates() {
		names[tt.Name()] = true
	}
	return names
}

// newNames are the templates of t that before did not hold.
func newNames(t *template.Template, before map[string]bool) map[string]bool {
	out := map[string]bool{}
	for name := range templateNames(t) {
		if !before[name] {
			out[name] = true
		}
	}
	return out
}

// parseTemplate parses <dir>/cmd.tmpl, the one implementation of a step
// or lib: run.ps1 runs run.cmd, so no step has a PowerShell twin (a
// leftover ps1.tmpl is refused by checkLayout).
func (l *loader) parseTemplate(dir string) *template.Template {
	file := dir + "/cmd.tmpl"
	if _, err := fs.Stat(l.fsys, file); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	data, ok := l.readTemplate(file)
	if !ok {
		return nil
	}
	t, err := template.New(file).Option("missingkey=error").Funcs(l.funcs).Parse(string(data))
	if err != nil {
		l.templateProblem(file, data, err)
		return nil
	}
	l.cat.markTemplates(t, file, data, nil)
	return t
}

// readTemplate reads a template, refusing the two bytes origin marks are
// made of, which no script text needs.
func (l *loader) readTemplate(file string) ([]byte, bool) {
	data, ok := l.read(file)
	if !ok {
		return nil, false
	}
	if i := bytes.IndexAny(data, MarkOpen+MarkClose); i >= 0 {
		line, col := lineCol(lineStarts(data), i)
		l.problems.Add(Pos{File: file, Line: line, Col: col}, "control character 0x%02x", data[i])
		return nil, false
	}
	return data, true
}

// templateProblem records a template parse error at file:line:col.
func (l *loader) templateProblem(file string, data []byte, err error) {
	pos, msg := TemplateError(file, data, err, l.funcs)
	l.problems.Add(pos, "%s", msg)
}

func (l *loader) glob(pattern string) []string {
	files, err := fs.Glob(l.fsys, pattern)
	if err != nil {
		l.problems.Add(Pos{File: pattern, Line: 1, Col: 1}, "%v", err)
	}
	sort.Strings(files)
	return files
}

func (l *loader) dirs(parent string) []string {
	entries, err := fs.ReadDir(l.fsys, parent)
	if err != nil {
		return nil // checkLayout reports it
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, parent+"/"+e.Name())
		}
	}
	return out
}
