package proof

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// run.cmd /intune, what the Intune remediation runs: /auto with a
// cool-down, a stop after failed remediations in a row, and failures a
// reset cannot cure not counted, all kept in HKLM\SOFTWARE\wufix\Intune.

const intuneKey = `HKLM\SOFTWARE\wufix\Intune`

// daysAgo is the local date n days before today, as run.cmd records it.
func daysAgo(n int) string { return time.Now().AddDate(0, 0, -n).Format("2006-01-02") }

// utcDaysAgo is an event's time n days before now, in UTC as the event log
// keeps it.
func utcDaysAgo(n int) string {
	return time.Now().UTC().AddDate(0, 0, -n).Format("2006-01-02T15:04:05.0000000Z")
}

// intuneState seeds the remediation record; an empty date leaves it out.
func intuneState(t *testing.T, p *wine.Prefix, last string, failed int) {
	t.Helper()
	p.RunAgain("", `C:\windows\system32\reg.exe`, "delete", intuneKey, "/f")
	if last != "" {
		regAdd(t, p, intuneKey, "LastRemediation", last)
	}
	r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add", intuneKey, "/v", "FailedInARow", "/t", "REG_DWORD", "/d", itoa(failed), "/f")
	require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
}

// intuneRecord reads back LastRemediation and FailedInARow.
func intuneRecord(t *testing.T, p *wine.Prefix) (last, failed string) {
	t.Helper()
	_, last, err := p.Query(intuneKey, "LastRemediation")
	require.NoError(t, err)
	_, failed, err = p.Query(intuneKey, "FailedInARow")
	require.NoError(t, err)
	return last, failed
}

// intune runs run.cmd /intune and returns its output, or flake.
func intune(t *testing.T, p *wine.Prefix, dir string, want int, args ...string) (string, bool) {
	t.Helper()
	r := p.Run(dir, append([]string{"run.cmd", "/intune"}, args...)...)
	if wine.Flake(r) {
		return "", true
	}
	require.Equal(t, want, r.Code, r.Stdout+r.Stderr)
	return r.Stdout, false
}

