package proof

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/fleet"
	"github.com/wufix/wufix/internal/wine"
)

// The run-time contract of every run.cmd, one behaviour a test, on the
// Windows 7 bundle (the contract is the same skeleton on every target;
// TestBundleLifecycle runs each target's).

func TestNotAdministratorChangesNothing(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		p.Setenv("WUFIX_STUB_EXIT_FSUTIL", "1") // fsutil refuses non-administrators
		before := updateState(t, p, target(t, "win7"))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 4, r.Code)
		assert.Contains(t, r.Stderr, "run.cmd: this bundle needs administrator rights.")
		assert.Contains(t, r.Stderr, "Nothing was changed.")
		assert.Equal(t, before, updateState(t, p, target(t, "win7")))
		assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))
		return false
	})
}

func TestWrongWindowsPointsToWufixCmd(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 5, r.Code)
		assert.Contains(t, r.Stderr, "run.cmd: this bundle is for Windows XP SP3 (builds 2600 to 2600, WinNT).")
		assert.Contains(t, r.Stderr, "This is Windows build 7600 (WinNT, edition ). Run wufix.cmd, beside the")
		assert.Contains(t, r.Stderr, "bundle folders: it picks the bundle that fits, or says that none does. Nothing was changed.")
		assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))

		// A server build is told apart from the client with the same number.
		regAdd(t, p, `HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions`, "ProductType", "ServerNT")
		dir = install(t, "win7", p.HostPath(`C:\wufix7`))
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", "14393")
		// With /report:DIR the refusal reaches the fleet's report; the
		// computer still holds nothing of the run.
		reports := p.HostPath(`C:\reports`)
		require.NoError(t, os.MkdirAll(reports, 0o755))
		r = p.Run(dir, "run.cmd", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 5, r.Code)
		assert.Contains(t, r.Stderr, "This is Windows build 14393 (ServerNT, edition ).")
		assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))
		names, err := filepath.Glob(filepath.Join(reports, "*-win7-0000.json"))
		require.NoError(t, err)
		require.Len(t, names, 1, "one refusal report, named <COMPUTER>-<bundle>-0000.json")
		data, err := os.ReadFile(names[0])
		require.NoError(t, err)
		rep, err := fleet.Parse(data)
		require.NoError(t, err, "wufix report reads the refusal:\n%s", data)
		assert.Equal(t, "win7-0000", rep.Run)
		assert.Empty(t, rep.Steps, "a refused run ran no step")
		assert.NotContains(t, string(data), `"log":`, "nor wrote a log")
		assert.Equal(t, 5, *rep.ExitCode)
		assert.Equal(t, fleet.Refused, rep.Outcome())
		assert.Equal(t, "14393", rep.Build)
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`, rep.Finished, "the time orders it among the machine's runs")
		assert.Equal(t, filepath.Base(names[0]), rep.Computer+"-win7-0000.json")
		return false
	})
}

func TestAFolderThatCannotBeRenamedFailsCleanly(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		catroot2 := p.HostPath(`C:\windows\system32\catroot2`)
		immutable(t, catroot2)

		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 1, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "could not rename C:\\windows\\System32\\catroot2 (in use?): left as it was")
		assert.Contains(t, serviceState(t, p, "wuauserv"), "RUNNING", "services that were running run again after a failure")
		rep := readReport(t, p, "win7-0001")
		assert.Equal(t, 1, rep.ExitCode)
		assert.Equal(t, `C:\windows\Logs\wufix\win7-0001.log`, rep.Log)
		status := map[string]string{}
		for _, s := range rep.Steps {
			status[s.ID] = s.Status
		}
		assert.Equal(t, "failed", status["component-reset"])
		assert.DirExists(t, catroot2, "nothing lost")
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\Download\a1\update.cab`), "what was renamed stays renamed")

		// Undo puts back what the failed run did change.
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution\Download\a1\update.cab`))
		return false
	})
}

func TestLeftoverBackupIsKept(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		old := p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\from-an-earlier-run.txt`)
		require.NoError(t, os.MkdirAll(filepath.Dir(old), 0o755))
		require.NoError(t, os.WriteFile(old, []byte("keep me"), 0o644))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, old)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2\Download\a1\update.cab`))
		return false
	})
}

func TestMissingServiceIsSkipped(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		// Wine has no CryptSvc and no AppIDSvc: the Windows 7 bundle meets the
		// case on every run; the log says so and the step still succeeds.
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "cryptsvc is not installed here: skipped")
		assert.Contains(t, r.Stdout, "appidsvc is not installed here: skipped")
		return false
	})
}

func TestEventPerRun(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		var events []string
		for _, c := range p.StubCalls() {
			if c.Name == "eventcreate" {
				events = append(events, strings.Join(c.Args, " "))
			}
		}
		require.Len(t, events, 1)
		assert.Contains(t, events[0], "/T INFORMATION /ID 1 /L APPLICATION /SO wufix /D wufix win7 run win7-0001: exit code 0.")
		return false
	})
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "0x80240FFF")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 2, r.Code)
		assert.Contains(t, r.Stderr, "unknown switch, or an error code with no plan in this bundle: 0x80240FFF")
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, "nothing to undo on a machine where the bundle never ran")
		return false
	})
}

// immutable makes a host folder impossible to rename, even for root (and
// so for Wine), until the test ends.
func immutable(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i is not supported here (%v: %s): cannot make a folder that refuses renaming", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
}

func slicesIndex(ss []string, s string) int {
	for i, x := range ss {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}
