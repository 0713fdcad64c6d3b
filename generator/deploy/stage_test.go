package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/internal/wine"
)

// A run started off the system drive continues from a protected local copy
// in %SystemRoot%\wufix. Wine shows a host folder outside the prefix as
// drive Z:, which stands in for a stick or a share here.

// offDrive builds one target into a host folder outside the prefix (Z:)
// and returns the bundle's folder and its version.
func offDrive(t *testing.T, id string) (dir, version string) {
	t.Helper()
	return offDriveWith(t, id, "", generator.Options{Targets: []string{id}})
}

// offDriveWith is offDrive with the build's options given in full, into
// the folder under (a path below the temporary folder).
func offDriveWith(t *testing.T, id, under string, opts generator.Options) (dir, version string) {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, opts)
	require.NoError(t, err)
	root := filepath.Join(t.TempDir(), under)
	require.NoError(t, out.Write(root))
	dir = filepath.Join(root, id)
	return dir, versionOf(t, dir)
}

// versionOf reads the version a built bundle's run.cmd carries.
func versionOf(t *testing.T, dir string) string {
	t.Helper()
	runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(runCmd), `set "WUFIX_VERSION=`)
	version, _, _ := strings.Cut(rest, `"`)
	require.NotEmpty(t, version)
	return version
}

func TestRunOffTheSystemDriveContinuesFromALocalCopy(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		dir, version := offDrive(t, "win7")
		require.True(t, strings.HasPrefix(p.WinPath(dir), `Z:\`), p.WinPath(dir))

		// Plan mode changes nothing, not even a copy.
		r := p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, p.HostPath(`C:\windows\wufix`))

		// /undo is passed on to the copy, and its exit code (3, nothing to
		// undo) comes back.
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Contains(t, r.Stdout, checked(listed(t, "win7")), "the copy is checked before it runs")
		local := `C:\windows\wufix\win7-` + version
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
		assert.FileExists(t, p.HostPath(local+`\SHA256SUMS`))
		assert.FileExists(t, p.HostPath(`C:\windows\wufix\wufix-stage.txt`))
		var acl []string
		for _, c := range p.StubCalls() {
			if c.Name == "icacls" {
				acl = append(acl, strings.Join(c.Args, " "))
			}
		}
		assert.Contains(t, acl, `C:\windows\wufix /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F`, "SYSTEM and Administrators only, by SID")
		assert.Contains(t, acl, `C:\windows\wufix /setowner *S-1-5-32-544`)
		assert.Contains(t, acl, `C:\windows\Logs\wufix /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F`, "the logs folder, which holds the lock, as well")

		// Copies of other versions of the bundle are removed, and the task
		// definition that versions before task.xml wrote beside them.
		old := p.HostPath(`C:\windows\wufix\win7-0000000000000000`)
		require.NoError(t, os.MkdirAll(old, 0o755))
		oldTask := p.HostPath(`C:\windows\wufix\win7-task.xml`)
		require.NoError(t, os.WriteFile(oldTask, []byte("<Task/>"), 0o644))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, old)
		assert.NoFileExists(t, oldTask)
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))

		// The copy that is there and matches is run as it is, not copied
		// over: another run may be reading its run.cmd a line at a time.
		r, flake := againFromTheCopy(t, p, dir, p.HostPath(local+`\run.cmd`))
		if flake {
			return true
		}
		assert.Contains(t, r.Stdout, `the protected copy in C:\windows\wufix\win7-`+version+` is there already`)
		assert.NotContains(t, r.Stdout, checked(listed(t, "win7")), "not copied, so not checked as a new copy")

		// One that does not match (a copy cut short) is copied again and
		// checked.
		readme := p.HostPath(local + `\README.txt`)
		require.NoError(t, os.WriteFile(readme, []byte("cut sh"), 0o644))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.NotContains(t, r.Stdout, "is there already")
		assert.Contains(t, r.Stdout, checked(listed(t, "win7")))
		want, err := os.ReadFile(filepath.Join(dir, "README.txt"))
		require.NoError(t, err)
		got, err := os.ReadFile(readme)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "copied again")
		return false
	})
}

func TestRunOffTheSystemDriveRefusesAFolderItDidNotMake(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		dir, version := offDrive(t, "win7")
		// Someone made %SystemRoot%\wufix before any run, and put a
		// run.cmd of theirs where the copy would go.
		planted := p.HostPath(`C:\windows\wufix\win7-` + version)
		require.NoError(t, os.MkdirAll(planted, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(planted, "run.cmd"), []byte("@echo planted\r\n"), 0o644))

		reports := p.HostPath(`C:\reports`)
		require.NoError(t, os.MkdirAll(reports, 0o755))
		r := p.Run(dir, "run.cmd", "/gpo", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "planted")
		names, err := filepath.Glob(filepath.Join(reports, "*-win7-0000.json"))
		require.NoError(t, err)
		require.Len(t, names, 1, "the refusal is reported to /report:DIR")
		rep, err := os.ReadFile(names[0])
		require.NoError(t, err)
		assert.Contains(t, string(rep), `"exit_code": 10,`)
		assert.Contains(t, r.Stderr, `run.cmd: C:\windows\wufix exists, but wufix did not make it: remove or rename it. Nothing was changed.`)
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\startup.log`))
		require.NoError(t, err, "under /gpo the refusal is written where startup.cmd writes")
		assert.Contains(t, string(log), "did not make it")
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`), "no run started")
		data, err := os.ReadFile(filepath.Join(planted, "run.cmd"))
		require.NoError(t, err)
		assert.Equal(t, "@echo planted\r\n", string(data), "nothing is copied into it")
		return false
	})
}

func TestRunOffTheSystemDriveRefusesADamagedCopy(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		dir, _ := offDrive(t, "win7")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), []byte("edited"), 0o644))
		r := p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, `README.txt does not match SHA256SUMS`)
		assert.Contains(t, r.Stderr, `does not match SHA256SUMS. Nothing was changed.`)
		return false
	})
}

// A startup script can be stopped at any time: the steps that pause a
// protection for the run are refused under /gpo, before anything changes.
func TestGroupPolicyRefusesPauseSteps(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, dir := pc(t, 7601, "WinNT", "win7")
		r := p.Run(filepath.Join(dir, "win7"), "run.cmd", "/gpo", "/with:firewall-pause")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 2, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, "run.cmd: /with:firewall-pause is refused under /gpo")
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`), "no run started")

		// From a console the same step is allowed (plan mode shows it).
		r = p.Run(filepath.Join(dir, "win7"), "run.cmd", "/plan", "/with:firewall-pause")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "firewall-pause")
		return false
	})
}

