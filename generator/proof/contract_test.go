package proof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/wine"
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

func TestWrongWindowsNamesTheBundleThatFits(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 5, r.Code)
		assert.Contains(t, r.Stderr, "run.cmd: this bundle is for Windows XP SP3 (builds 2600 to 2600).")
		assert.Contains(t, r.Stderr, "This is Windows build 7600 (WinNT); the bundle that fits: win7. Nothing was changed.")
		assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))

		// A server build is told apart from the client with the same number.
		regAdd(t, p, `HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions`, "ProductType", "ServerNT")
		dir = install(t, "win7", p.HostPath(`C:\wufix7`))
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", "14393")
		r = p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 5, r.Code)
		assert.Contains(t, r.Stderr, "the bundle that fits: server2016.")
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

func TestGroupPolicyRunsOncePerBundleVersion(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		share := p.HostPath(`C:\reports`)
		require.NoError(t, os.MkdirAll(share, 0o755))

		r := p.Run(dir, "run.cmd", "/gpo", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Empty(t, r.Stdout, "/gpo is quiet")
		typ, version, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		require.NoError(t, err)
		assert.Equal(t, "REG_SZ", typ)
		runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
		require.NoError(t, err)
		assert.Contains(t, string(runCmd), `set "WUFIX_VERSION=`+version+`"`)
		reports, err := filepath.Glob(filepath.Join(share, "*-win7-0001.json"))
		require.NoError(t, err)
		assert.Len(t, reports, 1, "the report is copied to /report:")

		// The same version again: nothing to do, no new run.
		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code)
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0002.json`))
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2`))

		// A changed bundle runs again.
		changed := strings.Replace(string(runCmd), `set "WUFIX_VERSION=`+version+`"`, `set "WUFIX_VERSION=0000000000000000"`, 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "run.cmd"), []byte(changed), 0o644))
		// A rebuilt bundle comes with its own SHA256SUMS, which run.cmd checks.
		sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
		require.NoError(t, err)
		oldSum, newSum := sha256.Sum256(runCmd), sha256.Sum256([]byte(changed))
		sums = bytes.Replace(sums, []byte(hex.EncodeToString(oldSum[:])), []byte(hex.EncodeToString(newSum[:])), 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums, 0o644))
		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0003.json`))
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

func TestGroupPolicyDefersLongStepsToATask(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		rep := readReport(t, p, "win7-0001")
		statuses := map[string]string{}
		for _, s := range rep.Steps {
			statuses[s.ID] = s.Status
		}
		assert.Equal(t, "deferred", statuses["system-files-surt"], "SFC can outlast the Group Policy script limit")
		assert.Equal(t, "done", statuses["component-reset"], "short steps run in the startup script itself")

		var create, run []string
		for _, c := range p.StubCalls() {
			if c.Name != "schtasks" || len(c.Args) == 0 {
				continue
			}
			switch strings.ToLower(c.Args[0]) {
			case "/create":
				create = c.Args
			case "/run":
				run = c.Args
			}
		}
		require.NotEmpty(t, create, "a one-shot task is created")
		require.NotEmpty(t, run, "and started")
		tr := create[slicesIndex(create, "/tr")+1]
		assert.Contains(t, tr, `\run.cmd" /deferred /quiet`)
		assert.Contains(t, strings.Join(create, " "), "/ru SYSTEM")
		local := tr[1:strings.Index(tr, `\run.cmd"`)]
		assert.FileExists(t, p.HostPath(local+`\run.cmd`), "the bundle is copied to a local folder first")

		// The task's run: only the deferred steps, then the task is removed.
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		rep = readReport(t, p, "win7-0002")
		for _, s := range rep.Steps {
			if s.ID == "component-reset" {
				t.Errorf("the deferred run ran component-reset again")
			}
		}
		deleted := false
		for _, c := range p.StubCalls() {
			deleted = deleted || (c.Name == "schtasks" && len(c.Args) > 0 && strings.EqualFold(c.Args[0], "/delete"))
		}
		assert.True(t, deleted, "the one-shot task removes itself")
		return false
	})
}

func slicesIndex(ss []string, s string) int {
	for i, x := range ss {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}
