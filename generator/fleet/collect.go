package fleet

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Collector folds reports into per-machine state as they arrive. It keeps
// per machine its newest run whole and, of earlier runs, one line each;
// and per run read, its identity, to catch two files claiming one run.
type Collector struct {
	machines map[string]*Machine
	seen     map[runKey]seenRun
	problems []Problem
	reports  int
	others   int
}

// Machine is one computer's newest run and the runs before it.
type Machine struct {
	Name    string
	Newest  *Report
	Outcome Outcome
	History []Past // earlier runs, oldest first once sorted
}

// Past is an earlier run, reduced to a line.
type Past struct {
	Run, Bundle, Finished string
	Outcome               Outcome
	ExitCode              int
}

// runKey names a run: a bundle numbers its runs on each machine.
type runKey struct{ computer, bundle, run string }

// seenRun is what identifies a run's report, to tell a copy of the same
// report from another report claiming the same run.
type seenRun struct {
	file, started, finished string
	exit                    int
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{machines: map[string]*Machine{}, seen: map[runKey]seenRun{}}
}

// Other counts a file that is no .json report candidate (logs, notes).
func (c *Collector) Other() { c.others++ }

// Problem records a file that is not a usable report.
func (c *Collector) Problem(file, reason string) {
	c.problems = append(c.problems, Problem{file, reason})
}

// Add folds one report in. A second file with the very same run is a copy
// and counted once; one that differs is a problem, named with both files.
func (c *Collector) Add(file string, r *Report) {
	key := runKey{strings.ToUpper(r.Computer), r.Bundle, r.Run}
	id := seenRun{file, r.Started, r.Finished, *r.ExitCode}
	if first, ok := c.seen[key]; ok {
		if first.started == id.started && first.finished == id.finished && first.exit == id.exit {
			c.Problem(file, "a copy of "+first.file+" (the same run): counted once")
		} else {
			c.Problem(file, fmt.Sprintf("claims run %s of %s on %s, which %s reports differently: left out", r.Run, r.Bundle, r.Computer, first.file))
		}
		return
	}
	c.seen[key] = id
	c.reports++
	m := c.machines[key.computer]
	if m == nil {
		c.machines[key.computer] = &Machine{Name: r.Computer, Newest: r, Outcome: r.Outcome()}
		return
	}
	if newer(r, m.Newest) {
		m.History = append(m.History, past(m.Newest))
		m.Newest, m.Outcome = r, r.Outcome()
		return
	}
	m.History = append(m.History, past(r))
}

// newer orders two runs of one machine: by the time each finished (the
// machine's own clock, so comparable on one machine), then by run number.
func newer(a, b *Report) bool {
	if c := cmp.Compare(a.Finished, b.Finished); c != 0 {
		return c > 0
	}
	return a.Run > b.Run
}

func past(r *Report) Past {
	return Past{Run: r.Run, Bundle: r.Bundle, Finished: r.Finished, Outcome: r.Outcome(), ExitCode: *r.ExitCode}
}

// Summary sorts what was collected into the answer.
func (c *Collector) Summary() *Summary {
	s := &Summary{Reports: c.reports, Others: c.others, Problems: slices.Clone(c.problems)}
	for _, m := range c.machines {
		slices.SortFunc(m.History, func(a, b Past) int {
			return cmp.Or(cmp.Compare(a.Finished, b.Finished), cmp.Compare(a.Run, b.Run))
		})
		s.Machines = append(s.Machines, m)
	}
	slices.SortFunc(s.Machines, func(a, b *Machine) int { return cmp.Compare(strings.ToUpper(a.Name), strings.ToUpper(b.Name)) })
	slices.SortFunc(s.Problems, func(a, b Problem) int { return cmp.Compare(a.File, b.File) })
	s.count()
	return s
}
