package fleet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run is one run of machine PC1 for a test; the bundle is the run id's
// prefix.
type run struct {
	run, finished string
	exit          int
}

func (r run) report() *Report {
	bundle, _, _ := strings.Cut(r.run, "-")
	text := strings.Replace(report("PC1", r.run, r.finished, r.exit, "component-reset=done"), `"bundle": "win10"`, `"bundle": "`+bundle+`"`, 1)
	return must(Parse([]byte(text)))
}

// permutations calls f with every order of runs.
func permutations(runs []run, f func([]run)) {
	if len(runs) <= 1 {
		f(runs)
		return
	}
	for i := range runs {
		rest := slices.Concat(runs[:i], runs[i+1:])
		permutations(rest, func(p []run) { f(append([]run{runs[i]}, p...)) })
	}
}

// collected is what a collector makes of runs read in the given order.
func collected(runs []run) *Machine {
	c := NewCollector()
	for _, r := range runs {
		c.Add(r.run+".json", r.report())
	}
	return c.Summary().Machines[0]
}

// runIDs lists a machine's history, oldest first.
func runIDs(m *Machine) []string {
	var ids []string
	for _, p := range m.History {
		ids = append(ids, p.Run)
	}
	return ids
}

// A machine's newest run is its last by run number within a bundle, where
// its clock may be wrong or unread; only across bundles, and for a
// refusal (never numbered), does the time it finished decide: that of a
// bundle's last run.
func TestNewestRunOfAMachine(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runs    []run
		newest  string
		outcome Outcome
		history []string // oldest first
	}{
		{
			name:   "a clock read as unknown does not keep its run the newest",
			runs:   []run{{"win10-0001", "2026-11-01T08:10:00", 1}, {"win10-0002", "unknown", 1}, {"win10-0003", "2026-11-03T08:10:00", 0}},
			newest: "win10-0003", outcome: Fixed, history: []string{"win10-0001", "win10-0002"},
		},
		{
			name:   "across bundles a time that cannot be read is the oldest",
			runs:   []run{{"win7-0001", "unknown", 1}, {"win10-0001", "2026-11-01T08:10:00", 0}, {"win7-0002", "2026-10-01T08:10:00", 1}},
			newest: "win10-0001", outcome: Fixed, history: []string{"win7-0001", "win7-0002"},
		},
		{
			name:   "a clock ahead (2031) does not hide the later fix",
			runs:   []run{{"win10-0001", "2031-05-01T08:10:00", 1}, {"win10-0002", "2026-11-02T08:10:00", 0}},
			newest: "win10-0002", outcome: Fixed, history: []string{"win10-0001"},
		},
		{
			name:   "a clock behind (2003) does not file the current failure as history",
			runs:   []run{{"win10-0001", "2026-11-01T08:10:00", 0}, {"win10-0002", "2003-01-01T00:01:00", 1}},
			newest: "win10-0002", outcome: Failed, history: []string{"win10-0001"},
		},
		{
			name:   "across bundles the time decides, not the number",
			runs:   []run{{"win10-0004", "2026-10-01T08:10:00", 0}, {"win7-0001", "2026-11-02T08:10:00", 0}, {"win10-0005", "2026-11-01T08:10:00", 1}},
			newest: "win7-0001", outcome: Fixed, history: []string{"win10-0004", "win10-0005"},
		},
		{
			name:   "a refusal, not numbered, is placed by its time",
			runs:   []run{{"win10-0003", "2026-11-01T08:10:00", 0}, {"win10-0000", "2026-11-05T08:10:00", 6}},
			newest: "win10-0000", outcome: Refused, history: []string{"win10-0003"},
		},
		{
			// By number 0005 < 0006, by time 0006 < the refusal < 0005:
			// compared two by two, the three went round in a circle, and
			// the order read chose fixed, failed or refused.
			name: "a clock set back (dead CMOS battery) places its bundle by its last run",
			runs: []run{{"win10-0005", "2026-11-10T08:10:00", 0}, {"win10-0006", "2003-01-01T00:01:00", 1},
				{"win10-0000", "2003-01-01T00:05:00", 6}},
			newest: "win10-0000", outcome: Refused, history: []string{"win10-0005", "win10-0006"},
		},
		{
			name: "a clock ahead puts no run of its bundle after a refusal that came later",
			runs: []run{{"win10-0001", "2031-05-01T08:10:00", 1}, {"win10-0002", "2026-11-02T08:10:00", 0},
				{"win10-0000", "2026-11-03T08:10:00", 6}, {"win10-0003", "2026-11-04T08:10:00", 0}},
			newest: "win10-0003", outcome: Fixed, history: []string{"win10-0001", "win10-0002", "win10-0000"},
		},
	} {
		// Nothing may depend on the order the files are found in.
		permutations(tc.runs, func(runs []run) {
			var order []string
			for _, r := range runs {
				order = append(order, strings.TrimPrefix(r.run, "win"))
			}
			t.Run(tc.name+"/"+strings.Join(order, ","), func(t *testing.T) {
				m := collected(runs)
				assert.Equal(t, tc.newest, m.Newest.Run)
				assert.Equal(t, tc.outcome, m.Outcome)
				assert.Equal(t, tc.history, runIDs(m))
			})
		})
	}
}

