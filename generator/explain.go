package generator

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/generator/hresult"
	"github.com/wufix/wufix/generator/plan"
)

// Explanation is what `wufix explain` prints: the decoded code, what it
// means here, and the plan each target runs for it.
type Explanation struct {
	Decoded hresult.Decoded
	Info    *catalog.ErrorInfo // nil when the catalog does not know the code
	Plan    *catalog.Plan      // nil when no plan answers it
	Targets []TargetPlan
}

// TargetPlan is one target's steps for the plan, in order.
type TargetPlan struct {
	Target *catalog.Target
	Steps  []*plan.Step
}

// Explain decodes input (any accepted form of an error code) against a
// catalog.
func Explain(c *catalog.Catalog, input string) (*Explanation, error) {
	code, p, err := answer(c, input)
	if err != nil {
		return nil, err
	}
	e := &Explanation{Decoded: hresult.Decode(code), Plan: p}
	for _, info := range c.Errors {
		if info.Code.Value == code.String() {
			e.Info = info
		}
	}
	if e.Plan == nil {
		return e, nil
	}
	for _, t := range c.Targets {
		b, err := plan.For(c, t, plan.Options{Plans: []string{e.Plan.ID.Value}})
		if errors.Is(err, plan.ErrNoPlan) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		e.Targets = append(e.Targets, TargetPlan{Target: t, Steps: b.Plans[0].Steps})
	}
	return e, nil
}

// answer parses an error code and finds the plan that answers it, nil
// when none does. Build needs only this, not the per-target plans Explain
// adds: it plans each target once itself.
func answer(c *catalog.Catalog, input string) (hresult.Code, *catalog.Plan, error) {
	code, err := hresult.Parse(input)
	if err != nil {
		return code, nil, fmt.Errorf("explain: %w", err)
	}
	return code, catalog.PlanFor(c, code.String()), nil
}

// Lines renders the explanation as plain text, in English.
func (e *Explanation) Lines() []string { return e.Text(English) }

// Text renders the explanation in a language: the decoded fields keep
// their English names (they are the SDK's), the meaning, the plan and its
// steps are the catalog's text in that language.
func (e *Explanation) Text(lang Lang) []string {
	w := words[lang]
	lines := e.Decoded.Lines()
	if e.Info != nil {
		// A code with no public name is headed by the code itself.
		lines = append(lines, "", fmt.Sprintf("%s (%s)", cmp.Or(e.Info.Name, e.Decoded.Code.String()), w.area(e.Info.Area)))
		for _, line := range dialect.Wrap(pick(lang, e.Info.Meaning, e.Info.MeaningRU), 74) {
			lines = append(lines, "  "+line)
		}
		lines = append(lines, "  "+w.source+e.Info.Source)
	}
	if e.Plan == nil {
		return append(lines, "", fmt.Sprintf(w.noPlan, e.Decoded.Code))
	}
	lines = append(lines, "", fmt.Sprintf(w.plan, e.Plan.ID.Value, pick(lang, e.Plan.Title, e.Plan.TitleRU), e.Decoded.Code))
	// Targets that run the same steps are listed together.
	var order []string
	groups := map[string][]string{}
	for _, tp := range e.Targets {
		var steps []string
		for i, s := range tp.Steps {
			steps = append(steps, fmt.Sprintf("    %d. %s%s: %s", i+1, s.Step.ID.Value, w.level(s.Step), pick(lang, s.Step.Title, s.Step.TitleRU)))
		}
		key := strings.Join(steps, "\n")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], tp.Target.ID.Value)
	}
	for _, key := range order {
		lines = append(lines, "  "+strings.Join(groups[key], ", ")+":")
		lines = append(lines, strings.Split(key, "\n")...)
	}
	return lines
}
