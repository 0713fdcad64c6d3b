package catalog

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	codePattern = regexp.MustCompile(`^0x[0-9A-F]{8}$`)
	packageName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*(?:/(?:x86|x64|arm64|ia64))?$`)
	datePattern = regexp.MustCompile(`^20[0-9]{2}-[01][0-9]-[0-3][0-9]$`)
	confidences = []string{"H", "M", "L"}
	startTypes  = []string{"auto", "manual", "disabled"}
	products    = []string{"workstation", "server", "domain-controller"}
	archs       = []string{"x86", "x64", "arm64"}
	psVersions  = []string{"", "2.0", "3.0", "4.0", "5.0", "5.1"}
	risks       = []string{"low", "medium", "high"}
	levels      = []string{"default", "aggressive", "optin"}
	regTypes    = []string{"string", "expand", "multi", "dword"}
	regRoots    = []string{`HKEY_LOCAL_MACHINE\`}
	// AllTargets in a step's targets list means every target.
	AllTargets = "all"
)

// validate checks references across files; the loader has already checked
// each file's shape.
func validate(c *Catalog, ps *Problems) {
	targets := map[string]*Target{}
	for _, t := range c.Targets {
		if prev, ok := targets[t.ID.Value]; ok {
			ps.Add(t.ID.At(t.File), "duplicate target id %q (first in %s)", t.ID.Value, prev.File)
			continue
		}
		targets[t.ID.Value] = t
		validateTarget(c, t, ps)
	}
	checkOverlaps(c, ps)
	for _, name := range slices.Sorted(maps.Keys(c.Libs)) {
		validateLib(c, c.Libs[name], ps)
		checkAlwaysLib(c, c.Libs[name], ps)
	}
	for _, id := range slices.Sorted(maps.Keys(c.Steps)) {
		validateStep(c, c.Steps[id], ps)
	}
	validatePlans(c, ps)
	validateErrors(c, ps)
	validateChanges(c, ps)
	if !datePattern.MatchString(c.Info.Date) {
		ps.Add(c.nodes.at("templates/catalog.yaml", "date"), "date: %q is not YYYY-MM-DD", c.Info.Date)
	}
	validateIntune(c, ps)
	for _, name := range []string{"run.cmd.tmpl", "run.ps1.tmpl", "README.txt.tmpl", "README.ru.txt.tmpl", "CHANGES.txt.tmpl"} {
		if c.Bundle.Lookup(name) == nil {
			ps.Add(Pos{File: "templates/bundle/" + name, Line: 1, Col: 1}, "missing bundle template")
		}
	}
}

func validateTarget(c *Catalog, t *Target, ps *Problems) {
	at := func(path ...any) Pos { return c.nodes.at(t.File, path...) }
	if want := strings.TrimSuffix(path.Base(t.File), ".yaml"); t.ID.Value != want {
		ps.Add(t.ID.At(t.File), "target id %q must match its file name %q", t.ID.Value, want)
	}
	requireText(ps, at("name"), "name", t.Name)
	if _, err := parseNT(t.NT); err != nil {
		ps.Add(at("nt"), "nt: %v", err)
	}
	if t.Builds.Min <= 0 || t.Builds.Max < t.Builds.Min {
		ps.Add(at("builds"), "builds: min %d and max %d do not make a range", t.Builds.Min, t.Builds.Max)
	}
	validateEditions(t, ps)
	requireSubset(ps, at("products"), "products", t.Products, products)
	requireSubset(ps, at("arch"), "arch", t.Arch, archs)
	oneOf(ps, at("powershell"), "powershell", t.PowerShell, psVersions)
	checkFact(c, t.File, "facts.builds", t.Facts.Builds, ps)
	checkFact(c, t.File, "facts.sysnative", t.Facts.Sysnative, ps)
	if t.PowerShell != "" {
		checkFact(c, t.File, "facts.powershell", t.Facts.PowerShell, ps)
	}
	if t.Intune {
		checkFact(c, t.File, "facts.intune", t.Facts.Intune, ps)
	}
	if len(t.PackageNames) > 0 {
		checkFact(c, t.File, "facts.package_names", t.Facts.PackageNames, ps)
	}
	for _, n := range t.PackageNames {
		if !packageName.MatchString(n.Value) {
			ps.Add(n.At(t.File), "package_names: %q is not a lower-case name word, optionally /x86, /x64, /arm64 or /ia64", n.Value)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.Services)) {
		s := t.Services[name]
		if name != strings.ToLower(name) {
			ps.Add(at("services", name), "service %q: write service names in lower case", name)
		}
		oneOf(ps, at("services", name, "start"), "services."+name+".start", s.Start, startTypes)
		checkFact(c, t.File, "services."+name, s.Fact, ps)
	}
	for _, name := range slices.Sorted(maps.Keys(t.Tools)) {
		if c.Tools[name] == nil {
			ps.Add(t.Tools[name].Source.At(t.File), "unknown tool %q (not in templates/tools.yaml)", name)
		}
		checkFact(c, t.File, "tools."+name, *t.Tools[name], ps)
	}
	if wide := slices.ContainsFunc(t.Arch, func(a string) bool { return a != "x86" }); wide != t.HasFeature("wow64") {
		ps.Add(at("arch"), "arch %s and feature wow64 disagree: a target with x64 or arm64 editions has wow64, an x86-only one has not", strings.Join(t.Arch, ", "))
	}
	for _, name := range slices.Sorted(maps.Keys(t.Features)) {
		if c.Features[name] == nil {
			ps.Add(at("features", name), "unknown feature %q (not in %s)", name, FeaturesFile)
		} else if c.Tools[name] != nil {
			ps.Add(at("features", name), "feature %q is also a tool: a name is one or the other", name)
		}
		checkFact(c, t.File, "features."+name, *t.Features[name], ps)
	}
	if t.BitsQueue.Dir == "" || len(t.BitsQueue.Files) == 0 {
		ps.Add(at("bits_queue"), "bits_queue: dir and files are required")
	}
	checkFact(c, t.File, "bits_queue", t.BitsQueue.Fact, ps)
}

// factPath turns "services.wuauserv" into the key path to point at.
func factPath(what string) []any {
	var out []any
	for _, k := range strings.Split(what, ".") {
		out = append(out, k)
	}
	return out
}

// checkFact insists every fact names a known source and a confidence.
func checkFact(c *Catalog, file, what string, f Fact, ps *Problems) {
	if f.Source.Value == "" {
		ps.Add(c.nodes.at(file, factPath(what)...), "%s: a source is required", what)
	} else if c.Sources[f.Source.Value] == nil {
		ps.Add(f.Source.At(file), "%s: unknown source %q (not in templates/sources.yaml)", what, f.Source.Value)
	}
	oneOf(ps, c.nodes.at(file, append(factPath(what), "confidence")...), what+".confidence", f.Confidence, confidences)
}

func validatePlans(c *Catalog, ps *Problems) {
	ids := map[string]bool{}
	defaults := 0
	for _, p := range c.Plans {
		if ids[p.ID.Value] {
			ps.Add(p.ID.At(p.File), "duplicate plan id %q", p.ID.Value)
		}
		ids[p.ID.Value] = true
		if p.Default {
			defaults++
			if p.When != nil {
				ps.Add(p.ID.At(p.File), "the default plan %q must be for every target (no when)", p.ID.Value)
			}
		}
		validateWhen(c, p.File, "plan "+strconv.Quote(p.ID.Value), p.When, ps)
		requireText(ps, c.nodes.at(p.File, "title"), "title", p.Title)
		requireRussian(ps, p.ID.At(p.File), map[string]string{"title_ru": p.TitleRU, "summary_ru": p.SummaryRU})
		for _, code := range p.Codes {
			checkCode(ps, code.At(p.File), code.Value)
		}
		if len(p.Steps) == 0 {
			ps.Add(c.nodes.at(p.File, "steps"), "plan %q has no steps", p.ID.Value)
		}
		checkPlanSteps(c, p, ps)
		for _, e := range p.Steps {
			for _, s := range e.Any {
				if c.Steps[s.Value] == nil {
					ps.Add(s.At(p.File), "plan %q names unknown step %q", p.ID.Value, s.Value)
				}
			}
		}
	}
	checkDefaultPlan(c, ps)
	checkPlanCodes(c, ps)
}

// checkCode holds an error code to the one form plans, steps and
// templates/errors.yaml share, so that the same code always matches.
func checkCode(ps *Problems, at Pos, code string) {
	if !codePattern.MatchString(code) {
		ps.Add(at, "error code %q: write it as 0x followed by 8 upper-case hex digits", code)
	}
}

func requireText(ps *Problems, at Pos, key, value string) {
	if strings.TrimSpace(value) == "" {
		ps.Add(at, "%s is required", key)
	}
}

func oneOf(ps *Problems, at Pos, key, value string, allowed []string) {
	if !slices.Contains(allowed, value) {
		ps.Add(at, "%s: %q is not one of %s", key, value, strings.Join(quoteAll(allowed), ", "))
	}
}

func requireSubset(ps *Problems, at Pos, key string, values, allowed []string) {
	if len(values) == 0 {
		ps.Add(at, "%s is required", key)
	}
	for _, v := range values {
		oneOf(ps, at, key, v, allowed)
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}

// ParseDWORD reads a dword value's data, decimal or 0x hex.
func ParseDWORD(v RegValue) (uint32, error) {
	n, err := strconv.ParseUint(v.Data, 0, 32)
	if err != nil {
		return 0, fmt.Errorf("dword data %q is not a 32-bit number", v.Data)
	}
	return uint32(n), nil
}

func validateIntune(c *Catalog, ps *Problems) {
	const file = "templates/catalog.yaml"
	r := c.Info.Intune
	if r.CooldownDays < 1 {
		ps.Add(c.nodes.at(file, "intune", "cooldown_days"), "intune.cooldown_days: %d is not a number of days (1 or more)", r.CooldownDays)
	}
	if r.MaxFailed < 1 {
		ps.Add(c.nodes.at(file, "intune", "max_failed"), "intune.max_failed: %d is not a count (1 or more)", r.MaxFailed)
	}
	for _, id := range r.Unfixable {
		if c.Steps[id.Value] == nil {
			ps.Add(id.At(file), "intune.unfixable: step %q is not in the catalog", id.Value)
		}
	}
}