// Under /gpo a version that has not finished here is checked like any run.
func TestGroupPolicyChecksAnUnfinishedVersion(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, dir := pc(t, 7601, "WinNT", "win7")
		bundle := filepath.Join(dir, "win7")
		require.NoError(t, os.WriteFile(filepath.Join(bundle, "README.txt"), []byte("edited"), 0o644))
		r := p.Run(bundle, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 6, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, "run.cmd: README.txt does not match SHA256SUMS")
		return false
	})
}

// The owner of a folder may rewrite its ACL: where PowerShell reads owners
// by SID (Windows 7 on), a local copy's folder owned by anyone but SYSTEM
// or Administrators is refused. Wine reports no owners, so PowerShell is
// the recording stub here, answering as the check does for the bundle's
// folder (exit 4); the check itself is in TestStageOwnerCheck.
func TestRunOffTheSystemDriveRefusesAFolderWithAnotherOwner(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		p.InstallStubAt(`C:\windows\system32\WindowsPowerShell\v1.0\powershell.exe`)
		p.Setenv("WUFIX_STUB_EXIT_POWERSHELL", "4")
		dir, version := offDrive(t, "win7")
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		local := `C:\windows\wufix\win7-` + version
		assert.Contains(t, r.Stderr, `run.cmd: `+local+` is owned by neither SYSTEM nor Administrators: wufix runs nothing from it. Remove it. Nothing was changed.`)
		assert.NoFileExists(t, p.HostPath(local+`\run.cmd`), "nothing is copied into it")
		var owner []string
		for _, c := range p.StubCalls() {
			if c.Name == "powershell" {
				owner = c.Args
			}
		}
		require.NotEmpty(t, owner, "PowerShell reads the owners")
		assert.Contains(t, strings.Join(owner, " "), "GetOwner([Security.Principal.SecurityIdentifier])")

		// PowerShell that cannot read an owner refuses too.
		p.Setenv("WUFIX_STUB_EXIT_POWERSHELL", "1")
		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, `(PowerShell exit code 1): wufix runs nothing from them.`)

		// PowerShell in Constrained Language Mode (App Control) may not
		// read an owner: the other checks stand alone, and the log says so.
		p.Setenv("WUFIX_STUB_EXIT_POWERSHELL", "5")
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, `PowerShell runs in Constrained Language Mode here: the owners of C:\windows\wufix and `+local+` are not read; the marker and ACL checks stand alone`)
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))

		// Both owners as they should be: the copy is made and runs.
		p.Setenv("WUFIX_STUB_EXIT_POWERSHELL", "0")
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
		return false
	})
}
