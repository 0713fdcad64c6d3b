package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Notes names every step the bundle does not get, and every selected plan
// it does not have, each with the reason: the condition the target fails,
// or the step that serves in its place. With every plan selected that is
// every step of the catalog; with some, the steps those plans name. One
// line each,
// "win7: no system-files-dism (needs tool dism-restorehealth, which Windows
// 7 / Server 2008 R2 lacks): system-files-surt serves instead".
func Notes(c *catalog.Catalog, b *Bundle, opt Options) []string {
	t := b.Target
	var out []string
	for _, p := range c.Plans {
		if selected(p, opt) && !slices.ContainsFunc(b.Plans, func(rp *Plan) bool { return rp.Plan == p }) {
			out = append(out, fmt.Sprintf("%s: no plan %s (%s)", t.ID.Value, p.ID.Value, p.When.Unmet(t)))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Steps)) {
		if slices.ContainsFunc(b.Steps, func(s *Step) bool { return s.Step.ID.Value == id }) || !named(c, id, opt) {
			continue
		}
		out = append(out, stepNote(c, b, c.Steps[id]))
	}
	return out
}

// named reports whether a selected plan names the step; every step counts
// when no plan was chosen.
func named(c *catalog.Catalog, id string, opt Options) bool {
	if len(opt.Plans) == 0 {
		return true
	}
	for _, p := range c.Plans {
		if !selected(p, opt) {
			continue
		}
		for _, e := range p.Steps {
			if slices.ContainsFunc(e.Any, func(n catalog.Name) bool { return n.Value == id }) {
				return true
			}
		}
	}
	return false
}

// stepNote says why one step is not in the bundle.
func stepNote(c *catalog.Catalog, b *Bundle, s *catalog.Step) string {
	t := b.Target
	why := catalog.WhyNot(c, s, t)
	serving := servingInstead(b, s)
	switch {
	case why == "" && len(serving) > 0:
		why = strings.Join(serving, ", ") + " comes first in its group"
		serving = nil
	case why == "":
		why = "in none of this bundle's plans"
	}
	note := fmt.Sprintf("%s: no %s (%s)", t.ID.Value, s.ID.Value, why)
	if len(serving) > 0 {
		note += ": " + strings.Join(serving, ", ") + " serves instead"
	}
	return note
}

// servingInstead lists the steps the bundle's plans picked from a group
// that names s, where s was not picked.
func servingInstead(b *Bundle, s *catalog.Step) []string {
	var out []string
	for _, rp := range b.Plans {
		for _, e := range rp.Plan.Steps {
			if !slices.ContainsFunc(e.Any, func(n catalog.Name) bool { return n.Value == s.ID.Value }) {
				continue
			}
			for _, picked := range rp.Steps {
				id := picked.Step.ID.Value
				inGroup := slices.ContainsFunc(e.Any, func(n catalog.Name) bool { return n.Value == id })
				if inGroup && id != s.ID.Value && !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
		}
	}
	return out
}
