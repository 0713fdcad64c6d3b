package catalog

import (
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Steps and libs: each step's own fields, where it applies, and the tools
// and services it needs on every target it applies to (the per-version
// gate), through the libs it uses.

func validateLib(c *Catalog, l *Lib, ps *Problems) {
	requireText(ps, c.nodes.at(l.File, "what"), "what", l.What)
	for _, t := range append(append([]Name{}, l.Tools...), l.OptionalTools...) {
		if c.Tools[t.Value] == nil {
			ps.Add(t.At(l.File), "unknown tool %q", t.Value)
		}
	}
	for _, u := range l.Uses {
		if c.Libs[u.Value] == nil {
			ps.Add(u.At(l.File), "unknown lib %q", u.Value)
		}
	}
	if l.Template == nil {
		ps.Add(c.nodes.at(l.File), "lib %q has no cmd.tmpl", l.Name)
	}
}

// checkAlwaysLib holds run.cmd's own routines to the same gate as steps:
// every target must have the tools they always call.
func checkAlwaysLib(c *Catalog, l *Lib, ps *Problems) {
	if !l.Always {
		return
	}
	for _, need := range l.Tools {
		if c.Tools[need.Value] == nil {
			continue // reported as an unknown tool
		}
		if lacking := lackers(c.Targets, func(t *Target) bool { return t.Tools[need.Value] != nil }); lacking != "" {
			ps.Add(need.At(l.File), "lib %q is in every bundle and uses %q, which %s", l.Name, need.Value, lacking)
		}
	}
}

func validateStep(c *Catalog, s *Step, ps *Problems) {
	at := func(path ...any) Pos { return c.nodes.at(s.File, path...) }
	if want := path.Base(s.Dir); s.ID.Value != want || !idPattern.MatchString(want) {
		ps.Add(s.ID.At(s.File), "step id %q must be lower-case words joined by '-' and match its folder %q", s.ID.Value, want)
	}
	requireText(ps, at("title"), "title", s.Title)
	requireText(ps, at("summary"), "summary", s.Summary)
	requireText(ps, at("revert"), "revert", s.Revert)
	requireRussian(ps, s.ID.At(s.File), map[string]string{"title_ru": s.TitleRU, "summary_ru": s.SummaryRU, "revert_ru": s.RevertRU})
	oneOf(ps, at("risk"), "risk", s.Risk, risks)
	if s.Level == "" {
		s.Level = "default"
	}
	oneOf(ps, at("level"), "level", s.Level, levels)
	// The deferred task runs the plan and error code its Group Policy run
	// recorded, at the default level: a long step of another level would
	// be deferred under /gpo and then skipped by the task.
	if s.Long && s.Level != "default" {
		ps.Add(at("level"), "step %q is long: true and must be level default (under /gpo the deferred task runs without /aggressive or /with:)", s.ID.Value)
	}
	for i, k := range s.Registry {
		if !slices.ContainsFunc(regRoots, func(r string) bool { return strings.HasPrefix(k.Key, r) }) {
			ps.Add(at("registry", i, "key"), "registry key %q: steps write under HKEY_LOCAL_MACHINE only (HKCU is SYSTEM's own hive under Group Policy)", k.Key)
		}
		for j, v := range k.Values {
			oneOf(ps, at("registry", i, "values", j, "type"), "registry value "+strconv.Quote(v.Name)+" type", v.Type, regTypes)
			if _, err := ParseDWORD(v); v.Type == "dword" && err != nil {
				ps.Add(at("registry", i, "values", j, "data"), "registry value %q: %v", v.Name, err)
			}
		}
	}
	for _, code := range s.Addresses {
		checkCode(ps, code.At(s.File), code.Value)
	}
	for _, t := range s.Requires.Tools {
		if c.Tools[t.Value] == nil {
			ps.Add(t.At(s.File), "step %q requires unknown tool %q", s.ID.Value, t.Value)
		}
	}
	for _, u := range s.Uses {
		if c.Libs[u.Value] == nil {
			ps.Add(u.At(s.File), "step %q uses unknown lib %q", s.ID.Value, u.Value)
		}
		// Under /gpo the startup copy leaves packages\ on the share: only
		// the deferred run copies and checks it.
		if u.Value == "packages" && !s.Long {
			ps.Add(u.At(s.File), "step %q uses lib \"packages\" and must be long: true (under /gpo only the deferred task has the packages)", s.ID.Value)
		}
	}
	applies := checkStepWhere(c, s, ps)
	checkStepOnTarget(c, s, applies, ps)
	checkStepTemplates(c, s, ps)
}

// checkStepWhere holds a step to one way of saying where it applies:
// targets: [all], or when: conditions on target facts (never target ids,
// so a new target gets every step its facts admit). It returns the targets
// the tool and service gate covers: every one for [all]; none for when,
// whose steps the plan leaves out where a target lacks what they need.
func checkStepWhere(c *Catalog, s *Step, ps *Problems) []*Target {
	owner := "step " + strconv.Quote(s.ID.Value)
	validateWhen(c, s.File, owner, s.When, ps)
	for _, name := range s.Targets {
		if name.Value != AllTargets {
			ps.Add(name.At(s.File), "%s names target %q: say where it applies with when (tools, features, nt, products), or targets: [all]", owner, name.Value)
		}
	}
	switch {
	case len(s.Targets) == 0 && s.When == nil:
		ps.Add(s.ID.At(s.File), "%s: say where it applies: targets: [all], or when: conditions on target facts", owner)
	case len(s.Targets) > 0 && s.When != nil:
		ps.Add(c.nodes.at(s.File, "when"), "%s: targets: [all] and when exclude each other", owner)
	case s.When == nil:
		return c.Targets
	}
	return nil
}

// checkStepOnTarget is the per-version gate: a step that would call a tool
// or need a service the target lacks is a build error, not a surprise on
// the machine.
// One missing tool is one problem, however many targets lack it.
func checkStepOnTarget(c *Catalog, s *Step, applies []*Target, ps *Problems) {
	for _, need := range StepTools(c, s) {
		if c.Tools[need.Tool] == nil {
			continue // reported as an unknown tool
		}
		if lacking := lackers(applies, func(t *Target) bool { return t.Tools[need.Tool] != nil }); lacking != "" {
			ps.Add(need.Pos, "step %q uses %q, which %s", s.ID.Value, need.Tool, lacking)
		}
	}
	for _, svc := range s.Requires.Services {
		if lacking := lackers(applies, func(t *Target) bool { return t.Services[svc.Value] != nil }); lacking != "" {
			ps.Add(svc.At(s.File), "step %q requires service %q, which %s", s.ID.Value, svc.Value, lacking)
		}
	}
}

func checkStepTemplates(c *Catalog, s *Step, ps *Problems) {
	if s.Template == nil {
		ps.Add(c.nodes.at(s.File), "step %q has no cmd.tmpl", s.ID.Value)
		return
	}
	file := s.Dir + "/cmd.tmpl"
	for _, block := range []string{"do", "undo", "preview"} {
		if s.Template.Lookup(block) == nil {
			ps.Add(Pos{File: file, Line: 1, Col: 1}, "missing {{define %q}} block", block)
		}
	}
}

// ToolUse is a tool a step needs, directly or through a lib, and where
// that need was declared.
type ToolUse struct {
	Tool string
	Pos  Pos
}

// StepTools lists every tool a step calls, its own and its libs', once.
func StepTools(c *Catalog, s *Step) []ToolUse {
	var out []ToolUse
	seen := map[string]bool{}
	add := func(file string, names []Name) {
		for _, n := range names {
			if !seen[n.Value] {
				seen[n.Value] = true
				out = append(out, ToolUse{Tool: n.Value, Pos: n.At(file)})
			}
		}
	}
	add(s.File, s.Requires.Tools)
	for _, lib := range LibClosure(c, s.Uses) {
		add(lib.File, lib.Tools)
	}
	return out
}

// LibClosure returns the named libs and every lib they use, in a stable
// order (sorted by name), each once.
func LibClosure(c *Catalog, names []Name) []*Lib {
	seen := map[string]*Lib{}
	var walk func([]Name)
	walk = func(ns []Name) {
		for _, n := range ns {
			lib := c.Libs[n.Value]
			if lib == nil || seen[n.Value] != nil {
				continue
			}
			seen[n.Value] = lib
			walk(lib.Uses)
		}
	}
	walk(names)
	out := make([]*Lib, 0, len(seen))
	for _, name := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, seen[name])
	}
	return out
}
