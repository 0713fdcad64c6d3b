package fleet

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// RunsKept is how many runs of one machine are kept in detail: its newest
// and the ones just before it. Older runs are only counted, by outcome, so
// a machine reporting daily for years costs no more than one reporting
// for ten days.
const RunsKept = 10

// Collector folds reports into per-machine state as they arrive. It keeps
// per machine, for each bundle, its RunsKept last numbered runs and its
// RunsKept last refusals (see chain), the newest of each whole and the
// others as a line, and counts of the older ones; what it keeps grows with
// the machines and their bundles, not with the files read.
type Collector struct {
	machines map[string]*Machine
	problems problems
	reports  int
	others   int
}

// Machine is one computer's newest run and the runs before it.
type Machine struct {
	Name    string
	Newest  *Report
	Outcome Outcome
	History []Past // the kept earlier runs (RunsKept-1 at most), oldest first once sorted

	Older   int                // runs older than the kept ones
	olderBy [len(outcomes)]int // how they ended, in Outcomes' order

	chains  []*chain           // the runs kept while reading; Summary orders them
	dropped [len(outcomes)]int // runs older than any chain keeps, by outcome
}

// chain is a machine's runs of one bundle that are numbered, or those
// that are not (refusals, 0000), in the order within tells. Only its
// RunsKept last can be among the machine's RunsKept newest: whatever the
// clocks say, Summary's order keeps a chain's order (see settle).
type chain struct {
	head *Report // its last run, whole
	runs []Past  // its RunsKept last runs, the head among them
}

// OlderOutcomes counts the runs older than the kept ones by outcome.
func (m *Machine) OlderOutcomes() map[Outcome]int {
	if m.Older == 0 {
		return nil
	}
	out := map[Outcome]int{}
	for i, n := range m.olderBy {
		if n > 0 {
			out[Outcomes[i]] = n
		}
	}
	return out
}

// Runs is how many runs of the machine were read.
func (m *Machine) Runs() int { return 1 + len(m.History) + m.Older }

// Past is an earlier run, reduced to a line.
type Past struct {
	Run, Bundle, Finished string
	Outcome               Outcome
	ExitCode              int
	sum                   uint64 // of its times and exit code: a second file of the run must match
}

// digest hashes strings, each ended by a zero byte so that no two lists
// run together. 64 bits keep a collision between two claims of one run to
// odds of 2^-64.
func digest(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// runSum is what two files of one run must agree on.
func runSum(r *Report) uint64 {
	return digest(r.Started, r.Finished, strconv.Itoa(*r.ExitCode))
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{machines: map[string]*Machine{}}
}

// Other counts a file that is no .json report candidate (logs, notes).
func (c *Collector) Other() { c.others++ }

// Problem records a file that is not a usable report.
func (c *Collector) Problem(file, reason string) {
	c.problems.add(Problem{file, reason})
}

// Add folds one report in. A second file of a kept run is a copy and
// counted once; one that says otherwise of the same run is a problem.
// Files are taken in the order they were found, so the first one counts.
// A second file of a run older than the kept ones cannot be told from a
// run of its own: it is counted among the older runs, and changes nothing
// else.
func (c *Collector) Add(file string, r *Report) {
	name := r.machine(file)
	computer := strings.ToUpper(name)
	m := c.machines[computer]
	if m == nil {
		m = &Machine{Name: name}
		c.machines[computer] = m
	}
	sum := runSum(r)
	if first, ok := m.claimed(r); ok {
		if first == sum {
			c.Problem(file, fmt.Sprintf("a copy of run %s of %s on %s, read already: counted once", r.Run, r.Bundle, name))
		} else {
			c.Problem(file, fmt.Sprintf("claims run %s of %s on %s, which a report read already gives other times or another exit code: left out", r.Run, r.Bundle, name))
		}
		return
	}
	c.reports++
	p := past(r, sum)
	ch := m.chain(r)
	if ch.head == nil || within(p, past(ch.head, 0)) > 0 {
		ch.head = trim(r)
	}
	if o, ok := ch.keep(p); !ok {
		m.dropped[slices.Index(Outcomes, o)]++
	}
}

// machine names the computer a report is from: the name it gives, unless
// that is not UTF-8 (see Parse). Then the file's name, which Windows wrote
// in Unicode as <COMPUTER>-<run>.json, names it, if it spells the report's
// name where that is ASCII: a renamed copy names nothing. Else the bytes,
// escaped, keep two such machines apart, if not readable.
func (r *Report) machine(file string) string {
	if r.rawComputer == "" {
		return r.Computer
	}
	base := file[strings.LastIndexAny(file, `/\!`)+1:] // ! ends a .zip's name
	suffix := "-" + r.Run + ".json"
	if n := len(base) - len(suffix); n > 0 && strings.EqualFold(base[n:], suffix) {
		if name := base[:n]; utf8.ValidString(name) && strings.EqualFold(shape(name), shape(r.rawComputer)) {
			return name
		}
	}
	q := strconv.Quote(r.rawComputer)
	return q[1 : len(q)-1]
}

// shape is a name's ASCII with each run of other bytes made one 0x80:
// what the name in UTF-8 and in a one-byte code page (CP866) share.
func shape(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] < utf8.RuneSelf:
			b = append(b, s[i])
		case i == 0 || s[i-1] < utf8.RuneSelf:
			b = append(b, utf8.RuneSelf)
		}
	}
	return string(b)
}

