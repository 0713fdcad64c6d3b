package render

import (
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

// View is what a bundle template sees.
type View struct {
	Target *catalog.Target
	Plans  []*PlanView
	Steps  []*StepView
	Libs   []string // rendered shared routines, the most called first
	Extra  map[string]any
}

// PlanView is one plan with its steps in order.
type PlanView struct {
	ID, Title, Summary string
	TitleRU, SummaryRU string
	Default            bool
	Codes              []string
	Steps              []*StepView
}

// StepView is one step; in run.cmd's view, with its blocks rendered.
type StepView struct {
	ID, Label, Title, Summary, Revert, Risk string
	TitleRU, SummaryRU, RevertRU            string
	Level                                   string
	Reboot, Long                            bool
	Addresses                               []string
	Services                                []string
	Do, Undo, Preview, Cleanup, Subs        string
}

func newStepView(s *plan.Step) *StepView {
	v := &StepView{
		ID:        s.Step.ID.Value,
		Label:     strings.ReplaceAll(s.Step.ID.Value, "-", "_"),
		Title:     s.Step.Title,
		Summary:   strings.TrimSpace(s.Step.Summary),
		Revert:    strings.TrimSpace(s.Step.Revert),
		TitleRU:   s.Step.TitleRU,
		SummaryRU: strings.TrimSpace(s.Step.SummaryRU),
		RevertRU:  strings.TrimSpace(s.Step.RevertRU),
		Risk:      s.Step.Risk,
		Level:     s.Step.Level,
		Long:      s.Step.Long,
		Reboot:    s.Step.Reboot,
		Services:  s.Services,
	}
	for _, a := range s.Step.Addresses {
		v.Addresses = append(v.Addresses, a.Value)
	}
	return v
}

// newView gathers what a bundle template sees. Only run.cmd (dialect
// "cmd") gets the steps' and libs' code: the other files print their data.
func newView(cl *Clones, c *catalog.Catalog, b *plan.Bundle, d string, extra map[string]any) (*View, error) {
	v := &View{Target: b.Target, Extra: extra}
	code := d == "cmd"
	byID := map[string]*StepView{}
	for _, s := range b.Steps {
		sv := newStepView(s)
		if code {
			var err error
			if sv, err = renderStep(cl, c, b, s, extra); err != nil {
				return nil, err
			}
		}
		byID[sv.ID] = sv
		v.Steps = append(v.Steps, sv)
	}
	for _, p := range b.Plans {
		pv := &PlanView{ID: p.Plan.ID.Value, Title: p.Plan.Title, Summary: strings.TrimSpace(p.Plan.Summary),
			TitleRU: p.Plan.TitleRU, SummaryRU: strings.TrimSpace(p.Plan.SummaryRU), Default: p.Plan.Default}
		for _, code := range p.Plan.Codes {
			pv.Codes = append(pv.Codes, code.Value)
		}
		for _, s := range p.Steps {
			pv.Steps = append(pv.Steps, byID[s.Step.ID.Value])
		}
		v.Plans = append(v.Plans, pv)
	}
	if !code {
		return v, nil
	}
	codes := codeTable(c, b)
	for _, lib := range b.Libs {
		text, err := renderLib(cl, c, b, lib, codes)
		if err != nil {
			return nil, err
		}
		// A lib written for one dialect only (run.cmd's staging) renders
		// nothing in the other: no empty section.
		if text != "" {
			v.Libs = append(v.Libs, text)
		}
	}
	v.Libs = mostCalledFirst(v.Libs, v.Steps)
	return v, nil
}

// mostCalledFirst orders the rendered libs by how many calls the steps
// make to their labels, most first (a stable sort: name order breaks
// ties). run.cmd lays the libs out at its top, and a call from below goes
// through the file (callsThroughFile), which reads from the top to the
// label: the routines the steps call most are the ones found soonest. The
// templates write calls in lower case ("call :name"), which is all this
// counts.
func mostCalledFirst(libs []string, steps []*StepView) []string {
	calls := map[string]int{} // label -> calls from the steps
	for _, s := range steps {
		for _, block := range []string{s.Do, s.Undo, s.Preview, s.Cleanup, s.Subs} {
			for rest := catalog.StripOrigins(block); ; {
				_, after, found := strings.Cut(rest, "call :")
				if !found {
					break
				}
				end := labelLen(after)
				calls[after[:end]]++
				rest = after[end:]
			}
		}
	}
	weight := make(map[string]int, len(libs))
	for _, lib := range libs {
		for line := range strings.Lines(catalog.StripOrigins(lib)) {
			if name, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), ":"); ok {
				weight[lib] += calls[name]
			}
		}
	}
	sorted := slices.Clone(libs)
	slices.SortStableFunc(sorted, func(a, b string) int { return weight[b] - weight[a] })
	return sorted
}

// labelLen is the length of the label name s starts with.
func labelLen(s string) int {
	if end := strings.IndexFunc(s, func(r rune) bool { return !isLabelRune(r) }); end >= 0 {
		return end
	}
	return len(s)
}

func isLabelRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
