package fleet

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// Summary is the fleet's answer, every list sorted.
type Summary struct {
	Reports  int        // reports read, copies counted once
	Others   int        // files that are no .json report candidate
	Machines []*Machine // by name

	// Files that are not usable reports: the first ProblemsListed by name,
	// and how many more there were.
	Problems         []Problem
	ProblemsUnlisted int

	Outcomes map[Outcome][]string // machine names by their newest run's outcome
	Bundles  []Group              // outcomes per bundle
	Plans    []Group              // outcomes per plan
	Steps    []StepCount          // per step, how its newest runs ended
	Failures []Failure            // failed steps by reason, and refusals by exit code

	// Set by Judge: machines whose newest report is older than Age, and
	// expected machines that never reported.
	Age     time.Duration
	Old     []*Machine
	Missing []string
}

// NotUsable is how many files were not usable reports, listed or not.
func (s *Summary) NotUsable() int { return len(s.Problems) + s.ProblemsUnlisted }

// Group counts the outcomes of the machines whose newest run was of one
// bundle, or of one plan.
type Group struct {
	Name   string
	Counts map[Outcome]int
}

// StepCount is how often a step ended with each status, over the machines'
// newest runs.
type StepCount struct {
	ID     string
	Status map[string]int
}

// Failure is one reason for failing, and the machines that failed for it.
type Failure struct {
	Step     string // "" for a refused run
	ExitCode int
	Reason   string
	Machines []string
}

func (s *Summary) count() {
	s.Outcomes = map[Outcome][]string{}
	bundles, plans := map[string]map[Outcome]int{}, map[string]map[Outcome]int{}
	steps := map[string]map[string]int{}
	failures := map[reason][]string{}
	for _, m := range s.Machines {
		r := m.Newest
		s.Outcomes[m.Outcome] = append(s.Outcomes[m.Outcome], m.Name)
		tally(bundles, r.Bundle, m.Outcome)
		tally(plans, r.Plan, m.Outcome)
		for _, st := range r.Steps {
			if steps[st.ID] == nil {
				steps[st.ID] = map[string]int{}
			}
			steps[st.ID][st.Status]++
			if st.Status == "failed" {
				key := reason{st.ID, st.ExitCode, strings.TrimSpace(st.After)}
				failures[key] = append(failures[key], m.Name)
			}
		}
		if m.Outcome == Refused {
			key := reason{"", *r.ExitCode, ExitMeaning(*r.ExitCode)}
			failures[key] = append(failures[key], m.Name)
		}
	}
	s.Bundles, s.Plans = groups(bundles), groups(plans)
	for _, id := range slices.Sorted(maps.Keys(steps)) {
		s.Steps = append(s.Steps, StepCount{id, steps[id]})
	}
	for k, names := range failures {
		slices.SortFunc(names, func(a, b string) int { return cmp.Compare(strings.ToUpper(a), strings.ToUpper(b)) })
		s.Failures = append(s.Failures, Failure{k.step, k.exit, k.text, names})
	}
	// Most machines first: the reason to look at first.
	slices.SortFunc(s.Failures, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(len(b.Machines), len(a.Machines)), cmp.Compare(a.Step, b.Step),
			cmp.Compare(a.ExitCode, b.ExitCode), cmp.Compare(a.Reason, b.Reason))
	})
}

// reason is what failures are grouped by.
type reason struct {
	step string
	exit int
	text string
}

func tally(m map[string]map[Outcome]int, key string, o Outcome) {
	if m[key] == nil {
		m[key] = map[Outcome]int{}
	}
	m[key][o]++
}

func groups(m map[string]map[Outcome]int) []Group {
	var out []Group
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Group{name, m[name]})
	}
	return out
}

// Stamp is how a report writes a time: the machine's local time, without
// a zone.
const Stamp = "2006-01-02T15:04:05"

// Judge fills in Old (age > 0) and Missing (expected given).
func (s *Summary) Judge(now time.Time, age time.Duration, expected []string) {
	if age > 0 {
		s.Age, s.Old = age, s.stale(now, age)
	}
	s.Missing = s.missing(expected)
}

// stale returns the machines whose newest report finished more than age
// before now. Report times are each machine's local time without a zone,
// so the cut is exact to within the machines' offsets from UTC (a day at
// most); a report whose time cannot be read counts as stale.
func (s *Summary) stale(now time.Time, age time.Duration) []*Machine {
	cut := now.UTC().Add(-age)
	var out []*Machine
	for _, m := range s.Machines {
		t, err := time.Parse(Stamp, m.Newest.Finished)
		if err != nil || t.Before(cut) {
			out = append(out, m)
		}
	}
	return out
}

// missing returns the expected computer names that sent no report, in the
// order given; names compare as Windows compares them, ignoring case.
func (s *Summary) missing(expected []string) []string {
	have := map[string]bool{}
	for _, m := range s.Machines {
		have[strings.ToUpper(m.Name)] = true
	}
	var out []string
	for _, name := range expected {
		if !have[strings.ToUpper(name)] {
			out = append(out, name)
		}
	}
	return out
}
