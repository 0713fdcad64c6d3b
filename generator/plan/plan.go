// Package plan decides, per target, which steps run and with what data.
// Every per-version choice is made here, at build time, so the generated
// scripts carry no version branches.
package plan

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Bundle is everything that goes into one target's bundle.
type Bundle struct {
	Target *catalog.Target
	Plans  []*Plan
	Steps  []*Step // every step of every plan, once, in first-use order
	// Libs are the shared routines the steps use, each once, in name
	// order: decided here so that rendering only prints them.
	Libs []*catalog.Lib
}

// Plan is a catalog plan resolved for one target.
type Plan struct {
	Plan  *catalog.Plan
	Steps []*Step
}

// Step is a catalog step resolved for one target.
type Step struct {
	Step *catalog.Step
	// Services are the step's services that exist on the target, in the
	// step's order; protected services never appear.
	Services []string
}

// ErrNoPlan is returned for a target that none of the selected plans is for.
var ErrNoPlan = errors.New("no selected plan is for this target")

// Options narrow a build.
type Options struct {
	// Plans, when not empty, keeps only these plan ids.
	Plans []string
}

// For resolves the bundle of one target. A plan that names a step which
// does not apply to the target is an error: the catalog must say how each
// version is served rather than have a step silently vanish.
func For(c *catalog.Catalog, t *catalog.Target, opt Options) (*Bundle, error) {
	b := &Bundle{Target: t}
	byID := map[string]*Step{}
	for _, p := range c.Plans {
		if !selected(p, opt) || !forTarget(p, t) {
			continue
		}
		rp := &Plan{Plan: p}
		for _, entry := range p.Steps {
			s := pick(c, entry, t)
			if s == nil && entry.Optional {
				continue
			}
			if s == nil {
				name := entry.Any[0]
				return nil, fmt.Errorf("%s: plan %q names %s, which does not apply to %s (target %s): %s",
					name.At(p.File), p.ID.Value, describe(entry), t.Name, t.ID.Value, whyNone(c, entry, t))
			}
			step := byID[s.ID.Value]
			if step == nil {
				step = resolve(s, t)
				byID[s.ID.Value] = step
				b.Steps = append(b.Steps, step)
			}
			rp.Steps = append(rp.Steps, step)
		}
		b.Plans = append(b.Plans, rp)
	}
	if len(b.Plans) == 0 {
		return nil, fmt.Errorf("target %s: %w", t.ID.Value, ErrNoPlan)
	}
	b.Libs = libs(c, b.Steps)
	return b, nil
}

// selected reports whether the options keep a plan.
func selected(p *catalog.Plan, opt Options) bool {
	return len(opt.Plans) == 0 || slices.Contains(opt.Plans, p.ID.Value)
}

// forTarget reports whether a plan is for a target.
func forTarget(p *catalog.Plan, t *catalog.Target) bool {
	return p.When.Unmet(t) == ""
}

// pick returns the first step of the entry that applies to the target.
func pick(c *catalog.Catalog, e catalog.PlanEntry, t *catalog.Target) *catalog.Step {
	for _, name := range e.Any {
		s := c.Steps[name.Value]
		if catalog.WhyNot(c, s, t) == "" {
			return s
		}
	}
	return nil
}

// whyNone says why no step of an entry applies to the target.
func whyNone(c *catalog.Catalog, e catalog.PlanEntry, t *catalog.Target) string {
	var why []string
	for _, name := range e.Any {
		if s := c.Steps[name.Value]; s != nil {
			why = append(why, name.Value+" "+catalog.WhyNot(c, s, t))
		}
	}
	return strings.Join(why, "; ")
}

func describe(e catalog.PlanEntry) string {
	if len(e.Any) == 1 {
		return fmt.Sprintf("step %q", e.Any[0].Value)
	}
	var ids []string
	for _, n := range e.Any {
		ids = append(ids, strconv.Quote(n.Value))
	}
	return "steps " + strings.Join(ids, ", ") + " (none of them)"
}

func resolve(s *catalog.Step, t *catalog.Target) *Step {
	step := &Step{Step: s}
	for _, name := range s.Services {
		if f := t.Services[name.Value]; f != nil && !f.Protected {
			step.Services = append(step.Services, name.Value)
		}
	}
	return step
}

// libs returns the shared routines that steps use, each once.
func libs(c *catalog.Catalog, steps []*Step) []*catalog.Lib {
	var uses []catalog.Name
	for _, name := range slices.Sorted(maps.Keys(c.Libs)) {
		if c.Libs[name].Always {
			uses = append(uses, catalog.Name{Value: name})
		}
	}
	for _, s := range steps {
		uses = append(uses, s.Step.Uses...)
	}
	return catalog.LibClosure(c, uses)
}

// HasPowerShell reports whether the target gets a .ps1 entry point.
func (b *Bundle) HasPowerShell() bool { return b.Target.PowerShell != "" }

// HasTaskXML tells whether the bundle carries task.xml, the deferred task's
// definition: where schtasks reads task XML (Task Scheduler 2.0, Vista on).
func (b *Bundle) HasTaskXML() bool { return b.Target.Tools["schtasks-v2"] != nil }
