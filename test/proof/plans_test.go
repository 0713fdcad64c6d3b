package proof

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
	"github.com/wufix/wufix/internal/wine"
)

// Every plan of every bundle, with every aggressive and opt-in step
// switched on, runs to a documented exit code and is undone to the
// registry and the update folders it started from. Under Wine some steps
// fail for want of what Windows has (sc sdshow, a WIMMount key, a CBS.log
// that SFC writes to); a failed step is a result like any other, so the
// run may end with 1, but its report must say so and the undo must still
// put everything back.
//
// The plans of one target run one after another on one machine: each
// scenario proves that its undo put the machine back as it found it, so
// the next one starts from the same machine a fresh prefix would give,
// without the prefix's setup and first registry export. After a failure
// or a Wine flake the next scenario gets a fresh machine.
func TestEveryPlanAtFullStrengthIsUndone(t *testing.T) {
	t.Parallel() // its scenarios fill the -parallel slots beside the other tests', no test waits for another to end
	out, c := bundles(t)
	all, _ := everyScenario(t, c, out)
	for _, id := range longestFirst(out.Targets, all) {
		scenarios := all[id]
		t.Run(id, func(t *testing.T) {
			t.Parallel() // each target has its own prefix and wineserver
			var m *cleanMachine
			for _, s := range scenarios {
				if s.coveredBy != "" {
					t.Run(s.plan, func(t *testing.T) {
						if strings.Contains(s.coveredBy, "/") {
							t.Skipf("every routine it runs ran, as the same code, in %s at full strength, which proves their undo", s.coveredBy)
						}
						t.Skipf("its steps run, in the same order, in %s at full strength, which proves their undo", s.coveredBy)
					})
					continue
				}
				if m == nil {
					m = newCleanMachine(t, id)
				}
				clean := t.Run(s.plan, func(t *testing.T) {
					attempt := 0
					wine.Retry(t, func() bool {
						attempt++
						if attempt > 1 {
							m = nil
							return fullStrength(t, id, newCleanMachine(t, id), s.args)
						}
						return fullStrength(t, id, m.For(t), s.args)
					})
				})
				if !clean || m == nil {
					m = nil // what the machine holds now is unknown
				}
			}
		})
	}
}

// longestFirst orders the targets by how many scenarios they run, most
// first, so that the last ones to start are short: a long one started last
// would leave a core idle while it ends.
func longestFirst(ids []string, all map[string][]scenario) []string {
	runs := map[string]int{}
	for _, id := range ids {
		for _, s := range all[id] {
			if s.coveredBy == "" {
				runs[id]++
			}
		}
	}
	sorted := slices.Clone(ids)
	slices.SortStableFunc(sorted, func(a, b string) int { return runs[b] - runs[a] })
	return sorted
}

// everyScenario lists each target's full-strength scenarios, and marks
// those whose run proves nothing another one does not. Within a target, a
// plan whose steps another plan runs in the same order is covered by it
// (fullStrengthScenarios). Across targets, in the catalog's order, a
// scenario is covered when every routine its run and undo reach ran as
// the same code before (see ranBefore). The first scenario of each target
// always runs, so every bundle's own checks (its version, its files) are
// proven on its machine.
func everyScenario(t *testing.T, c *catalog.Catalog, out *generator.Output) (map[string][]scenario, ranBefore) {
	t.Helper()
	all := map[string][]scenario{}
	ran := ranBefore{}
	for _, id := range out.Targets {
		list := fullStrengthScenarios(t, c, target(t, id))
		var steps []string
		for _, s := range list {
			steps = append(steps, s.steps...)
		}
		first := true
		for i := range list {
			s := &list[i]
			if s.coveredBy != "" {
				continue
			}
			code := runs(out, id, s.steps, steps, false)
			if by := ran.by(code); by != "" && !first {
				s.coveredBy = by
				continue
			}
			first = false
			ran.add(id+"/"+s.plan, code)
		}
		all[id] = list
	}
	return all, ran
}

// ranBefore holds the code of every routine a scenario ran (as runs gives
// it), and the scenario that ran it first. The same lines under the same
// cmd and tools prove the same thing on every target; the routines a
// version writes otherwise (WMIC or PowerShell, a build check) are not the
// same code, so they still run on that version.
type ranBefore map[string]string