// trim gives a report kept as a machine's newest a list of steps no
// longer than it needs: the reader grows the list by doubling.
func trim(r *Report) *Report {
	if cap(r.Steps) > len(r.Steps) {
		r.Steps = slices.Clone(r.Steps)
	}
	return r
}

// claimed returns the sum of the kept run r claims to be, if one is.
func (m *Machine) claimed(r *Report) (uint64, bool) {
	for _, ch := range m.chains {
		for _, p := range ch.runs {
			if p.Run == r.Run && p.Bundle == r.Bundle {
				return p.sum, true
			}
		}
	}
	return 0, false
}

// chain returns the chain r belongs in, a new one if none has begun.
func (m *Machine) chain(r *Report) *chain {
	numbered := runNumber(r.Run) > 0
	for _, ch := range m.chains {
		if ch.head.Bundle == r.Bundle && (runNumber(ch.head.Run) > 0) == numbered {
			return ch
		}
	}
	ch := &chain{}
	m.chains = append(m.chains, ch)
	return ch
}

// keep adds a run to the chain; past RunsKept of them, the first goes,
// and keep returns its outcome, to be counted, and false.
func (ch *chain) keep(p Past) (Outcome, bool) {
	if h := ch.runs; len(h) < RunsKept {
		if len(h) == cap(h) {
			// Grown by hand: append would give the list room for 16.
			ch.runs = make([]Past, len(h), min(max(2*cap(h), 1), RunsKept))
			copy(ch.runs, h)
		}
		ch.runs = append(ch.runs, p)
		return "", true
	}
	first := 0
	for i, h := range ch.runs {
		if within(h, ch.runs[first]) < 0 {
			first = i
		}
	}
	if within(ch.runs[first], p) < 0 {
		p, ch.runs[first] = ch.runs[first], p
	}
	return p.Outcome, false
}

// within orders the runs of one chain. Within a bundle run.cmd numbers the
// runs in the order they ran, so the number decides: the machine's clock
// may be wrong (a dead CMOS battery) or unread. A refusal is not numbered
// (0000): refusals go by the time they finished. Bundle and run id only
// make the order total.
func within(a, b Past) int {
	return cmp.Or(cmp.Compare(runNumber(a.Run), runNumber(b.Run)), finished(a.Finished).Compare(finished(b.Finished)),
		cmp.Compare(a.Bundle, b.Bundle), cmp.Compare(a.Run, b.Run))
}

// placed is a kept run with the time Summary places it by.
type placed struct {
	Past
	at    time.Time
	chain *chain
}

// settle orders a machine's kept runs and takes the last as its newest,
// the RunsKept-1 before it as its history, and counts the rest. Runs of
// two bundles, and refusals, go by the time they finished, but a run
// counts as finished no later than any run after it in its chain: so a
// chain keeps its order and its last run is placed by its own time. Two
// runs alone cannot be placed so (a bundle's 0005 before its 0006 by
// number, 0006 from a clock set back to 2003 before a refusal, that
// refusal before 0005 by time went round in a circle, and the order read
// chose the newest); a whole chain, once all is read, can. Ties go by
// bundle, then as within.
func (m *Machine) settle() {
	var runs []placed
	for _, ch := range m.chains {
		slices.SortFunc(ch.runs, within)
		at := finished(ch.head.Finished)
		for i := len(ch.runs) - 1; i >= 0; i-- {
			if t := finished(ch.runs[i].Finished); t.Before(at) {
				at = t
			}
			runs = append(runs, placed{ch.runs[i], at, ch})
		}
	}
	slices.SortFunc(runs, func(a, b placed) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.Bundle, b.Bundle), within(a.Past, b.Past))
	})
	last := runs[len(runs)-1].chain.head
	m.Newest, m.Outcome = last, last.Outcome()
	older, kept := runs[:max(len(runs)-RunsKept, 0)], runs[max(len(runs)-RunsKept, 0):len(runs)-1]
	m.History = make([]Past, len(kept))
	for i, p := range kept {
		m.History[i] = p.Past
	}
	m.olderBy = m.dropped
	for _, p := range older {
		m.olderBy[slices.Index(Outcomes, p.Outcome)]++
	}
	m.Older = 0
	for _, n := range m.olderBy {
		m.Older += n
	}
}

// runNumber is the NNNN of a run id <bundle>-NNNN: 0 for a refusal, and
// for an id of another form, neither of which says when it ran.
func runNumber(run string) int {
	n, err := strconv.Atoi(run[strings.LastIndexByte(run, '-')+1:])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// finished reads a report's time. One that does not parse ("unknown":
// the scripts could not read the clock) is the zero time, older than any
// other, so such a run never hides the runs after it.
func finished(s string) time.Time {
	t, err := time.Parse(Stamp, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func past(r *Report, sum uint64) Past {
	return Past{Run: r.Run, Bundle: r.Bundle, Finished: r.Finished, Outcome: r.Outcome(), ExitCode: *r.ExitCode, sum: sum}
}

// Summary sorts what was collected into the answer.
func (c *Collector) Summary() *Summary {
	s := &Summary{Reports: c.reports, Others: c.others, Problems: c.problems.sorted(), ProblemsUnlisted: c.problems.unlisted}
	for _, m := range c.machines {
		m.settle()
		s.Machines = append(s.Machines, m)
	}
	slices.SortFunc(s.Machines, func(a, b *Machine) int { return cmp.Compare(strings.ToUpper(a.Name), strings.ToUpper(b.Name)) })
	s.count()
	return s
}