// Inside the cool-down nothing runs; after it the plan runs and today is
// recorded; a failed run counts; after 3 in a row nothing runs.
func TestIntuneCooldownAndStop(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		tg := target(t, "win10")
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p, wuEvent("20", utcDaysAgo(0), "0x80070003"))
		state := updateState(t, p, tg)

		// 6 days after the last remediation: still cooling down. What
		// detect.ps1 reads says so first, read-only.
		intuneState(t, p, daysAgo(6), 0)
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\detect`), 0o755))
		out, flake := diagnose(t, p, dir, "/intune", `/report:C:\detect`)
		if flake {
			return true
		}
		hold := "cool-down: the last Intune remediation here was on " + daysAgo(6) + ", 6 days ago (at most one every 7 days)"
		assert.Contains(t, out, "   Intune remediation (/intune): "+hold+"; it would change nothing now")
		assert.Contains(t, diagnoseReport(t, p), `"intune_hold": "`+hold+`",`)
		out, flake = intune(t, p, dir, 0)
		if flake {
			return true
		}
		assert.Contains(t, out, "/intune: cool-down: the last Intune remediation here was on "+daysAgo(6)+", 6 days ago (at most one every 7 days): nothing was changed")
		assert.NotContains(t, out, "plan windows_update")
		assert.Equal(t, state, updateState(t, p, tg), "nothing changed in the cool-down")
		last, failed := intuneRecord(t, p)
		assert.Equal(t, daysAgo(6), last)
		assert.Equal(t, "0x0", failed)
		assert.Empty(t, readReport(t, p, "win10-0001").Steps)

		// 7 days after: the plan runs.
		intuneState(t, p, daysAgo(7), 1)
		if out, flake = intune(t, p, dir, 0); flake {
			return true
		}
		assert.Contains(t, out, "/auto: newest failing code with a plan: 0x80070003, plan windows-update")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the windows-update plan ran")
		assert.Contains(t, out, "/intune: failed Intune remediations in a row: 0 (at 3 they stop)")
		last, failed = intuneRecord(t, p)
		assert.Equal(t, daysAgo(0), last, "today recorded")
		assert.Equal(t, "0x0", failed, "a run that worked clears the count")

		// A failure a reset could cure (netsh winsock reset fails) counts.
		p.Setenv("WUFIX_STUB_EXIT_NETSH", "1")
		intuneState(t, p, daysAgo(30), 2)
		if out, flake = intune(t, p, dir, 1, "/with:winsock-reset"); flake {
			return true
		}
		assert.Contains(t, out, "winsock-reset: failed")
		last, failed = intuneRecord(t, p)
		assert.Equal(t, daysAgo(0), last)
		assert.Equal(t, "0x3", failed)

		// After 3 failed in a row: nothing runs, whatever the date.
		p.Setenv("WUFIX_STUB_EXIT_NETSH", "0")
		intuneState(t, p, daysAgo(400), 3)
		state = updateState(t, p, tg)
		if out, flake = intune(t, p, dir, 0); flake {
			return true
		}
		assert.Contains(t, out, `/intune: stopped: the last 3 Intune remediations here failed, so another reset would not help;`)
		assert.Contains(t, out, `then delete FailedInARow under `+intuneKey+` to allow more: nothing was changed`)
		assert.Equal(t, state, updateState(t, p, tg))
		last, failed = intuneRecord(t, p)
		assert.Equal(t, daysAgo(400), last)
		assert.Equal(t, "0x3", failed)

		// No record at all (the first remediation here): the plan runs.
		p.RunAgain("", `C:\windows\system32\reg.exe`, "delete", intuneKey, "/f")
		if out, flake = intune(t, p, dir, 0); flake {
			return true
		}
		assert.Contains(t, out, "plan windows-update")
		last, _ = intuneRecord(t, p)
		assert.Equal(t, daysAgo(0), last)
		return false
	})
}

// A run that fails only in a step a reset cannot cure (DISM, in the
// component-store plan) does not count as a failed remediation.
func TestIntuneUnfixableFailureDoesNotCount(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p, wuEvent("20", utcDaysAgo(0), "0x80073712"))
		// WIMMount as Windows has it (Wine has none), so DISM alone fails.
		regAdd(t, p, `HKLM\SYSTEM\CurrentControlSet\Services\WIMMount`, "ImagePath", `system32\drivers\wimmount.sys`)
		// 9009, as cmd says when it cannot start a program: DISM is started
		// once more before the step counts it as failed.
		p.Setenv("WUFIX_STUB_EXIT_DISM", "9009")
		intuneState(t, p, daysAgo(10), 2)
		out, flake := intune(t, p, dir, 1)
		if flake {
			return true
		}
		assert.Contains(t, out, "plan component-store")
		assert.Contains(t, out, "system-files-dism: failed")
		checks := 0
		for _, c := range p.StubCalls() {
			if c.Name == "dism" && strings.Contains(c.CommandLine, "/CheckHealth") {
				checks++
			}
		}
		assert.Equal(t, 2, checks, "a DISM that did not start is started once more")
		assert.Contains(t, out, "/intune: failed only where a reset cannot help (system-files-dism): not counted as a failed remediation (2 in a row)")
		last, failed := intuneRecord(t, p)
		assert.Equal(t, daysAgo(0), last)
		assert.Equal(t, "0x2", failed)
		return false
	})
}

// What detect.ps1 decides on: /diagnose's report names the code and its
// plan, and a disabled update service, which /intune then repairs with the
// plan for 0x80070422.
func TestIntuneDetectionInputAndDisabledService(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p, wuEvent("25", "2026-11-22T09:30:00.5000000Z", "0x8024402C"))
		r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add", `HKLM\SYSTEM\CurrentControlSet\Services\wuauserv`, "/v", "Start", "/t", "REG_DWORD", "/d", "4", "/f")
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\detect`), 0o755))
		if _, flake := diagnose(t, p, dir, "/intune", "/quiet", `/report:C:\detect`); flake {
			return true
		}
		text := diagnoseReport(t, p)
		assert.Contains(t, text, `"intune_hold": "",`, "nothing holds /intune back")
		assert.Contains(t, text, `"disabled_services": " wuauserv",`)
		assert.Contains(t, text, `{"code": "0x8024402C", "seen": "2026-11-22 09:30:00", "where": "event 25 of Microsoft-Windows-WindowsUpdateClient (time in UTC)", "plan": "", "command": ""}`)

		// Wine's service manager does not take sc config start= (it keeps
		// its own copy of the start type), so service-health fails here:
		// what is proven is the plan /intune picks, and that it counts.
		intuneState(t, p, "", 0)
		out, flake := intune(t, p, dir, 1)
		if flake {
			return true
		}
		assert.Contains(t, out, "disabled: wuauserv; plan service-disabled answers it (run.cmd 0x80070422)")
		assert.Contains(t, out, "/auto: newest failing code with a plan: 0x80070422, plan service-disabled")
		assert.Contains(t, out, "== [1/1] service-health: Re-enable disabled update services")
		_, failed := intuneRecord(t, p)
		assert.Equal(t, "0x1", failed)
		return false
	})
}