// by names the scenarios that ran every routine of code, or "" if some
// routine has not run yet.
func (r ranBefore) by(code []render.Paragraph) string {
	var by []string
	for _, p := range code {
		who := r[p.Code]
		if who == "" {
			return ""
		}
		if !slices.Contains(by, who) {
			by = append(by, who)
		}
	}
	slices.Sort(by)
	return strings.Join(by, ", ")
}

func (r ranBefore) add(who string, code []render.Paragraph) {
	for _, p := range code {
		if r[p.Code] == "" {
			r[p.Code] = who
		}
	}
}

// runs is the code a run of target id reaches with the steps that run
// (their do, undo and cleanup blocks, and preview with plan mode) among
// all the bundle's steps named: run.cmd's own flow and what each block
// calls, not the blocks of the steps that do not run. The bundle's name
// and version are made neutral, and the version check is left out: it
// differs on every target, and each target's first full-strength scenario
// runs it on its own machine.
func runs(out *generator.Output, id string, run, all []string, preview bool) []render.Paragraph {
	blocks := func(steps []string, kinds ...string) []string {
		var out []string
		for _, step := range steps {
			for _, kind := range kinds {
				out = append(out, kind+strings.ReplaceAll(step, "-", "_"))
			}
		}
		return out
	}
	script := string(out.Files[id+"/run.cmd"])
	_, version, _ := strings.Cut(script, `set "WUFIX_VERSION=`)
	version, _, _ = strings.Cut(version, `"`)
	kinds := []string{"do_", "undo_", "cleanup_"}
	if preview {
		kinds = append(kinds, "preview_")
	}
	code := append(render.Reach(script, []string{""}, blocks(all, "do_", "preview_", "undo_", "cleanup_")),
		render.Reach(script, blocks(run, kinds...), nil)...)
	neutral := strings.NewReplacer(id, "<bundle>", version, "<version>")
	var kept []render.Paragraph
	for _, p := range code {
		if !strings.HasPrefix(p.Name, "check_version") {
			kept = append(kept, render.Paragraph{Name: p.Name, Code: neutral.Replace(p.Code)})
		}
	}
	return kept
}

// scenario is one plan at full strength on one target.
type scenario struct {
	plan      string
	args      []string // run.cmd's arguments
	steps     []string // the steps that run, in order
	coveredBy string   // a plan whose run includes every step of this one, in order
}

// fullStrengthScenarios lists the target's plans with /aggressive and every
// opt-in step. A plan whose steps all run, in the same order, in another
// plan's scenario proves nothing that one does not: the run.cmd code of
// each step is the same whichever plan calls it, and undo walks back the
// steps that ran. It is marked coveredBy that plan (the first plan of
// equal steps is kept).
func fullStrengthScenarios(t *testing.T, c *catalog.Catalog, tg *catalog.Target) []scenario {
	t.Helper()
	var list []scenario
	for _, p := range c.Plans {
		b, err := plan.For(c, tg, plan.Options{Plans: []string{p.ID.Value}})
		if err != nil {
			continue // the plan is not for this version
		}
		s := scenario{plan: p.ID.Value, args: []string{"run.cmd", p.Codes[0].Value, "/aggressive"}}
		for _, st := range b.Steps {
			s.steps = append(s.steps, st.Step.ID.Value)
			if st.Step.Level == "optin" {
				s.args = append(s.args, "/with:"+st.Step.ID.Value)
			}
		}
		list = append(list, s)
	}
	for i := range list {
		for j, other := range list {
			equal := slices.Equal(list[i].steps, other.steps)
			if i != j && subsequence(list[i].steps, other.steps) && (!equal || j < i) {
				list[i].coveredBy = other.plan
				break
			}
		}
	}
	return list
}

// subsequence reports whether every element of a appears in b, in order.
func subsequence(a, b []string) bool {
	for _, x := range b {
		if len(a) > 0 && a[0] == x {
			a = a[1:]
		}
	}
	return len(a) == 0
}

// cleanMachine is a machine with its bundle installed and its registry
// as the scenarios must leave it.
type cleanMachine struct {
	p        *wine.Prefix
	dir      string // the bundle, as a host path
	registry string
}

