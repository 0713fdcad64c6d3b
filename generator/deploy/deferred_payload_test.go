package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/internal/wine"
)

// Under /gpo the payload (packages\, an XP setup source) stays on the share
// at startup: the deferred task copies and checks it.

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
		assert.Contains(t, string(log), "offline-install-ie: failed", "every install step says it did not run")
		assert.NotContains(t, string(log), "nothing to install")
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
