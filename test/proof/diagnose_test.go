package proof

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// run.cmd /diagnose and /auto on machines seeded with each kind of
// evidence, in the formats Windows writes: events as wevtutil qe /f:xml
// prints them (one <Event> a line; Wine has no event log, so a stub prints
// the seeded lines), WindowsUpdate.log (tab-separated, XP to 8.1),
// ReportingEvents.log (tab-separated, result in hex in field 8), CBS.log
// and dism.log ("yyyy-mm-dd hh:mm:ss, Error ...").

// wuEvent is a Windows Update client event as wevtutil qe /f:xml prints
// it; Keywords holds a 0x8 number outside the event data on purpose.
func wuEvent(id, at, code string) string {
	return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WindowsUpdateClient' Guid='{945a8954-c147-4acd-923f-40c45405a658}'/>` +
		`<EventID>` + id + `</EventID><Version>1</Version><Level>2</Level><Task>1</Task><Opcode>13</Opcode><Keywords>0x8000000000000028</Keywords>` +
		`<TimeCreated SystemTime='` + at + `'/><EventRecordID>4711</EventRecordID><Correlation/><Execution ProcessID='1016' ThreadID='3620'/>` +
		`<Channel>System</Channel><Computer>PC1</Computer><Security UserID='S-1-5-18'/></System><EventData>` +
		`<Data Name='errorCode'>` + code + `</Data><Data Name='updateTitle'>2026-11 Cumulative Update (KB5000000)</Data>` +
		`<Data Name='updateGuid'>{8a7e8a6b-1c7b-4c5e-9f0e-3b1d2e4f5a6b}</Data><Data Name='updateRevisionNumber'>1</Data></EventData></Event>`
}

// backupEvent is a failed Windows Backup (Microsoft-Windows-Backup, event
// 5) with its HRESULT in the event data. The data's field names are not
// checked against a real machine; the parser takes the first 0x8 code in
// the event data, whatever the field.
func backupEvent(at, code string) string {
	return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Backup' Guid='{1db28f2e-8f80-4027-8c5a-a11f7f10f62d}'/>` +
		`<EventID>5</EventID><Version>0</Version><Level>2</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
		`<TimeCreated SystemTime='` + at + `'/><EventRecordID>812</EventRecordID><Channel>Application</Channel><Computer>PC1</Computer><Security/></System>` +
		`<EventData><Data Name='BackupTime'>` + at + `</Data><Data Name='ErrorCode'>` + code + `</Data></EventData></Event>`
}

// seedFile writes lines, CRLF-terminated, to a Windows path in the prefix.
func seedFile(t *testing.T, p *wine.Prefix, win string, lines ...string) {
	t.Helper()
	host := p.HostPath(win)
	require.NoError(t, os.MkdirAll(filepath.Dir(host), 0o755))
	require.NoError(t, os.WriteFile(host, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o644))
}

// seedEvents makes wevtutil a stub that prints these events for any query.
func seedEvents(t *testing.T, p *wine.Prefix, events ...string) {
	t.Helper()
	p.InstallStub("wevtutil")
	seedFile(t, p, `C:\seed\events.xml`, events...)
	p.Setenv("WUFIX_STUB_PRINT_WEVTUTIL", `C:\seed\events.xml`)
}

// everything is the machine's state a diagnosis must leave alone: the
// registry, the update folders and every log folder.
type everything struct{ reg, logs string }

func snapshot(t *testing.T, p *wine.Prefix) everything {
	t.Helper()
	logs := tree(t, p.HostPath(`C:\windows\Logs`))
	for k, v := range tree(t, p.HostPath(`C:\windows\SoftwareDistribution`)) {
		logs["SoftwareDistribution/"+k] = v
	}
	var b strings.Builder
	for _, k := range keys(logs) {
		b.WriteString(k + "\n" + logs[k] + "\n")
	}
	return everything{reg: registry(t, p), logs: b.String()}
}

// diagnose runs /diagnose and checks that it changed nothing and called no
// program that changes anything; it returns the output.
func diagnose(t *testing.T, p *wine.Prefix, dir string, args ...string) (out string, flake bool) {
	t.Helper()
	before := snapshot(t, p)
	r := p.Run(dir, append([]string{"run.cmd", "/diagnose"}, args...)...)
	if wine.Flake(r) {
		return "", true
	}
	require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
	// wmic (free space) enumerates Wine's Z: drive, which Wine reports on
	// the Unix stderr, out of reach of 2>nul.
	r.AssertNoErrors(t, `^wine: Read access denied for device`)
	after := snapshot(t, p)
	sameRegistry(t, before.reg, after.reg, "/diagnose")
	assert.Equal(t, before.logs, after.logs, "/diagnose wrote to the logs or update folders")
	assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`))
	for _, c := range p.StubCalls() {
		assert.Contains(t, []string{"fsutil", "certutil", "wevtutil"}, c.Name, "/diagnose ran %s", c.CommandLine)
	}
	t.Log(r.Stdout)
	return r.Stdout, false
}

