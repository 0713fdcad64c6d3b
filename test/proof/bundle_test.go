package proof

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/fleet"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/internal/wine"
)

// report is the part of <run>.json the tests read.
type report struct {
	Bundle   string `json:"bundle"`
	Run      string `json:"run"`
	Mode     string `json:"mode"`
	ExitCode int    `json:"exit_code"`
	Log      string `json:"log"`
	Steps    []step `json:"steps"`
}

// step is one step's line in a report.
type step struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
	After    string `json:"after"`
}

func readReport(t *testing.T, p *wine.Prefix, run string) report {
	t.Helper()
	data, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\` + run + ".json"))
	require.NoError(t, err)
	var r report
	require.NoError(t, json.Unmarshal(data, &r), string(data))
	_, err = fleet.Parse(data)
	require.NoError(t, err, "wufix report must read every report a bundle writes:\n%s", data)
	return r
}

// runLog is the log of run (such as win7-0002), or why it cannot be read:
// the words a /quiet run that failed wrote nowhere else.
func runLog(p *wine.Prefix, run string) string {
	data, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\` + run + ".log"))
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// Plan mode, a run, a second run, and two undos, on every target: the
// bundle's whole life on one machine. The bundle sits in a folder whose
// name holds a space, &, (, ) and !, which every path in run.cmd must
// survive quoted; Wine expands a % inside %~dp0 a second time (Windows
// does not), so the percent sign is the one character left out.
func TestBundleLifecycle(t *testing.T) {
	t.Parallel() // its scenarios fill the -parallel slots beside the other tests', no test waits for another to end
	out, c := bundles(t)
	covered := lifecyclesCovered(t, c, out)
	for _, id := range out.Targets {
		t.Run(id, func(t *testing.T) {
			if by := covered[id]; by != "" {
				t.Skipf("every routine its lifecycle runs ran, as the same code, in %s", by)
			}
			t.Parallel() // each target has its own prefix and wineserver
			wine.Retry(t, func() bool { return lifecycle(t, id) })
		})
	}
}

// lifecyclesCovered names, for each target whose lifecycle proves nothing
// the runs before it did not, those runs: every routine its runs reach
// (plan mode, runs and undos of the default plan at its default level)
// ran as the same code in a full-strength scenario or in an earlier
// target's lifecycle (see ranBefore), so the second run, the backups kept
// and the undos walking back were proven with that code too.
func lifecyclesCovered(t *testing.T, c *catalog.Catalog, out *generator.Output) map[string]string {
	t.Helper()
	covered := map[string]string{}
	_, ran := everyScenario(t, c, out)
	for _, id := range out.Targets {
		tg := target(t, id)
		var all, run []string
		for _, p := range c.Plans {
			b, err := plan.For(c, tg, plan.Options{Plans: []string{p.ID.Value}})
			if err != nil {
				continue
			}
			for _, st := range b.Steps {
				all = append(all, st.Step.ID.Value)
				if p.Default && st.Step.Level == "default" {
					run = append(run, st.Step.ID.Value)
				}
			}
		}
		code := runs(out, id, run, all, true)
		if by := ran.by(code); by != "" {
			covered[id] = by
			continue
		}
		ran.add(id+" (lifecycle)", code)
	}
	return covered
}

func lifecycle(t *testing.T, id string) (flake bool) {
	tg := target(t, id)
	p := machine(t, id)
	dir := install(t, id, p.HostPath(`C:\wufix bundles (x86) & co!\`+id))
	firstState := updateState(t, p, tg)
	firstRegistry := registry(t, p)

	// Plan mode changes nothing: not the registry, not a file, not even a log.
	r := p.Run(dir, "run.cmd", "/plan")
	if wine.Flake(r) {
		return true
	}
	require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
	r.AssertNoErrors(t)
	assert.Contains(t, r.Stdout, "Nothing is changed in this mode.")
	assert.Equal(t, firstState, updateState(t, p, tg))
	sameRegistry(t, firstRegistry, registry(t, p), "plan mode")
	assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))

	// A run renames the caches aside and leaves the service running.
	r = p.Run(dir, "run.cmd")
	if wine.Flake(r) {
		return true
	}
	require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
	r.AssertNoErrors(t)
	rep := readReport(t, p, id+"-0001")
	assert.Equal(t, 0, rep.ExitCode)
	assert.Equal(t, "run", rep.Mode)
	require.NotEmpty(t, rep.Steps)
	for _, s := range rep.Steps {
		assert.NotEqual(t, "failed", s.Status, s.ID)
	}
	assert.FileExists(t, p.HostPath(rep.Log))
	log, err := os.ReadFile(p.HostPath(rep.Log))
	require.NoError(t, err)
	assert.Contains(t, string(log), "finished with exit code 0")
	assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))
	assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\Download\a1\update.cab`))
	assert.DirExists(t, p.HostPath(`C:\windows\system32\catroot2.wufix-1`))
	assert.Contains(t, serviceState(t, p, "wuauserv"), "RUNNING", "wuauserv was running, so it runs again")

	// Later, Windows has rebuilt the cache; a second run never overwrites
	// the first run's backup.
	rebuilt := p.HostPath(`C:\windows\SoftwareDistribution\Download\b2\new.cab`)
	require.NoError(t, os.MkdirAll(filepath.Dir(rebuilt), 0o755))
	require.NoError(t, os.WriteFile(rebuilt, []byte("new"), 0o644))
	r = p.Run(dir, "run.cmd", "/quiet")
	if wine.Flake(r) {
		return true
	}
	require.Equal(t, 0, r.Code, "%s%s\nits log:\n%s", r.Stdout, r.Stderr, runLog(p, id+"-0002"))
	assert.Empty(t, r.Stdout, "/quiet writes only to the log")
	assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\Download\a1\update.cab`))
	assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2\Download\b2\new.cab`))

	// Two undos walk back through both runs: the machine is as it was,
	// with what Windows rebuilt in between kept aside, never lost.
	for _, run := range []string{id + "-0002", id + "-0001"} {
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Contains(t, r.Stdout, "undoing run "+run)
	}
	after := updateState(t, p, tg)
	for _, name := range keys(firstState) {
		assert.Equal(t, firstState[name], after[name], "restored: %s", name)
	}
	for _, name := range keys(after) {
		if _, ok := firstState[name]; !ok {
			assert.Contains(t, name, ".wufix-", "only backups are new: %s", name)
		}
	}
	kept := 0
	for name, data := range after {
		if strings.HasSuffix(name, "/Download/b2/new.cab") && strings.Contains(name, ".wufix-") && data == "new" {
			kept++
		}
	}
	assert.Equal(t, 1, kept, "what Windows rebuilt between the runs is kept aside, once")
	sameRegistry(t, firstRegistry, registry(t, p), "run and undo")
	assert.Contains(t, serviceState(t, p, "wuauserv"), "RUNNING")

	r = p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) {
		return true
	}
	assert.Equal(t, 3, r.Code, "a third undo has nothing left")
	return false
}

func serviceState(t *testing.T, p *wine.Prefix, name string) string {
	t.Helper()
	r := p.RunAgain("", `C:\windows\system32\sc.exe`, "query", name)
	for _, line := range strings.Split(r.Stdout, "\n") {
		if strings.Contains(line, "STATE") {
			return line
		}
	}
	return ""
}
