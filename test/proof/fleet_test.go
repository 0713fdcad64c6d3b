package proof

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// The guarantees every run.cmd gives when Group Policy, Intune, the deferred
// task and an administrator may start it at any time.

// script writes a helper batch file into the prefix and returns its host path.
func script(t *testing.T, p *wine.Prefix, win, text string) string {
	t.Helper()
	host := p.HostPath(win)
	require.NoError(t, os.MkdirAll(filepath.Dir(host), 0o755))
	require.NoError(t, os.WriteFile(host, []byte(strings.ReplaceAll(text, "\n", "\r\n")), 0o644))
	return host
}

// logsIn lists the files of the logs folder.
func logsIn(t *testing.T, p *wine.Prefix) []string {
	t.Helper()
	entries, err := os.ReadDir(p.HostPath(`C:\windows\Logs\wufix`))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, strings.ToLower(e.Name()))
	}
	return names
}

// A run that finds the lock held tries 30 times, a ping's second apart,
// then exits 8 having changed nothing. ping is a stand-in here that
// returns at once: the test counts the run's waits (ping -n 2) instead of
// sitting through them; the scripts that hold the lock wait with -n 1.
func TestASecondRunWaitsThenGivesUp(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		p.InstallStub("ping")
		install(t, "win7", p.HostPath(`C:\wufix`))
		// Another run holds the lock for longer than a second run waits:
		// the lock is the file, whoever holds it.
		script(t, p, `C:\t\hold.cmd`, `@echo off
mkdir C:\windows\Logs\wufix 2>nul
call :h 2>"C:\windows\Logs\wufix\run.lock"
echo done>C:\t\holder.done
exit /b 0
:h
>&2 echo wufix win7 0000, mode run
echo held>C:\t\held
set "N=0"
:h_wait
"C:\windows\system32\ping.exe" -n 1 127.0.0.1 >nul
set /a "N+=1"
if %N% GEQ 3000 exit /b 0
if not exist C:\t\release goto h_wait
exit /b 0
`)
		script(t, p, `C:\t\second.cmd`, `@echo off
start "" /b cmd /d /c C:\t\hold.cmd
:wait
"C:\windows\system32\ping.exe" -n 1 127.0.0.1 >nul
if not exist C:\t\held goto wait
cmd /d /c C:\wufix\run.cmd /plan >C:\t\plan.txt 2>&1
echo %ERRORLEVEL% >C:\t\plan.rc
cmd /d /c C:\wufix\run.cmd
set "RC=%ERRORLEVEL%"
echo go>C:\t\release
:wait_holder
"C:\windows\system32\ping.exe" -n 1 127.0.0.1 >nul
if not exist C:\t\holder.done goto wait_holder
exit /b %RC%
`)
		before := updateState(t, p, target(t, "win7"))
		r := p.Run(p.HostPath(`C:\t`), "second.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 8, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, "run.cmd: another wufix run is working on this computer")
		assert.Contains(t, r.Stderr, "Nothing was changed")
		assert.Equal(t, before, updateState(t, p, target(t, "win7")))
		assert.Equal(t, []string{"run.lock"}, logsIn(t, p), "no run number taken, no log, no state file")
		waits := 0
		for _, c := range p.StubCalls() {
			if c.Name == "ping" && strings.Join(c.Args, " ") == "-n 2 127.0.0.1" {
				waits++
			}
		}
		assert.Equal(t, 29, waits, "30 tries, a second apart")
		rc, err := os.ReadFile(p.HostPath(`C:\t\plan.rc`))
		require.NoError(t, err)
		assert.Equal(t, "0", strings.TrimSpace(string(rc)), "/plan changes nothing and needs no lock")
		return false
	})
}

// stamps are the times a run's JSON report records, from WMI.
type stamps struct {
	Run      string `json:"run"`
	Started  string `json:"started"`
	Finished string `json:"finished"`
	ExitCode int    `json:"exit_code"`
}