// diagnoseReport reads the one report /diagnose wrote to C:\detect.
func diagnoseReport(t *testing.T, p *wine.Prefix) string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(p.HostPath(`C:\detect`), "*-win10-diagnose.json"))
	require.NoError(t, err)
	require.Len(t, found, 1, "one diagnosis report, <computer>-win10-diagnose.json")
	data, err := os.ReadFile(found[0])
	require.NoError(t, err)
	return string(data)
}

// run.cmd's day number (days since 1970-01-01, from yyyy-mm-dd with set /a
// alone) agrees with the Gregorian calendar across leap days, month and
// century ends, and a date it cannot read gives none. The routine is taken
// from the generated run.cmd and run by Wine's cmd.
func TestIntuneDayNumbers(t *testing.T) {
	t.Parallel()
	out, _ := bundles(t)
	text := strings.ReplaceAll(string(out.Files["win10/run.cmd"]), "\r\n", "\n")
	start := strings.Index(text, "\n:intune_day\n")
	require.Positive(t, start, "run.cmd has no :intune_day")
	routine := text[start+1:]
	end := strings.Index(routine, "\ngoto :eof\n\n")
	if end < 0 {
		end = strings.LastIndex(routine, "\ngoto :eof")
	}
	routine = routine[:end] + "\ngoto :eof\n"
	valid := []string{"1601-01-01", "1969-12-31", "1970-01-01", "1999-12-31", "2000-02-28", "2000-02-29", "2000-03-01",
		"2024-02-29", "2024-03-01", "2026-01-01", "2026-08-09", "2026-09-08", "2026-12-31", "2100-02-28", "2100-03-01", "2400-02-29"}
	invalid := []string{"unknown", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-32", "1600-12-31", "2026-01-0x"}
	wine.Retry(t, func() bool {
		p := wine.Proof(t).NewPrefix(t)
		script(t, p, `C:\t\days.cmd`, "@echo off\nsetlocal\nfor %%D in ("+strings.Join(append(valid, invalid...), " ")+
			`) do call :show %%D
call :show ""
exit /b 0
:show
call :intune_day "%~1" X
echo [%~1]=[%X%]
goto :eof
`+routine)
		r := p.Run(p.HostPath(`C:\t`), "days.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Empty(t, strings.TrimSpace(r.Stderr))
		got := strings.ReplaceAll(r.Stdout, "\r\n", "\n")
		for _, d := range valid {
			day, err := time.Parse("2006-01-02", d)
			require.NoError(t, err)
			assert.Contains(t, got, "["+d+"]=["+itoa(int(day.Unix()/86400))+"]\n", d)
		}
		for _, d := range append(invalid, "") {
			assert.Contains(t, got, "["+d+"]=[]\n", "%q is no date", d)
		}
		return false
	})
}

// The evidence a remediation answered stays in the event log for weeks:
// after the cool-down, a failure seen on the day of the last remediation
// or before is nothing new, and /intune changes nothing (detection says
// so); a failure seen since runs the plan.
func TestIntuneDoesNotRepairWhatItRepairedBefore(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		tg := target(t, "win10")
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seen := utcDaysAgo(10)
		seedEvents(t, p, wuEvent("20", seen, "0x80070003"))
		intuneState(t, p, daysAgo(8), 0)
		state := updateState(t, p, tg)

		require.NoError(t, os.MkdirAll(p.HostPath(`C:\detect`), 0o755))
		out, flake := diagnose(t, p, dir, "/intune", `/report:C:\detect`)
		if flake {
			return true
		}
		hold := "nothing new: the newest failure a plan answers (0x80070003, seen " + seen[:10] + " " + seen[11:19] + ") is from the day of the last Intune remediation (" + daysAgo(8) + ") or before"
		assert.Contains(t, out, "   Intune remediation (/intune): "+hold+"; it would change nothing now")
		assert.Contains(t, diagnoseReport(t, p), `"intune_hold": "`+hold+`",`)
		if out, flake = intune(t, p, dir, 0); flake {
			return true
		}
		assert.Contains(t, out, "/intune: "+hold+": nothing was changed")
		assert.Equal(t, state, updateState(t, p, tg))
		last, _ := intuneRecord(t, p)
		assert.Equal(t, daysAgo(8), last, "no remediation recorded")

		seedEvents(t, p, wuEvent("20", utcDaysAgo(1), "0x80070003"), wuEvent("20", seen, "0x80070003"))
		if out, flake = intune(t, p, dir, 0); flake {
			return true
		}
		assert.Contains(t, out, "/auto: newest failing code with a plan: 0x80070003, plan windows-update")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the windows-update plan ran")
		return false
	})
}
