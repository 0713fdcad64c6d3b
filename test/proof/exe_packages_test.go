package proof

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

// The stand-ins for Windows 7's service pack and Internet Explorer 11:
// copies of the recording stub under Microsoft's names, so the run starts
// them by their full path in packages\ as it would start the real ones,
// and each records its switches and exits with WUFIX_STUB_EXIT_<NAME>.
const (
	spExe      = "Windows6.1-KB976932-X64.exe"
	ieExe      = "IE11-Windows6.1-x64-en-us.exe"
	ie11Update = "IE11-Windows6.1-KB2964358-x64.msu"
)

// The stand-ins for XP's Internet Explorer 8 and an update of it.
const (
	ie8Exe       = "IE8-WindowsXP-x86-ENU.exe"
	ie8UpdateExe = "IE8-WindowsXP-KB2964358-x86-ENU.exe"
)

// installWithExes builds the target's bundle with stand-ins of the given
// names as its payload (through wufix's own placement by name) and copies
// it into the prefix. Other files are written as they are given.
func installWithExes(t *testing.T, p *wine.Prefix, id string, exes []string, files map[string]string) string {
	t.Helper()
	stub, err := os.ReadFile(p.HostPath(p.InstallStub("exe-stand-in")))
	require.NoError(t, err)
	payload := t.TempDir()
	for _, name := range exes {
		require.NoError(t, os.WriteFile(filepath.Join(payload, name), stub, 0o644))
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(payload, name), []byte(text), 0o644))
	}
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{id}, Payload: payload})
	require.NoError(t, err)
	dist := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, out.Write(dist))
	dir := p.HostPath(`C:\wufix`)
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(dist, id))))
	return dir
}

// wusaCalls joins the command lines wusa was started with.
func wusaCalls(p *wine.Prefix) string {
	var out []string
	for _, c := range p.StubCalls() {
		if c.Name == "wusa" {
			out = append(out, c.CommandLine)
		}
	}
	return strings.Join(out, "\n")
}

// callsOf lists the recorded command lines of one stand-in.
func callsOf(p *wine.Prefix, name string) []string {
	var out []string
	for _, c := range p.StubCalls() {
		if c.Name == strings.ToLower(strings.TrimSuffix(name, ".exe")) {
			out = append(out, strings.Join(c.Args, " "))
		}
	}
	return out
}

// On Windows 7 without SP1 the service pack runs first with /quiet
// /norestart, the run asks for a restart (exit 3010) even though the pack
// exited 0, and Internet Explorer waits for that restart; after it (the
// build number is 7601 now) the pack is not run again, IE11 runs with
// /quiet /norestart /update-no, and an update of IE11 waits for it; with
// IE11 in place nothing runs and the update would be installed; /undo
// names what was installed and removes nothing.
func TestServicePackThenInternetExplorerOnWindows7(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		// The readiness tool's stand-in (wusa is a stub), so the
		// system-file step at the plan's end passes.
		dir := installWithExes(t, p, "win7", []string{spExe, ieExe}, map[string]string{surtPackages[1]: "MSCF stand-in", ie11Update: "MSCF stand-in"})
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Internet Explorer`, "svcVersion", "8.0.7600.16385")

		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 3010, r.Code, r.Stdout+r.Stderr)
		assert.Equal(t, []string{"/quiet /norestart"}, callsOf(p, spExe))
		assert.Empty(t, callsOf(p, ieExe), "IE11 waits for the service pack's restart")
		assert.Contains(t, r.Stdout, spExe+": exit code 0 (0x00000000): success")
		assert.Contains(t, r.Stdout, "a service pack was installed: restart the computer and run again")
		assert.Contains(t, r.Stdout, "Internet Explorer waits for the restart it needs")

		// Restarted: the service pack is in effect.
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", "7601")
		r = p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Len(t, callsOf(p, spExe), 1, "not run again")
		assert.Contains(t, r.Stdout, spExe+": installed already (build 7601, the pack brings 7601)")
		assert.Equal(t, []string{"/quiet /norestart /update-no"}, callsOf(p, ieExe))
		assert.Contains(t, r.Stdout, "installed now: IE11")
		assert.Contains(t, r.Stdout, ie11Update+": an update for Internet Explorer 11, which this machine does not have yet (it has 8)")
		assert.NotContains(t, wusaCalls(p), ie11Update, "the IE11 update waits for IE11")

		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Internet Explorer`, "svcVersion", "11.0.9600.19036")
		r = p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, ieExe+": Internet Explorer 11 is installed already, nothing to do")
		assert.Contains(t, r.Stdout, "would install "+ie11Update+" (KB2964358) with wusa /quiet /norestart")
		assert.Contains(t, r.Stdout, spExe+": installed already (build 7601), nothing to do")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, `(IE11): /undo does not remove updates. View installed updates in Programs and Features removes it (Internet Explorer 11), back to the version before.`)
		assert.Len(t, callsOf(p, ieExe), 1, "undo runs no installer")
		return false
	})
}

// On XP with IE6, Internet Explorer 8 is installed with /quiet /norestart
// /update-no, and an update of IE8 waits: the update step runs before the
// Internet Explorer step, and the update needs IE8 in effect. After the
// restart (Version reads 8.0 now) the update runs as an Update.exe package,
// /quiet /norestart, and IE8 is not run again; /undo of that run names the
// update and removes nothing.
func TestInternetExplorer8ThenItsUpdateOnXP(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := installWithExes(t, p, "xp", []string{ie8Exe, ie8UpdateExe}, nil)
		// XP's IE6 has no svcVersion (Wine's registry holds IE11's).
		r := p.RunAgain("", `C:\windows\system32\reg.exe`, "delete", `HKLM\SOFTWARE\Microsoft\Internet Explorer`, "/v", "svcVersion", "/f")
		require.Equal(t, 0, r.Code, r.Stdout)
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Internet Explorer`, "Version", "6.0.2900.5512")

		r = p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "   "+ie8UpdateExe+": an update for Internet Explorer 8, which this machine does not have yet (it has 6)")
		assert.Contains(t, r.Stdout, "   would run "+ie8Exe+" /quiet /norestart /update-no (Internet Explorer 8)")
		assert.Empty(t, append(callsOf(p, ie8Exe), callsOf(p, ie8UpdateExe)...), "a preview runs no installer")

		r = p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Empty(t, callsOf(p, ie8UpdateExe), "the update waits for IE8")
		assert.Contains(t, r.Stdout, ie8UpdateExe+": an update for Internet Explorer 8, which this machine does not have yet (it has 6): it waits for a run after Internet Explorer 8 is installed and the computer restarted")
		assert.Equal(t, []string{"/quiet /norestart /update-no"}, callsOf(p, ie8Exe))
		assert.Contains(t, r.Stdout, "installed now: IE8")
		assert.NotContains(t, r.Stdout, ie8Exe+": no KB number", "the update step leaves the installer to the Internet Explorer step")

		// Restarted: IE8 is in effect.
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Internet Explorer`, "Version", "8.0.6001.18702")
		r = p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Equal(t, []string{"/quiet /norestart"}, callsOf(p, ie8UpdateExe))
		assert.Contains(t, r.Stdout, "installed now: KB2964358")
		assert.Len(t, callsOf(p, ie8Exe), 1, "not run again")
		assert.Contains(t, r.Stdout, ie8Exe+": Internet Explorer 8 is installed already")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "(KB2964358): /undo does not remove updates.")
		assert.Len(t, callsOf(p, ie8UpdateExe), 1, "undo runs no installer")
		return false
	})
}