func TestTwoRunsAtOnceTakeTurns(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		install(t, "win7", p.HostPath(`C:\wufix`))
		// The service-disabled plan is one step: short enough that the
		// second run's wait outlasts the first run, under Wine and load.
		script(t, p, `C:\t\one.cmd`, `@echo off
cmd /d /c C:\wufix\run.cmd 0x80070422 /quiet
echo %ERRORLEVEL% >C:\t\rc%1
`)
		script(t, p, `C:\t\both.cmd`, `@echo off
start "" /b cmd /d /c C:\t\one.cmd 1
start "" /b cmd /d /c C:\t\one.cmd 2
set "N=0"
:wait
"C:\windows\system32\ping.exe" -n 2 127.0.0.1 >nul
set /a "N+=1"
if %N% GEQ 240 exit /b 1
if not exist C:\t\rc1 goto wait
if not exist C:\t\rc2 goto wait
exit /b 0
`)
		r := p.Run(p.HostPath(`C:\t`), "both.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, "both runs ended: "+r.Stdout+r.Stderr)
		// The second waits for the first; should the first outlast its
		// wait (a loaded machine), it gives up with 8 and takes nothing.
		ran := 0
		for _, n := range []string{"1", "2"} {
			rc, err := os.ReadFile(p.HostPath(`C:\t\rc` + n))
			require.NoError(t, err)
			code := strings.TrimSpace(string(rc))
			require.Contains(t, []string{"0", "8"}, code, "run "+n)
			if code == "0" {
				ran++
			}
		}
		require.NotZero(t, ran)
		// Each run has its own number, log, state file and report, and the
		// second started once the first had finished.
		var runs []stamps
		for i := 1; i <= ran; i++ {
			run := fmt.Sprintf("win7-%04d", i)
			data, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\` + run + ".json"))
			require.NoError(t, err)
			var s stamps
			require.NoError(t, json.Unmarshal(data, &s), string(data))
			assert.Equal(t, run, s.Run)
			runs = append(runs, s)
			log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\` + run + ".log"))
			require.NoError(t, err)
			assert.Equal(t, 1, strings.Count(string(log), ": plan service_disabled, run "), "one run in %s.log:\n%s", run, log)
			assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\`+run+".state"))
		}
		if ran == 2 {
			assert.LessOrEqual(t, runs[0].Finished, runs[1].Started, "the second run started after the first finished")
		}
		assert.NoFileExists(t, p.HostPath(fmt.Sprintf(`C:\windows\Logs\wufix\win7-%04d.log`, ran+1)))
		return false
	})
}

func TestAPendingRestartStopsTheRun(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending`, "wufix-test", "1")
		before := updateState(t, p, target(t, "win7"))
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 9, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout+r.Stderr, "run.cmd: restart first: component servicing waits for a restart (Component Based Servicing\\RebootPending). No step ran and nothing was changed")
		assert.Equal(t, before, updateState(t, p, target(t, "win7")))
		assert.Equal(t, []string{"run.lock"}, logsIn(t, p), "no log, no state file")

		// Under Group Policy no console reads it: startup.log and the
		// fleet report say it.
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\reports`), 0o755))
		r = p.Run(dir, "run.cmd", "/gpo", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 9, r.Code, r.Stdout+r.Stderr)
		startup, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\startup.log`))
		require.NoError(t, err)
		assert.Contains(t, string(startup), "run.cmd: restart first: component servicing waits for a restart")
		refusals, err := filepath.Glob(filepath.Join(p.HostPath(`C:\reports`), "*-win7-0000.json"))
		require.NoError(t, err)
		require.Len(t, refusals, 1)
		refusal, err := os.ReadFile(refusals[0])
		require.NoError(t, err)
		assert.Contains(t, string(refusal), `"exit_code": 9,`)

		r = p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "*** restart first: component servicing waits for a restart")
		assert.Contains(t, r.Stdout, "A run would stop here with exit code 9")

		// Files waiting to be replaced at the next start stop it as well.
		rr := p.RunAgain("", `C:\windows\system32\reg.exe`, "delete", `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending`, "/f")
		require.Equal(t, 0, rr.Code, rr.Stdout)
		rr = p.RunAgain("", `C:\windows\system32\reg.exe`, "add", `HKLM\SYSTEM\CurrentControlSet\Control\Session Manager`,
			"/v", "PendingFileRenameOperations", "/t", "REG_MULTI_SZ", "/d", `\??\C:\x.tmp`, "/f")
		require.Equal(t, 0, rr.Code, rr.Stdout)
		r = p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 9, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout+r.Stderr, "(Session Manager\\PendingFileRenameOperations)")
		assert.Equal(t, before, updateState(t, p, target(t, "win7")))
		return false
	})
}

// XP has no Component Based Servicing: its flag means nothing there, Windows
// Update's does.
func TestPendingRestartSignsPerVersion(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending`, "wufix-test", "1")
		r := p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "restart first")
		regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired`, "wufix-test", "1")
		r = p.Run(dir, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "*** restart first: Windows Update installed updates that need a restart")
		return false
	})
}

