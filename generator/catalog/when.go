package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// When says where a step or plan applies, as conditions on target facts;
// every condition written must hold. The plan decides it per target at
// build time, so adding a target that has the facts is enough for it to
// get the step.
type When struct {
	// Tools the target must have (templates/tools.yaml names).
	Tools []Name `yaml:"tools"`
	// Features the target must have (templates/features.yaml names).
	Features []Name `yaml:"features"`
	// NT compares the target's NT version: ">=6.2", "<10.0", "6.1", or
	// several separated by spaces (">=6.0 <6.2"), all of which must hold.
	NT Name `yaml:"nt"`
	// Products: the target must be sold as at least one of these.
	Products []Name `yaml:"products"`
}

// ntTest is one comparison of an NT version.
type ntTest struct {
	op  string
	ver [2]int
}

var ntOps = []string{">=", "<=", ">", "<", "="}

// parseNT reads "6.1" as {6, 1}.
func parseNT(s string) ([2]int, error) {
	major, minor, ok := strings.Cut(s, ".")
	a, errA := strconv.Atoi(major)
	b, errB := strconv.Atoi(minor)
	if !ok || errA != nil || errB != nil || a < 0 || b < 0 {
		return [2]int{}, fmt.Errorf("%q is not an NT version such as 6.1", s)
	}
	return [2]int{a, b}, nil
}

// parseNTTests reads a when.nt condition.
func parseNTTests(s string) ([]ntTest, error) {
	var out []ntTest
	for _, f := range strings.Fields(s) {
		op := "="
		for _, o := range ntOps {
			if strings.HasPrefix(f, o) {
				op = o
				break
			}
		}
		ver, err := parseNT(strings.TrimPrefix(f, op))
		if err != nil {
			return nil, fmt.Errorf("nt: %w (write >=6.2, <10.0 or 6.1)", err)
		}
		out = append(out, ntTest{op: op, ver: ver})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nt: an empty condition (write >=6.2, <10.0 or 6.1)")
	}
	return out, nil
}

func (n ntTest) holds(v [2]int) bool {
	c := v[0] - n.ver[0]
	if c == 0 {
		c = v[1] - n.ver[1]
	}
	switch n.op {
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	}
	return c == 0
}

// HasFeature reports whether the target has a feature.
func (t *Target) HasFeature(name string) bool { return t.Features[name] != nil }

// Unmet returns the first condition the target fails, in words ("needs
// tool dism-restorehealth, which Windows 7 lacks"), or "" when every one
// holds.
func (w *When) Unmet(t *Target) string {
	if w == nil {
		return ""
	}
	for _, n := range w.Tools {
		if t.Tools[n.Value] == nil {
			return lacks(t, "tool", n.Value)
		}
	}
	for _, n := range w.Features {
		if !t.HasFeature(n.Value) {
			return lacks(t, "feature", n.Value)
		}
	}
	if w.NT.Value != "" && !ntHolds(w.NT.Value, t.NT) {
		return fmt.Sprintf("needs NT %s, and %s is NT %s", w.NT.Value, t.Name, t.NT)
	}
	if len(w.Products) > 0 && !slices.ContainsFunc(w.Products, func(p Name) bool { return slices.Contains(t.Products, p.Value) }) {
		var ps []string
		for _, p := range w.Products {
			ps = append(ps, p.Value)
		}
		return fmt.Sprintf("needs product %s, and %s is %s", strings.Join(ps, " or "), t.Name, strings.Join(t.Products, ", "))
	}
	return ""
}

func lacks(t *Target, kind, name string) string {
	return fmt.Sprintf("needs %s %s, which %s lacks", kind, name, t.Name)
}

// ntHolds reports whether version v meets a when.nt condition; a
// condition or version that does not parse (a validation error already)
// never holds.
func ntHolds(cond, v string) bool {
	tests, err := parseNTTests(cond)
	ver, errV := parseNT(v)
	if err != nil || errV != nil {
		return false
	}
	for _, test := range tests {
		if !test.holds(ver) {
			return false
		}
	}
	return true
}

// validateWhen reports unknown fact names and malformed versions at their
// position.
func validateWhen(c *Catalog, file, owner string, w *When, ps *Problems) {
	if w == nil {
		return
	}
	for _, n := range w.Tools {
		if c.Tools[n.Value] == nil {
			ps.Add(n.At(file), "%s: when names unknown tool %q (not in templates/tools.yaml)", owner, n.Value)
		}
	}
	for _, n := range w.Features {
		if c.Features[n.Value] == nil {
			ps.Add(n.At(file), "%s: when names unknown feature %q (not in %s)", owner, n.Value, FeaturesFile)
		}
	}
	if w.NT.Value != "" {
		if _, err := parseNTTests(w.NT.Value); err != nil {
			ps.Add(w.NT.At(file), "%s: when %v", owner, err)
		}
	} else if w.NT.Line > 0 {
		ps.Add(w.NT.At(file), "%s: when nt is empty", owner)
	}
	for _, n := range w.Products {
		if !slices.Contains(products, n.Value) {
			ps.Add(n.At(file), "%s: when names unknown product %q (one of %s)", owner, n.Value, strings.Join(quoteAll(products), ", "))
		}
	}
	if len(w.Tools)+len(w.Features)+len(w.Products) == 0 && w.NT.Value == "" {
		ps.Add(c.nodes.at(file, "when"), "%s: when has no condition (tools, features, nt, products); use targets: [all]", owner)
	}
}

// WhyNot says why a step does not apply to a target ("needs tool
// dism-restorehealth, which Windows 7 lacks"), or "" when it applies: its when conditions hold
// and the target has every tool and service the step needs.
func WhyNot(c *Catalog, s *Step, t *Target) string {
	if why := s.When.Unmet(t); why != "" {
		return why
	}
	for _, need := range StepTools(c, s) {
		if t.Tools[need.Tool] == nil {
			return lacks(t, "tool", need.Tool)
		}
	}
	for _, svc := range s.Requires.Services {
		if t.Services[svc.Value] == nil {
			return lacks(t, "service", svc.Value)
		}
	}
	return ""
}

// StepTargets lists the targets a step applies to, in catalog order.
func StepTargets(c *Catalog, s *Step) []*Target {
	var out []*Target
	for _, t := range c.Targets {
		if WhyNot(c, s, t) == "" {
			out = append(out, t)
		}
	}
	return out
}
