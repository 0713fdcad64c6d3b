package fleet

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// Collector folds reports into per-machine state as they arrive. It keeps
// per machine its newest run whole and, of earlier runs, one line each;
// and per run read, two numbers, to catch two files claiming one run.
type Collector struct {
	machines map[string]*Machine
	seen     map[uint64]uint64 // run's identity -> digest of its times and exit code
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

// digest hashes strings, each ended by a zero byte so that no two lists
// run together. 64 bits keep a collision between two runs of one fleet
// (10^5 to 10^6 of them) to odds of about 10^-8 at most.
func digest(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{machines: map[string]*Machine{}, seen: map[uint64]uint64{}}
}

// Other counts a file that is no .json report candidate (logs, notes).
func (c *Collector) Other() { c.others++ }

// Problem records a file that is not a usable report.
func (c *Collector) Problem(file, reason string) {
	c.problems = append(c.problems, Problem{file, reason})
}

// Add folds one report in. A second file with the very same run is a copy
// and counted once; one that says otherwise of the same run is a problem.
// Files are taken in the order they were found, so the first one counts.
func (c *Collector) Add(file string, r *Report) {
	computer := strings.ToUpper(r.Computer)
	key := digest(computer, r.Bundle, r.Run)
	sum := digest(r.Started, r.Finished, strconv.Itoa(*r.ExitCode))
	if first, ok := c.seen[key]; ok {
		if first == sum {
			c.Problem(file, fmt.Sprintf("a copy of run %s of %s on %s, read already: counted once", r.Run, r.Bundle, r.Computer))
		} else {
			c.Problem(file, fmt.Sprintf("claims run %s of %s on %s, which a report read already gives other times or another exit code: left out", r.Run, r.Bundle, r.Computer))
		}
		return
	}
	c.seen[key] = sum
	c.reports++
	m := c.machines[computer]
	if m == nil {
		c.machines[computer] = &Machine{Name: r.Computer, Newest: r, Outcome: r.Outcome()}
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
