package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
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
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{id}})
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, out.Write(root))
	dir = filepath.Join(root, id)
	runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(runCmd), `set "WUFIX_VERSION=`)
	version, _, _ = strings.Cut(rest, `"`)
	require.NotEmpty(t, version)
	return dir, version
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

		// Copies of other versions of the bundle are removed.
		old := p.HostPath(`C:\windows\wufix\win7-0000000000000000`)
		require.NoError(t, os.MkdirAll(old, 0o755))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, old)
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
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

		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "planted")
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

// offDriveWith is offDrive with the build's options given in full, into
// the folder under (a path below the temporary folder).
func offDriveWith(t *testing.T, id, under string, opts generator.Options) (dir, version string) {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, opts)
	require.NoError(t, err)
	root := filepath.Join(t.TempDir(), under)
	require.NoError(t, out.Write(root))
	dir = filepath.Join(root, id)
	runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(runCmd), `set "WUFIX_VERSION=`)
	version, _, _ = strings.Cut(rest, `"`)
	require.NotEmpty(t, version)
	return dir, version
}

// Under /gpo the startup copy leaves packages\ on the share: the deferred
// task copies each package SHA256SUMS lists and checks it before an
// install step runs. A package changed on the share installs nothing and
// leaves the version pending for the next startup.
func TestGroupPolicyLeavesPackagesToTheDeferredTask(t *testing.T) {
	t.Parallel()
	payloads := t.TempDir()
	names := []string{"windows6.1-kb2533552-x64.msu", "windows6.1-kb3020369-x64.msu"}
	for _, name := range names {
		require.NoError(t, os.WriteFile(filepath.Join(payloads, name), []byte("MSCF "+name), 0o644))
	}
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		for _, name := range []string{"wusa", "sfc", "dism"} {
			p.InstallStub(name)
		}
		// A share whose own path holds "packages\" still has its scripts
		// copied: the copy leaves out the bundle's packages folder only.
		dir, version := offDriveWith(t, "win7", `packages`, generator.Options{Targets: []string{"win7"}, Payload: payloads})
		require.Contains(t, p.WinPath(dir), `\packages\`)
		const code = "0x800F081F" // the component-store plan installs the packages; the task runs it
		r := p.Run(dir, "run.cmd", "/gpo", code)
		if wine.Flake(r) {
			return true
		}
		log, _ := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`))
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr+string(log))
		local := `C:\windows\wufix\win7-` + version
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
		assert.NoDirExists(t, p.HostPath(local+`\packages`), "the startup copy takes the scripts only")
		source, err := os.ReadFile(p.HostPath(local + `\wufix-source.txt`))
		require.NoError(t, err)
		assert.Equal(t, p.WinPath(dir)+"\\\r\n", string(source), "the share's path, for the deferred task")

		// The share out of reach: nothing is installed, the version stays
		// pending.
		gone := dir + ".gone"
		require.NoError(t, os.Rename(dir, gone))
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.NoError(t, os.Rename(gone, dir))
		log, _ = os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0002.log`))
		assert.Equal(t, 1, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Contains(t, string(log), `*** 2 of 2 packages could not be copied from `+p.WinPath(dir)+`\packages (the share is out of reach, or the computer account may not read it): no package is installed, and the next startup tries again`)
		assert.Contains(t, string(log), "HKLM\\SOFTWARE\\wufix win7-pending stays")

		// A package changed on the share: nothing is installed, the
		// version stays pending.
		pkg := filepath.Join(dir, "packages", names[1])
		require.NoError(t, os.WriteFile(pkg, []byte("MSCF changed"), 0o644))
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		log, _ = os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0003.log`))
		assert.Equal(t, 1, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Contains(t, string(log), `*** 1 of 2 packages copied from `+p.WinPath(dir)+`\packages do not match SHA256SUMS (changed on the share, or damaged): no package is installed.`)
		assert.Contains(t, string(log), "not run: the packages could not be copied from the share and checked (see above)")
		for _, c := range p.StubCalls() {
			assert.NotEqual(t, "wusa", c.Name, "no package is installed: %v", c.Args)
		}
		_, pending, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7-pending")
		require.NoError(t, err, "the next startup schedules the deferred steps again")
		assert.Equal(t, version, pending)
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		assert.Error(t, err, "no run-once marker")

		// The share put right: the next deferred run copies, checks and
		// installs both, and sets the marker.
		require.NoError(t, os.WriteFile(pkg, []byte("MSCF "+names[1]), 0o644))
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		log, _ = os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0004.log`))
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Contains(t, string(log), "plan component_store", "the task's fixed command line: the plan comes from wufix-deferred.txt")
		assert.Contains(t, string(log), `copied 2 packages from `+p.WinPath(dir)+`\packages and checked them against SHA256SUMS: all match`)
		installed := 0
		for _, c := range p.StubCalls() {
			if c.Name == "wusa" && len(c.Args) > 0 && strings.HasSuffix(c.Args[0], "-x64.msu") {
				installed++
			}
		}
		assert.Equal(t, 2, installed, "both packages installed")
		_, marker, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		require.NoError(t, err)
		assert.Equal(t, version, marker)
		return false
	})
}

// XP has no SHA-256 tool: the deferred run compares each package it copies
// byte for byte with the share (fc /b), which catches a torn copy, not a
// package changed on the share itself (the GPO README says so). fc is the
// recording stub here, so that it can answer "different". The i386 setup
// source an administrator added for SFC (SHA256SUMS does not list it) is
// left on the share at startup too, and copied and compared the same way
// before the SFC step; a share out of reach fails that step. The share
// holds amd64 too (XP x64), as Wine's prefix may say either architecture.
func TestGroupPolicyOnXPComparesPackagesWithTheShare(t *testing.T) {
	t.Parallel()
	payloads := t.TempDir()
	name := "WindowsXP-KB4012598-x86-Custom-ENU.exe"
	require.NoError(t, os.WriteFile(filepath.Join(payloads, name), []byte("MZ "+name), 0o644))
	wine.Retry(t, func() bool {
		p, _ := pc(t, 2600, "WinNT", "xp")
		for _, stub := range []string{"sfc", "proxycfg", "fc"} {
			p.InstallStub(stub)
		}
		dir, version := offDriveWith(t, "xp", "share", generator.Options{Targets: []string{"xp"}, Payload: payloads})
		source := map[string]string{`i386\txtsetup.sif`: "[Version]", `i386\system32\wufix1.dll`: "MZ dll", `amd64\txtsetup.sif`: "[Version] x64"}
		for rel, data := range source {
			host := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
			require.NoError(t, os.MkdirAll(filepath.Dir(host), 0o755))
			require.NoError(t, os.WriteFile(host, []byte(data), 0o644))
		}
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		local := `C:\windows\wufix\xp-` + version
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
		assert.NoDirExists(t, p.HostPath(local+`\packages`), "the startup copy takes the scripts only")
		assert.DirExists(t, p.HostPath(local+`\i386`), "an empty i386 tells the deferred task the share has one")
		assert.NoFileExists(t, p.HostPath(local+`\i386\txtsetup.sif`), "the startup copy leaves the setup source on the share")
		for _, c := range p.StubCalls() {
			if c.Name == "fc" {
				assert.NotContains(t, strings.Join(c.Args, " "), "packages", "the startup copy compares the scripts only")
				assert.NotContains(t, strings.Join(c.Args, " "), "i386", "the startup copy compares the scripts only")
			}
			assert.NotEqual(t, "sfc", c.Name, "SFC is a deferred step")
		}

		// fc says the copy differs: nothing is installed, the version
		// stays pending.
		p.Setenv("WUFIX_STUB_EXIT_FC", "1")
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		log, _ := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\xp-0002.log`))
		assert.Equal(t, 1, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Contains(t, string(log), `*** 1 of 1 packages copied from `+p.WinPath(dir)+`\packages differ from the share (a copy cut short): no package is installed`)
		var compared []string
		for _, c := range p.StubCalls() {
			if c.Name == "fc" {
				compared = append(compared, strings.Join(c.Args, " "))
			}
			assert.NotEqual(t, "sfc", c.Name, "no SFC from a setup source that differs from the share")
		}
		for _, rel := range []string{`packages\` + name, `i386\txtsetup.sif`, `i386\system32\wufix1.dll`} {
			assert.Contains(t, compared, "/b "+p.WinPath(dir)+`\`+rel+" "+rel, "the copy against the share")
		}
		assert.Contains(t, string(log), `*** 2 of 2 files copied from `+p.WinPath(dir)+`\i386 differ from the share (a copy cut short): SFC does not run`)
		assert.Contains(t, string(log), `*** 1 of 1 files copied from `+p.WinPath(dir)+`\amd64 differ from the share (a copy cut short): SFC does not run`)
		assert.Contains(t, string(log), "not run: the setup source could not be copied from the share and checked (see above)")
		_, _, err := p.Query(`HKLM\SOFTWARE\wufix`, "xp-pending")
		assert.NoError(t, err, "pending for the next startup")

		// The share out of reach: the setup source cannot be read, SFC
		// does not run, the version stays pending.
		p.Setenv("WUFIX_STUB_EXIT_FC", "0")
		gone := dir + ".gone"
		require.NoError(t, os.Rename(dir, gone))
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		require.NoError(t, os.Rename(gone, dir))
		if wine.Flake(r) {
			return true
		}
		log, _ = os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\xp-0003.log`))
		assert.Equal(t, 1, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Contains(t, string(log), `*** `+p.WinPath(dir)+`\i386 cannot be read (the share is out of reach, or the computer account may not read it): SFC does not run, and the next startup tries again`)
		assert.Contains(t, string(log), "not run: the setup source could not be copied from the share and checked (see above)")
		for _, c := range p.StubCalls() {
			assert.NotEqual(t, "sfc", c.Name, "no SFC without its setup source")
		}
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "xp-pending")
		assert.NoError(t, err, "pending for the next startup")

		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		log, _ = os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\xp-0004.log`))
		assert.Contains(t, string(log), `copied 1 packages from `+p.WinPath(dir)+`\packages and compared them with the share: all match`, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(local+`\packages\`+name))
		assert.Contains(t, string(log), `copied 2 files from `+p.WinPath(dir)+`\i386 and compared them with the share: all match`)
		assert.Contains(t, string(log), `copied 1 files from `+p.WinPath(dir)+`\amd64 and compared them with the share: all match`)
		for rel, data := range source {
			got, err := os.ReadFile(p.HostPath(local + `\` + rel))
			require.NoError(t, err)
			assert.Equal(t, data, string(got))
		}
		assert.Regexp(t, `setup source: `+regexp.QuoteMeta(local)+`\\(i386|amd64)\r\n`, string(log), "SFC takes the local copy")
		sfc := 0
		for _, c := range p.StubCalls() {
			if c.Name == "sfc" {
				sfc++
			}
		}
		assert.Equal(t, 1, sfc, "SFC runs once its setup source is copied")
		_, marker, err := p.Query(`HKLM\SOFTWARE\wufix`, "xp")
		require.NoError(t, err, "the plan finished: the run-once marker is set")
		assert.Equal(t, version, marker)
		return false
	})
}