// A 32-bit agent on 64-bit Windows: PROCESSOR_ARCHITEW6432 is set and
// %SystemRoot%\Sysnative reaches the 64-bit cmd. Wine's 64-bit prefix has
// no WOW64 view and drops that variable from a new process's environment,
// so the agent here is a batch file that sets it and hands over to run.cmd,
// and a copy of cmd.exe stands where Sysnative would be; the relaunch line
// is the one Windows runs.
func TestRelaunchFromWOW64InAFolderWithAmpersandAndCaret(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\a & b ^ c\win7`))
		script(t, p, `C:\t\agent.cmd`, `@echo off
set "PROCESSOR_ARCHITEW6432=AMD64"
"C:\a & b ^ c\win7\%1" /plan
`)
		agent := p.HostPath(`C:\t`)

		// No Sysnative: the 32-bit refusal, so the variable is seen.
		r := p.Run(agent, "agent.cmd", "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 7, r.Code, r.Stdout+r.Stderr)

		cmd, err := os.ReadFile(p.HostPath(`C:\windows\system32\cmd.exe`))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\windows\Sysnative`), 0o755))
		require.NoError(t, os.WriteFile(p.HostPath(`C:\windows\Sysnative\cmd.exe`), cmd, 0o755))
		// planned is what a /plan run printed, and whether Wine failed it.
		planned := func(dir string, args ...string) (string, bool) {
			r := p.Run(dir, args...)
			if wine.Flake(r) {
				return "", true
			}
			require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
			r.AssertNoErrors(t)
			assert.Contains(t, r.Stdout, "Nothing is changed in this mode.")
			return r.Stdout, false
		}
		out, flake := planned(agent, "agent.cmd", "run.cmd")
		if flake {
			return true
		}
		// call would double the caret in this folder's name: the routines
		// are called by label here, and through the file from a folder
		// with & and parentheses.
		assert.Contains(t, out, "routines are called by label")
		out, flake = planned(install(t, "win7", p.HostPath(`C:\R&D (x86)\win7`)), "run.cmd", "/plan")
		if flake {
			return true
		}
		assert.NotContains(t, out, "routines are called by label")

		// The line it replaced splits at the & in this folder's name.
		text, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
		require.NoError(t, err)
		old := strings.Replace(string(text), `/d /c ^""%~f0" %*^"`, `/d /c ""%~f0" %*"`, 1)
		require.NotEqual(t, string(text), old)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "old.cmd"), []byte(old), 0o644))
		// (Not wine.Flake: the broken line's "Can't recognize" is the point.)
		r = p.Run(agent, "agent.cmd", "old.cmd")
		assert.NotEqual(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "Nothing is changed in this mode.")
		return false
	})
}

// XP's SFC step points Windows File Protection at the bundle's setup folder
// for the scan only: after the run the three values are what they were.
func TestXPSourcePathIsPutBackAfterTheRun(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		// Wine's 64-bit prefix says AMD64, so the step looks for the x64
		// editions' amd64 folder.
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "amd64"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "amd64", "txtsetup.sif"), []byte("[Version]"), 0o644))
		values := []struct{ key, name, data string }{
			{`HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "SourcePath", `D:\I386`},
			{`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup`, "SourcePath", `D:\media`},
			{`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup`, "ServicePackSourcePath", `C:\WINDOWS\ServicePackFiles`},
		}
		for _, v := range values {
			regAdd(t, p, v.key, v.name, v.data)
		}
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, `set HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion SourcePath = C:\wufix\amd64 (REG_SZ)`, "pointed at the bundle for the scan")
		assert.Contains(t, r.Stdout, "== cleanup system-files-sfc-xp")
		for _, v := range values {
			_, data, err := p.Query(v.key, v.name)
			require.NoError(t, err)
			assert.Equal(t, v.data, data, "%s %s after the run", v.key, v.name)
		}
		return false
	})
}

// The reset writes its own catalog; /undo brings back the old one exactly,
// without the entries the reset added (an import alone would keep them).
func TestWinsockUndoRemovesWhatTheResetAdded(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		catalog := `HKLM\SYSTEM\CurrentControlSet\Services\WinSock2\Parameters\Protocol_Catalog9\Catalog_Entries\000000000001`
		regAdd(t, p, catalog, "PackedCatalogItem", "old")
		r := p.Run(dir, "run.cmd", "/with:winsock-reset")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr)
		require.Contains(t, r.Stdout, "netsh winsock reset: exit code 0")
		// What a reset writes (netsh is a stub here): a new entry, a changed one.
		added := `HKLM\SYSTEM\CurrentControlSet\Services\WinSock2\Parameters\Protocol_Catalog9\Catalog_Entries\000000000099`
		regAdd(t, p, added, "PackedCatalogItem", "new")
		regAdd(t, p, catalog, "PackedCatalogItem", "reset")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		_, data, err := p.Query(catalog, "PackedCatalogItem")
		require.NoError(t, err)
		assert.Equal(t, "old", data)
		_, _, err = p.Query(added, "PackedCatalogItem")
		assert.Error(t, err, "the entry the reset added is gone")
		return false
	})
}