// With more runs than RunsKept, of two bundles, refusals and clocks wrong
// both ways, the history and the counts of older runs are the same in
// any order too: the RunsKept last of each bundle's runs, and of its
// refusals, are enough to place them.
func TestHistoryInAnyOrder(t *testing.T) {
	runs := []run{
		{"win7-0001", "2026-09-01T08:10:00", 1}, {"win7-0002", "unknown", 0}, {"win7-0003", "2026-09-03T08:10:00", 0},
		{"win7-0000", "2026-09-04T08:10:00", 5},
		{"win10-0000", "2026-10-05T12:00:00", 8},
	}
	for i := 1; i <= 9; i++ {
		r := run{fmt.Sprintf("win10-%04d", i), fmt.Sprintf("2026-10-%02dT08:10:00", i), 0}
		switch i {
		case 4:
			r.finished = "2031-05-01T08:10:00" // placed as 0005: no later than the run after it
		case 8:
			r.exit = 1
		}
		runs = append(runs, r)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		if i > 0 {
			rng.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
		}
		m := collected(runs)
		require.Equal(t, "win10-0009", m.Newest.Run)
		require.Equal(t, Fixed, m.Outcome)
		require.Equal(t, []string{"win10-0001", "win10-0002", "win10-0003", "win10-0004", "win10-0005", "win10-0000",
			"win10-0006", "win10-0007", "win10-0008"}, runIDs(m))
		require.Equal(t, map[Outcome]int{Failed: 1, Fixed: 2, Refused: 1}, m.OlderOutcomes(), "win7's runs and refusal")
		require.Equal(t, len(runs), m.Runs())
	}
}

// cp866 encodes Russian text as cmd.exe writes it on a Russian Windows:
// the OEM code page, not UTF-8.
func cp866(s string) string {
	var b []byte
	for _, r := range s {
		switch {
		case r < 0x80:
			b = append(b, byte(r))
		case r >= 'А' && r <= 'п':
			b = append(b, byte(0x80+r-'А'))
		case r >= 'р' && r <= 'я':
			b = append(b, byte(0xE0+r-'р'))
		default:
			panic(fmt.Sprintf("%q is not in this CP866 table", r))
		}
	}
	return string(b)
}

// A computer name beyond ASCII comes in the report in the OEM code page
// (not UTF-8) but in the file's name in Unicode: two such machines stay
// two, named as the file names spell them, and where no file name does,
// by their bytes escaped, never merged on U+FFFD.
func TestMachineNamesNotInUTF8(t *testing.T) {
	oem := func(computer, run string) string {
		return strings.Replace(report("@", run, "2026-11-01T08:10:00", 0), `"computer": "@"`, `"computer": "`+cp866(computer)+`"`, 1)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string // file name: report
		want  map[string]int    // machine: runs
	}{
		{
			name: "two Cyrillic names in CP866 are named by their files",
			files: map[string]string{
				"ПК-1-win10-0001.json": oem("ПК-1", "win10-0001"),
				"ПС-1-win10-0001.json": oem("ПС-1", "win10-0001"),
			},
			want: map[string]int{"ПК-1": 1, "ПС-1": 1},
		},
		{
			name: "one machine's runs in CP866 are one machine",
			files: map[string]string{
				"ПК-1-win10-0001.json": oem("ПК-1", "win10-0001"),
				"ПК-1-win10-0002.json": oem("ПК-1", "win10-0002"),
				"ПС-1-win10-0000.json": oem("ПС-1", "win10-0000"),
			},
			want: map[string]int{"ПК-1": 2, "ПС-1": 1},
		},
		{
			name: "a report in UTF-8 names its machine, whatever the file is called",
			files: map[string]string{
				"a-win10-0001.json": report("ПК-1", "win10-0001", "2026-11-01T08:10:00", 0),
				"b-win10-0001.json": report("ПС-1", "win10-0001", "2026-11-01T08:10:00", 0),
			},
			want: map[string]int{"ПК-1": 1, "ПС-1": 1},
		},
		{
			name: "without a file name that spells it, the bytes are kept apart",
			files: map[string]string{
				"a.json":              oem("ПК-1", "win10-0001"),
				"PC9-win10-0001.json": oem("ПС-1", "win10-0001"), // not the name the report has
			},
			want: map[string]int{`\x8f\x8a-1`: 1, `\x8f\x91-1`: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				write(t, dir, name, content)
			}
			s := summarize(t, dir)
			assert.Empty(t, s.Problems)
			got := map[string]int{}
			for _, m := range s.Machines {
				got[m.Name] = m.Runs()
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