// inOrder asserts that the texts appear in out in this order.
func inOrder(t *testing.T, out string, texts ...string) {
	t.Helper()
	at := 0
	for _, s := range texts {
		i := strings.Index(out[at:], s)
		if !assert.GreaterOrEqual(t, i, 0, "%q after offset %d in:\n%s", s, at, out) {
			return
		}
		at += i + len(s)
	}
}

// Windows 10: the update client's events. The newest code (0x8024402C) has
// no plan; /auto runs the plan of the newest one that has (0x80070003).
func TestDiagnoseEventsOnWindows10(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p,
			wuEvent("25", "2026-11-22T09:30:00.5000000Z", "0x8024402C"),
			wuEvent("20", "2026-11-20T08:15:02.1234567Z", "0x80070003"))
		regAdd(t, p, `HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate`, "WUServer", "http://wsus.example:8530")
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\share`), 0o755))
		out, flake := diagnose(t, p, dir, `/report:C:\share`)
		if flake {
			return true
		}
		inOrder(t, out,
			"0x8024402C (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED) seen 2026-11-22 09:30:00 in event 25 of Microsoft-Windows-WindowsUpdateClient",
			"   no plan: A reset does not help: check DNS",
			"0x80070003 (ERROR_PATH_NOT_FOUND) seen 2026-11-20 08:15:02 in event 20 of Microsoft-Windows-WindowsUpdateClient",
			"   means: Windows Update cannot find a path it needs in a downloaded update;",
			"   plan windows-update: run.cmd 0x80070003",
			"Facts that change the advice:",
			"   no restart pending",
			"   WSUS server by policy: http://wsus.example:8530")
		assert.NotContains(t, out, "0x80000000", "a code outside the event data is not a finding")
		var rep struct {
			Mode     string `json:"mode"`
			Findings []struct{ Code, Seen, Where, Plan, Command string }
		}
		found, err := filepath.Glob(filepath.Join(p.HostPath(`C:\share`), "*-win10-diagnose.json"))
		require.NoError(t, err)
		require.Len(t, found, 1, "one diagnosis report, <computer>-win10-diagnose.json")
		data, err := os.ReadFile(found[0])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &rep), string(data))
		assert.Equal(t, "diagnose", rep.Mode)
		require.Len(t, rep.Findings, 2, string(data))
		assert.Equal(t, "0x8024402C", rep.Findings[0].Code)
		assert.Equal(t, "", rep.Findings[0].Plan)
		assert.Equal(t, "windows-update", rep.Findings[1].Plan)
		assert.Equal(t, "run.cmd 0x80070003", rep.Findings[1].Command)

		r := p.Run(dir, "run.cmd", "/auto")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "/auto: newest failing code with a plan: 0x80070003, plan windows-update")
		assert.Contains(t, r.Stdout, "plan windows_update")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the windows-update plan ran")
		return false
	})
}

// Windows XP: WindowsUpdate.log and ReportingEvents.log, no event log.
func TestDiagnoseLogsOnXP(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		// Only the newest 20 WARNING lines are read: 0x80070643, older, is not.
		wuLog := []string{
			"2026-11-09\t07:00:00:000\t1024\t6b0\tAgent\t  * WARNING: Exit code = 0x80070643",
			"2026-11-18\t09:12:01:456\t1024\t5a8\tAU\t###########  AU: Initializing Automatic Updates  ###########",
			"2026-11-18\t09:14:22:101\t1024\t6b0\tMisc\tWARNING: Send failed with hr = 80072efd.",
		}
		for range 24 {
			wuLog = append(wuLog, "2026-11-18\t09:14:22:130\t1024\t6b0\tAgent\t  * WARNING: Exit code = 0x8024402C")
		}
		seedFile(t, p, `C:\windows\WindowsUpdate.log`, append(wuLog,
			"2026-11-19\t10:00:00:000\t1024\t6b0\tAgent\tFATAL: Failed to install the update, error 0x80070002",
			"2026-11-19\t10:00:01:000\t1024\t6b0\tAgent\tInstalling updates CallerId = AutomaticUpdates")...)
		seedFile(t, p, `C:\windows\SoftwareDistribution\ReportingEvents.log`,
			"{6F2D2A3E-0B7C-4E4B-9D6A-1A2B3C4D5E6F}\t2026-11-17 08:00:00:000+0100\t1\t147 [AGENT_DETECTION_FINISHED]\t101\t{00000000-0000-0000-0000-000000000000}\t0\t0\tAutomaticUpdates\tSuccess\tSoftware Synchronization\tWindows Update Client successfully detected 3 updates.",
			"{7A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}\t2026-11-20 11:30:05:120+0100\t1\t162 [AGENT_DOWNLOAD_FAILED]\t101\t{1B2C3D4E-5F60-4172-8394-A5B6C7D8E9F0}\t200\t80246017\tAutomaticUpdates\tFailure\tContent Download\tError: Download failed.")
		out, flake := diagnose(t, p, dir)
		if flake {
			return true
		}
		inOrder(t, out,
			`0x80246017 (WU_E_DM_UNAUTHORIZED_LOCAL_USER) seen 2026-11-20 11:30:05 in C:\windows\SoftwareDistribution\ReportingEvents.log`,
			"   no plan:",
			`0x80070002 (ERROR_FILE_NOT_FOUND) seen 2026-11-19 10:00:00 in C:\windows\WindowsUpdate.log`,
			"   plan windows-update: run.cmd 0x80070002",
			`0x8024402C (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED) seen 2026-11-18 09:14:22 in C:\windows\WindowsUpdate.log`)
		assert.NotContains(t, out, "0x80070643", "older than the newest 20 lines")
		assert.Equal(t, 3, strings.Count(out, " seen "), "one finding per code")

		r := p.Run(dir, "run.cmd", "/auto", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		rep := readReport(t, p, "xp-0001")
		log, err := os.ReadFile(p.HostPath(rep.Log))
		require.NoError(t, err)
		assert.Contains(t, string(log), "/auto: newest failing code with a plan: 0x80070002, plan windows-update")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the windows-update plan ran")
		return false
	})
}

// Windows 7: CBS.log, dism.log and Windows Backup's events.
func TestDiagnoseServicingLogsOnWindows7(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		// The second event borrows the provider's name through the old API
		// (no Guid), as any user may in the Application log: no evidence.
		forged := strings.Replace(backupEvent("2026-11-24T20:00:00.0000000Z", "0x80070001"),
			"Guid='{1db28f2e-8f80-4027-8c5a-a11f7f10f62d}'", "EventSourceName='Microsoft-Windows-Backup'", 1)
		seedEvents(t, p, backupEvent("2026-11-23T20:00:00.0000000Z", "0x81000037"), forged)
		seedFile(t, p, `C:\windows\Logs\CBS\CBS.log`,
			"2026-11-21 14:02:10, Info                  CBS    Loaded Servicing Stack v6.1.7601.24499",
			"2026-11-21 14:02:11, Error                 CBS    Failed to resolve package 'Package_for_KB5000000~31bf3856ad364e35~amd64~~6.1.1.0' [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]")
		seedFile(t, p, `C:\windows\Logs\DISM\dism.log`,
			"2026-11-21 14:05:00, Error                 DISM   DISM Package Manager: PID=1234 TID=5678 Failed finalizing changes. - CDISMPackageManager::Internal_Finalize(hr:0x800f0922)")
		out, flake := diagnose(t, p, dir)
		if flake {
			return true
		}
		inOrder(t, out,
			"0x81000037 (", "seen 2026-11-23 20:00:00 in event 5 of Microsoft-Windows-Backup", "   plan backup: run.cmd 0x81000037",
			`0x800F0922 (`, `seen 2026-11-21 14:05:00 in C:\windows\Logs\DISM\dism.log`, "   plan component-store: run.cmd 0x800F0922",
			`0x800F081F (CBS_E_SOURCE_MISSING) seen 2026-11-21 14:02:11 in C:\windows\Logs\CBS\CBS.log`, "   plan component-store: run.cmd 0x800F081F",
			"   MISSING: KB4490628", "   MISSING: KB4474419")
		assert.NotContains(t, out, "0x80070001", "the event without its provider's Guid")

		// With the two packages in the component store's list, they are found.
		for _, kb := range []string{"KB4490628", "KB4474419"} {
			r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add",
				`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\Packages\Package_for_`+kb+`~31bf3856ad364e35~amd64~~6.1.1.0`, "/f")
			require.Equal(t, 0, r.Code, r.Stdout)
		}
		out, flake = diagnose(t, p, dir)
		if flake {
			return true
		}
		assert.Contains(t, out, "   installed: KB4490628")
		assert.Contains(t, out, "   installed: KB4474419")
		return false
	})
}

// /auto on a machine with no failure changes nothing and exits 0; with
// only a code no plan answers, it changes nothing and exits 11.
func TestAutoWithoutAPlanChangesNothing(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		tg := target(t, "win10")
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p)
		state := updateState(t, p, tg)
		r := p.Run(dir, "run.cmd", "/auto")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "nothing to repair: no failing code found")
		assert.Equal(t, state, updateState(t, p, tg))
		assert.Equal(t, 0, readReport(t, p, "win10-0001").ExitCode)

		seedEvents(t, p, wuEvent("25", "2026-11-22T09:30:00.5000000Z", "0x8024402C"))
		r = p.Run(dir, "run.cmd", "/auto", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 11, r.Code, r.Stdout+r.Stderr)
		rep := readReport(t, p, "win10-0002")
		assert.Equal(t, 11, rep.ExitCode)
		assert.Empty(t, rep.Steps)
		log, err := os.ReadFile(p.HostPath(rep.Log))
		require.NoError(t, err)
		assert.Contains(t, string(log), "no plan of this bundle answers the failing codes found (newest 0x8024402C): nothing was changed.")
		assert.Equal(t, state, updateState(t, p, tg))

		// Under Group Policy the version has done what it can: the next
		// startup does not diagnose again.
		_, marker, err := p.Query(`HKLM\SOFTWARE\wufix`, "win10")
		require.NoError(t, err)
		assert.Equal(t, strings.TrimPrefix(stageDir(t, dir, "win10"), `C:\windows\wufix\win10-`), marker)
		r = p.Run(dir, "run.cmd", "/auto", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win10-0003.json`))
		return false
	})
}