func newCleanMachine(t *testing.T, id string) *cleanMachine {
	t.Helper()
	p := machine(t, id)
	dir := install(t, id, p.HostPath(`C:\wufix`))
	return &cleanMachine{p: p, dir: dir, registry: registry(t, p)}
}

// For is the machine reporting to t, a subtest of the test that made it.
func (m *cleanMachine) For(t *testing.T) *cleanMachine {
	return &cleanMachine{p: m.p.For(t), dir: m.dir, registry: m.registry}
}

func fullStrength(t *testing.T, id string, m *cleanMachine, args []string) (flake bool) {
	tg := target(t, id)
	p, dir := m.p, m.dir
	// An undo puts back what the run changed; whether the update service
	// runs afterwards is the lifecycle test's to prove. Here every scenario
	// starts, as on a fresh machine, with the service running.
	if !strings.Contains(serviceState(t, p, "wuauserv"), "RUNNING") {
		r := p.RunAgain("", `C:\windows\system32\sc.exe`, "start", "wuauserv")
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
	}
	firstState := updateState(t, p, tg)
	reports := reportNames(t, p)

	r := p.Run(dir, args...)
	if wine.Flake(r) {
		return true
	}
	require.Contains(t, []int{0, 1, 3010}, r.Code, "%v\n%s%s", args, r.Stdout, r.Stderr)
	r.AssertNoErrors(t)
	added := newNames(reports, reportNames(t, p))
	require.Len(t, added, 1, "one report per run")
	rep := readReport(t, p, strings.TrimSuffix(added[0], ".json"))
	assert.Equal(t, r.Code, rep.ExitCode, "the report and the exit code agree")
	failed := false
	for _, s := range rep.Steps {
		failed = failed || s.Status == "failed"
	}
	assert.Equal(t, r.Code == 1, failed, "exit code 1 exactly when a step failed")
	// A run that recorded nothing (a plan that only explains or lists)
	// changed nothing: its undo finds nothing to undo.
	state, err := os.Stat(p.HostPath(`C:\windows\Logs\wufix\` + rep.Run + ".state"))
	require.NoError(t, err)
	undoCodes := []int{0, 3010}
	if state.Size() == 0 {
		undoCodes = []int{3}
	}

	r = p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) || serviceStartFlake(t, m, r) {
		return true
	}
	require.Contains(t, undoCodes, r.Code, "undo\n%s%s", r.Stdout, r.Stderr)
	r.AssertNoErrors(t)
	after := updateState(t, p, tg)
	if !maps.Equal(firstState, after) {
		t.Logf("the undo said:\n%s", r.Stdout)
	}
	for _, name := range keys(firstState) {
		assert.Equal(t, firstState[name], after[name], "restored: %s", name)
	}
	for _, name := range keys(after) {
		if _, ok := firstState[name]; !ok {
			assert.True(t, strings.Contains(name, ".wufix-"), "only backups are new: %s", name)
		}
	}
	sameRegistry(t, m.registry, registry(t, p), strings.Join(args[1:], " ")+" then /undo")
	return false
}

// serviceStartFlake reports an undo that failed only because a service it
// restarted never ran, with the registry back as it was: Wine's
// services.exe, on a loaded machine, now and then fails every start of a
// service for a while (CI saw wuauserv stay STOPPED for 60 seconds after
// sc start). A service left disabled or misconfigured by the undo is a
// real failure: the registry comparison fails the test before the
// scenario is run again.
func serviceStartFlake(t *testing.T, m *cleanMachine, r wine.Result) bool {
	t.Helper()
	if r.Code != 1 || !strings.Contains(r.Stdout, " did not start within ") {
		return false
	}
	sameRegistry(t, m.registry, registry(t, m.p), "an undo whose service did not start")
	t.Logf("Wine did not start a service the undo restarted; running the scenario again on a fresh prefix:\n%s", r.Stdout)
	return true
}

// reportNames lists the run reports in the machine's log folder.
func reportNames(t *testing.T, p *wine.Prefix) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(p.HostPath(`C:\windows\Logs\wufix`), "*.json"))
	require.NoError(t, err)
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// newNames is what after holds that before does not.
func newNames(before, after []string) []string {
	var added []string
	for _, n := range after {
		if !slices.Contains(before, n) {
			added = append(added, n)
		}
	}
	return added
}
