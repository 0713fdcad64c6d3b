package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyRuns is one machine's runs 1..n, a minute apart: run n-1 failed and
// run n succeeded; the others end by their number.
func manyRuns(n int) []*Report {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []*Report
	for i := 1; i <= n; i++ {
		exit := []int{0, 3010, 6, 1}[i%4]
		switch i {
		case n - 1:
			exit = 1
		case n:
			exit = 0
		}
		r := must(Parse([]byte(report("PC1", fmt.Sprintf("win10-%05d", i), start.Add(time.Duration(i)*time.Minute).Format(Stamp), exit, "component-reset=done"))))
		out = append(out, r)
	}
	return out
}

func must(r *Report, err error) *Report {
	if err != nil {
		panic(err)
	}
	return r
}

// One machine reporting 5,000 times, in any order, keeps RunsKept runs:
// the newest decides, the nine before it are its history, and the rest
// are counted by outcome.
func TestAMachineKeepsItsNewestRuns(t *testing.T) {
	const n = 5000
	runs := manyRuns(n)
	c := NewCollector()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, i := range rng.Perm(n) {
		c.Add(fmt.Sprintf("r%05d.json", i), runs[i])
	}
	s := c.Summary()
	require.Len(t, s.Machines, 1)
	m := s.Machines[0]
	assert.Equal(t, n, s.Reports)
	assert.Equal(t, n, m.Runs())
	assert.Equal(t, "win10-05000", m.Newest.Run)
	assert.Equal(t, Fixed, m.Outcome, "failed, then succeeded: fixed")
	require.Len(t, m.History, RunsKept-1)
	for i, p := range m.History {
		assert.Equal(t, fmt.Sprintf("win10-%05d", n-RunsKept+1+i), p.Run, "oldest first")
	}
	assert.Equal(t, Failed, m.History[RunsKept-2].Outcome)
	want := map[Outcome]int{}
	for _, r := range runs[:n-RunsKept] {
		want[r.Outcome()]++
	}
	assert.Equal(t, n-RunsKept, m.Older)
	assert.Equal(t, want, m.OlderOutcomes())
	assert.Equal(t, []string{"PC1"}, s.Outcomes[Fixed])

	row := s.Rows()[0]
	assert.Equal(t, n, row.Runs)
	assert.Equal(t, fmt.Sprintf("4990 older (%d failed, %d refused, %d restart, %d fixed); failed fixed restart refused failed fixed restart refused failed",
		want[Failed], want[Refused], want[Restart], want[Fixed]), row.History)
	assert.Equal(t, n-RunsKept, row.OlderRuns)
	assert.Equal(t, want, row.OlderOutcomes)
}

// A second file of a kept run is still caught, a copy or another claim;
// one of a run older than the kept ones counts as an older run.
func TestDuplicatesOfKeptRuns(t *testing.T) {
	const n = 5000
	runs := manyRuns(n)
	c := NewCollector()
	for i, r := range runs {
		c.Add(fmt.Sprintf("r%05d.json", i+1), r)
	}
	copyOf := func(i int) *Report { r := *runs[i-1]; return &r }
	c.Add("copy-newest.json", copyOf(n))
	c.Add("copy-kept.json", copyOf(n-RunsKept+1))
	other := copyOf(n - 3)
	other.Finished = "2027-01-01T00:00:00"
	c.Add("other-claim.json", other)
	c.Add("copy-old.json", copyOf(10))
	s := c.Summary()

	require.Len(t, s.Problems, 3)
	assert.Equal(t, "copy-kept.json", s.Problems[0].File)
	assert.Contains(t, s.Problems[0].Reason, "a copy of run win10-04991 of win10 on PC1, read already: counted once")
	assert.Equal(t, "copy-newest.json", s.Problems[1].File)
	assert.Contains(t, s.Problems[1].Reason, "a copy of run win10-05000")
	assert.Equal(t, "other-claim.json", s.Problems[2].File)
	assert.Contains(t, s.Problems[2].Reason, "claims run win10-04997 of win10 on PC1, which a report read already gives other times")
	m := s.Machines[0]
	assert.Equal(t, n+1, s.Reports, "the old run's copy cannot be told from a run")
	assert.Equal(t, n+1, m.Runs())
	assert.Equal(t, n-RunsKept+1, m.Older)
	assert.Equal(t, "win10-05000", m.Newest.Run, "nothing else changes")
	assert.Equal(t, "win10-04991", m.History[0].Run)
}

// Past ProblemsListed files not usable, the first by name are listed and
// the rest counted, in every format that lists them.
func TestUnusableFilesAreCappedAndCounted(t *testing.T) {
	const n = ProblemsListed + 1500
	c := NewCollector()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, i := range rng.Perm(n) {
		c.Problem(fmt.Sprintf("share/bad-%05d.json", i), "cut short")
	}
	c.Add("share/good.json", must(Parse([]byte(report("PC1", "win10-0001", "2026-11-01T08:10:00", 0)))))
	s := c.Summary()
	require.Len(t, s.Problems, ProblemsListed)
	assert.Equal(t, 1500, s.ProblemsUnlisted)
	assert.Equal(t, n, s.NotUsable())
	for i, p := range s.Problems {
		require.Equal(t, fmt.Sprintf("share/bad-%05d.json", i), p.File)
	}

	var text bytes.Buffer
	require.NoError(t, s.Text(&text))
	assert.Contains(t, text.String(), fmt.Sprintf("1 machines, 1 reports, %d files not usable\n", n))
	assert.Contains(t, text.String(), "  share/bad-00999.json: cut short\n  and 1500 more, not listed (the first 1000 by name are)\n")
	assert.NotContains(t, text.String(), "bad-01000")

	var js bytes.Buffer
	require.NoError(t, s.JSON(&js))
	var got struct {
		Problems []jsonProblem `json:"not_usable"`
		Unlisted int           `json:"not_usable_unlisted"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	assert.Len(t, got.Problems, ProblemsListed)
	assert.Equal(t, 1500, got.Unlisted)

	var page bytes.Buffer
	require.NoError(t, s.HTML(&page))
	assert.Contains(t, page.String(), fmt.Sprintf("1 machines, 1 reports, %d files not usable.", n))
	assert.Contains(t, page.String(), `<p id="unlisted">and 1500 more, not listed (the first 1000 by name are)</p>`)
	assert.Equal(t, ProblemsListed, strings.Count(page.String(), "<td>cut short</td>"))
}
