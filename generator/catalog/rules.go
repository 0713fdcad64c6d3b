package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Cross-file rules a catalog must keep so run.cmd, wufix.cmd and explain
// can each pick one answer.

// checkDefaultPlan wants exactly one default plan: run.cmd with no code
// runs it.
func checkDefaultPlan(c *Catalog, ps *Problems) {
	var first *Plan
	for _, p := range c.Plans {
		if !p.Default {
			continue
		}
		if first != nil {
			ps.Add(c.nodes.at(p.File, "default"), "plan %q is a second default plan (the first is %q): exactly one plan is the default", p.ID.Value, first.ID.Value)
		}
		first = p
	}
	if first == nil && len(c.Plans) > 0 {
		ps.Add(c.nodes.at(c.Plans[0].File), "no plan is the default: set default: true on exactly one plan")
	}
}

// checkPlanCodes refuses an error code two plans answer: run.cmd CODE must
// pick one plan, and explain must name one.
func checkPlanCodes(c *Catalog, ps *Problems) {
	type answer struct {
		plan *Plan
		at   Pos
	}
	owner := map[string]answer{}
	for _, p := range c.Plans {
		for _, code := range p.Codes {
			if prev, ok := owner[code.Value]; ok {
				ps.Add(code.At(p.File), "error code %s is answered by plan %q already (%s)", code.Value, prev.plan.ID.Value, prev.at)
				continue
			}
			owner[code.Value] = answer{p, code.At(p.File)}
		}
	}
}

// checkPlanSteps refuses a step named twice in one plan (alone or in an
// any group): the second would run it again or never be reached.
func checkPlanSteps(c *Catalog, p *Plan, ps *Problems) {
	seen := map[string]bool{}
	for _, e := range p.Steps {
		for _, s := range e.Any {
			if seen[s.Value] {
				ps.Add(s.At(p.File), "plan %q names step %q twice", p.ID.Value, s.Value)
			}
			seen[s.Value] = true
		}
	}
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

// lackers says which targets fail has: "Windows XP SP3 lacks (target xp)"
// for one, "targets xp, server2003 lack" for more, "" for none.
func lackers(targets []*Target, has func(*Target) bool) string {
	var ids []string
	var one *Target
	for _, t := range targets {
		if !has(t) {
			ids, one = append(ids, t.ID.Value), t
		}
	}
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%s lacks (target %s)", one.Name, one.ID.Value)
	}
	return fmt.Sprintf("targets %s lack", strings.Join(ids, ", "))
}

// validateErrors ties errors.yaml to the plans: each code is explained
// once, and every code a plan answers is explained.
func validateErrors(c *Catalog, ps *Problems) {
	const file = "templates/errors.yaml"
	seen := map[string]bool{}
	for i, e := range c.Errors {
		checkCode(ps, c.nodes.at(file, i, "code"), e.Code.Value)
		if seen[e.Code.Value] {
			ps.Add(e.Code.At(file), "error code %s is explained twice", e.Code.Value)
		}
		seen[e.Code.Value] = true
		oneOf(ps, c.nodes.at(file, i, "area"), "area", e.Area, []string{"update", "backup", "servicing"})
		requireText(ps, c.nodes.at(file, i, "meaning"), "meaning", e.Meaning)
		requireRussian(ps, c.nodes.at(file, i, "code"), map[string]string{"meaning_ru": e.MeaningRU})
		requireText(ps, c.nodes.at(file, i, "source"), "source", e.Source)
	}
	for _, p := range c.Plans {
		for _, code := range p.Codes {
			if !seen[code.Value] {
				ps.Add(code.At(p.File), "plan %q answers %s, which templates/errors.yaml does not explain", p.ID.Value, code.Value)
			}
		}
	}
	for i, r := range c.Refused {
		at := func(key string) Pos { return c.nodes.at("templates/refused.yaml", i, key) }
		requireText(ps, at("id"), "id", r.ID)
		requireText(ps, at("advice"), r.ID+": advice", r.Advice)
		requireText(ps, at("why"), r.ID+": why", r.Why)
		requireRussian(ps, at("id"), map[string]string{"advice_ru": r.AdviceRU, "why_ru": r.WhyRU})
	}
}

// PlanFor returns the plan that answers an error code, or nil.
func PlanFor(c *Catalog, code string) *Plan {
	for _, p := range c.Plans {
		for _, pc := range p.Codes {
			if pc.Value == code {
				return p
			}
		}
	}
	return nil
}
