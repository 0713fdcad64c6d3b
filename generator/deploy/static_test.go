package deploy_test

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
)

// What Wine cannot show, read from the generated scripts: the schtasks
// switches each Windows version has, the task XML of Vista and later, the
// staging folder's ACL and reparse check, and the Intune scripts.

func build(t *testing.T) (*generator.Output, *catalog.Catalog) {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, generator.Options{})
	require.NoError(t, err)
	c, err := generator.Load(wufix.Catalog)
	require.NoError(t, err)
	return out, c
}

func script(t *testing.T, out *generator.Output, name string) string {
	t.Helper()
	data, ok := out.Files[name]
	require.True(t, ok, name)
	return strings.ReplaceAll(string(data), "\r\n", "\n")
}

// The deferred task is created with the switches the target's schtasks
// has: no /f on XP (delete first), /f from Server 2003 on, XML from Vista.
func TestDeferredTaskSwitchesPerVersion(t *testing.T) {
	out, c := build(t)
	create := regexp.MustCompile(`(?m)^.*schtasks\.exe" /create .*$`)
	for _, tg := range c.Targets {
		text := script(t, out, tg.ID.Value+"/run.cmd")
		creates := create.FindAllString(text, -1)
		require.NotEmpty(t, creates, tg.ID.Value)
		_, force := tg.Tools["schtasks-force"]
		_, v2 := tg.Tools["schtasks-v2"]
		switch tg.ID.Value {
		case "xp":
			assert.False(t, force, "XP's schtasks /create has no /f")
		default:
			assert.True(t, force, tg.ID.Value)
		}
		for _, line := range creates {
			assert.Equal(t, force, strings.HasSuffix(strings.TrimSuffix(line, " >nul 2>&1"), " /f"), "%s: %s", tg.ID.Value, line)
		}
		if !force {
			del := strings.Index(text, `schtasks.exe" /delete /tn "%GPO_TASK%" /f`)
			assert.True(t, del >= 0 && del < strings.Index(text, creates[0]), "%s: an earlier task is deleted before the create", tg.ID.Value)
		}
		assert.Equal(t, v2, strings.Contains(text, `/xml "%GPO_XML%"`), "%s: the task comes from XML exactly where Task Scheduler 2.0 is", tg.ID.Value)
		if v2 {
			assert.Contains(t, text, `/st 00:00 /ru SYSTEM`)
		} else {
			assert.Contains(t, text, `/st 00:00:00 /ru SYSTEM`, "XP and 2003 want seconds")
		}
	}
}

// task is what matters of the deferred task's XML.
type task struct {
	XMLName   xml.Name `xml:"Task"`
	NS        string   `xml:"xmlns,attr"`
	Principal struct {
		ID       string `xml:"id,attr"`
		UserID   string `xml:"UserId"`
		RunLevel string `xml:"RunLevel"`
	} `xml:"Principals>Principal"`
	Disallow string `xml:"Settings>DisallowStartIfOnBatteries"`
	Stop     string `xml:"Settings>StopIfGoingOnBatteries"`
	Limit    string `xml:"Settings>ExecutionTimeLimit"`
	Actions  struct {
		Context   string `xml:"Context,attr"`
		Command   string `xml:"Exec>Command"`
		Arguments string `xml:"Exec>Arguments"`
	} `xml:"Actions"`
}

// taskXMLOf is a bundle's task.xml as text: UTF-16LE after a byte-order
// mark, as schtasks reads it.
func taskXMLOf(t *testing.T, data []byte) string {
	t.Helper()
	require.True(t, len(data) > 2 && data[0] == 0xff && data[1] == 0xfe, "a UTF-16LE byte-order mark")
	u := make([]uint16, (len(data)-2)/2)
	for i := range u {
		u[i] = uint16(data[2+2*i]) | uint16(data[3+2*i])<<8
	}
	return string(utf16.Decode(u))
}

// The deferred task's definition is a file of the bundle, checked with the
// rest (SHA256SUMS), where schtasks reads task XML; nothing writes it on the
// machine. Task Scheduler expands %SystemRoot% in the action.
func TestDeferredTaskXMLIsWellFormed(t *testing.T) {
	out, c := build(t)
	for _, tg := range c.Targets {
		id := tg.ID.Value
		data, ok := out.Files[id+"/task.xml"]
		_, v2 := tg.Tools["schtasks-v2"]
		require.Equal(t, v2, ok, "%s: task.xml exactly where Task Scheduler 2.0 is", id)
		if !v2 {
			continue
		}
		assert.Contains(t, string(out.Files[id+"/SHA256SUMS"]), "  task.xml\n", id)
		text := taskXMLOf(t, data)
		assert.True(t, strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-16"?>`+"\r\n"), id)
		// encoding/xml reads UTF-8; the text was decoded above.
		dec := xml.NewDecoder(strings.NewReader(strings.Replace(text, "UTF-16", "UTF-8", 1)))
		var got task
		require.NoError(t, dec.Decode(&got), "%s:\n%s", id, text)
		assert.Equal(t, "http://schemas.microsoft.com/windows/2004/02/mit/task", got.NS)
		assert.Equal(t, "S-1-5-18", got.Principal.UserID, "SYSTEM by SID")
		assert.Equal(t, "HighestAvailable", got.Principal.RunLevel)
		assert.Equal(t, got.Principal.ID, got.Actions.Context, "the action runs as the principal")
		assert.Equal(t, "false", got.Disallow, "starts on battery power")
		assert.Equal(t, "false", got.Stop, "keeps running when unplugged")
		assert.Equal(t, "PT4H", got.Limit)
		assert.Equal(t, `%SystemRoot%\System32\cmd.exe`, got.Actions.Command)
		runCmd := script(t, out, id+"/run.cmd")
		_, rest, _ := strings.Cut(runCmd, `set "WUFIX_VERSION=`)
		version, _, _ := strings.Cut(rest, `"`)
		require.Len(t, version, 16, id)
		local := `%SystemRoot%\wufix\` + id + "-" + version
		assert.Equal(t, `/d /c ""`+local+`\run.cmd" /deferred /quiet"`, got.Actions.Arguments, "the local copy of this very version")
		assert.Contains(t, runCmd, `set "GPO_XML=%STAGE_DIR%\task.xml"`, id)
		assert.Contains(t, runCmd, `>"%STAGE_DIR%\wufix-deferred.txt" echo %WUFIX_PLAN% %WUFIX_CODE%`, id)
		assert.NotContains(t, runCmd, ` /u /c type `, id)
	}
}

// The local copy's folder is protected by SID where icacls exists and is
// refused as a junction everywhere (Wine has no junctions to test with).
func TestStagingFolderIsProtected(t *testing.T) {
	out, c := build(t)
	for _, tg := range c.Targets {
		text := script(t, out, tg.ID.Value+"/run.cmd")
		assert.Contains(t, text, `if /i not "%WUFIX_HOME:~0,2%"=="%SystemDrive%" if not "%WUFIX_MODE%"=="plan" goto stage_relaunch`, tg.ID.Value)
		// On the system drive a folder others may change is left for the
		// protected copy too: PowerShell reads every right by SID, icacls
		// only who is named, and without PowerShell a folder under the
		// profiles folder counts as open (its user is named by a SID
		// nothing asks for).
		_, ps := tg.Tools["powershell"]
		_, icacls := tg.Tools["icacls"]
		assert.Equal(t, !ps, strings.Contains(text, "\n:stage_home_profiles\n"), tg.ID.Value)
		assert.True(t, regexp.MustCompile(`\nif not "%WUFIX_MODE%"=="plan" call (%WUFIX_LIB% )?:stage_home_open\nif not defined STAGE_HOME_OPEN goto home_checked\n`).MatchString(text), tg.ID.Value)
		assert.Equal(t, ps, strings.Contains(text, "GetAccessRules($true, $true, $sid)"), tg.ID.Value)
		assert.Equal(t, icacls && !ps, strings.Contains(text, "for %%S in (S-1-1-0 S-1-5-11 S-1-5-4) do call :stage_findsid %%S"), tg.ID.Value)
		assert.Contains(t, text, `('"dir /al /b 2>nul"') do if /i "%%N"=="%STAGE_NAME%" set "STAGE_LINK=1"`, tg.ID.Value)
		grant := `icacls.exe" "%STAGE_ROOT%" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F`
		assert.Equal(t, icacls, strings.Contains(text, grant), tg.ID.Value)
		assert.Equal(t, icacls, strings.Contains(text, `"%STAGE_FIND%" /findsid *%~1 /t /c`), tg.ID.Value)
		_, hash := tg.Tools["certutil-sha256"]
		assert.Equal(t, !hash, strings.Contains(text, `fc.exe" /b "%WUFIX_HOME%%STAGE_FILE%" "%STAGE_FILE%"`), "%s: compared byte for byte where nothing hashes", tg.ID.Value)
		// The relaunch is one line that hands back every exit code run.cmd uses.
		relaunch := regexp.MustCompile(`(?m)^"%SystemRoot%\\System32\\cmd\.exe" /d /c ""%STAGE_DIR%\\run\.cmd" %\*" & (.*)$`).FindStringSubmatch(text)
		require.NotNil(t, relaunch, tg.ID.Value)
		for _, code := range []string{"3010", "8", "6", "5", "4", "3", "2", "1"} {
			assert.Contains(t, relaunch[1], "if errorlevel "+code+" (exit /b "+code+")", tg.ID.Value)
		}
		assert.True(t, strings.HasSuffix(relaunch[1], "else exit /b 0"), tg.ID.Value)
	}
}

// Where the target has PowerShell, the local copy's folders are refused
// unless SYSTEM or Administrators owns them, read by SID before anything
// is copied; elsewhere nothing reads an owner and the README says so.
func TestStagingFolderOwnerIsReadBySID(t *testing.T) {
	out, c := build(t)
	check := `-Command "if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') { exit 5 }; $ok = 'S-1-5-18', 'S-1-5-32-544'; $n = 3; foreach ($p in $env:STAGE_ROOT, $env:STAGE_DIR) { ` +
		`if ([IO.Directory]::Exists($p)) { $o = [IO.Directory]::GetAccessControl($p, 'Owner').GetOwner([Security.Principal.SecurityIdentifier]).Value; ` +
		`if ($ok -notcontains $o) { exit $n } }; $n = 4 }; exit 0" <nul >nul 2>&1`
	for _, tg := range c.Targets {
		text := script(t, out, tg.ID.Value+"/run.cmd")
		_, ps := tg.Tools["powershell"]
		assert.Equal(t, ps, strings.Contains(text, check), tg.ID.Value)
		want := 0
		if ps {
			want = 1
		}
		assert.Equal(t, want, strings.Count(text, "GetOwner([Security.Principal.SecurityIdentifier])"), "%s: one PowerShell call reads both owners", tg.ID.Value)
		bundle := text[strings.Index(text, "\n:stage_bundle\n"):]
		owner, copied := strings.Index(bundle, "call :stage_owner\n"), strings.Index(bundle, `xcopy.exe"`)
		assert.True(t, owner >= 0 && owner < copied, "%s: the owners are read before anything is copied", tg.ID.Value)
		// A folder this run makes is given to Administrators before the
		// copy, so that the next run's owner check accepts it.
		made := strings.Index(bundle, "mkdir \"%STAGE_DIR%\" 2>nul\n")
		setOwner := strings.Index(bundle, `icacls.exe" "%STAGE_DIR%" /setowner *S-1-5-32-544`)
		_, icacls := tg.Tools["icacls"]
		assert.True(t, made >= 0 && made < copied, "%s: the bundle's folder is made before the copy", tg.ID.Value)
		assert.Equal(t, icacls, setOwner > made && setOwner < copied, "%s: the bundle's folder is owned by Administrators before the copy", tg.ID.Value)
		if ps {
			assert.Contains(t, text, `if "%STAGE_RC%"=="4" set "MSG=run.cmd: %STAGE_DIR% is owned by neither SYSTEM nor Administrators`, tg.ID.Value)
		}
		readme := script(t, out, "gpo/README.txt")
		assert.Contains(t, readme, "S-1-5-32-544")
	}
}

// The Intune pair's guards, which no PowerShell here can run. The brakes
// themselves are run.cmd's (/intune), proven under Wine in test/proof.
func TestIntuneGuards(t *testing.T) {
	out, _ := build(t)
	detect := script(t, out, "intune/detect.ps1")
	remediate := script(t, out, "intune/remediate.ps1")

	// Both check the root and the bundle's folder before anything runs.
	for name, text := range map[string]string{"detect": detect, "remediate": remediate} {
		check := strings.Index(text, "$folder = Find-Bundle")
		start := strings.Index(text, "$code = Invoke-Bundle $folder")
		assert.True(t, check > 0 && check < start, "%s: the ACL check comes before run.cmd starts", name)
		// The root itself, then the bundle's folder and everything in it:
		// an owner, and a right to change held by anyone, but the allowed.
		assert.Contains(t, text, "$why = Test-Protected $root\n    if (-not $why) { $why = Test-Protected $folder -Recurse }\n", name)
		assert.Contains(t, text, "if ($Recurse) { $items += @(Get-ChildItem -LiteralPath $Path -Force -Recurse) }", name)
		assert.Contains(t, text, "$owners = @('S-1-5-18', 'S-1-5-32-544')", name)
		assert.Contains(t, text, "if ($owners -notcontains $owner) {", name)
		assert.Contains(t, text, "if ($rule.AccessControlType -eq 'Allow' -and -not $inheritOnly -and $ok -notcontains $who -and ([int]$rule.FileSystemRights -band $write)) {", name)
		assert.Contains(t, text, "if ($type -eq 'ServerNT' -and $edition -and [string]$edition.Value -eq 'ServerRdsh') { $type = 'WinNT' }", name)
		assert.NotContains(t, text, "LastRemediation", "%s: the brakes are run.cmd's", name)
		assert.NotContains(t, text, "Set-ItemProperty", "%s: writes nothing to the registry", name)
	}

	// detect.ps1 decides on run.cmd /diagnose's report, written where only
	// SYSTEM and Administrators write, checked before it is read.
	assert.Contains(t, detect, "$reports = Join-Path $env:SystemRoot 'Logs\\wufix\\detect'")
	assert.NotContains(t, detect, "$env:TEMP")
	protect := strings.Index(detect, "foreach ($path in @((Split-Path -Parent $reports), $reports)) {")
	run := strings.Index(detect, `$code = Invoke-Bundle $folder ('/diagnose /intune /quiet "/report:' + $reports + '"') 'intune-detect'`)
	read := strings.Index(detect, "$report = (Get-Content -LiteralPath $found -Raw) | ConvertFrom-Json")
	assert.True(t, protect > 0 && protect < run && run < read, "report folder checked, then /diagnose, then read")
	assert.Contains(t, detect, "if (Test-Path -LiteralPath $found) { Remove-Item -LiteralPath $found -Force }", "no stale report decides")
	assert.Contains(t, detect, `if ([string]$f.plan) { $problems += "$($f.code) (plan $($f.plan))" }`)
	assert.Contains(t, detect, `else { $notes += "$($f.code) has no plan: a reset would not help" }`)
	assert.Contains(t, detect, "if (@('wuauserv', 'bits') -contains $name) { $problems += \"$name is disabled\" }")
	assert.Regexp(t, `(?s)if \(\$problems\.Count -gt 0\) \{\n    Write-Output .*\n    exit 1\n\}`, detect)
	hold := strings.Index(detect, "if ($problems.Count -gt 0 -and [string]$report.intune_hold) {")
	assert.True(t, hold > 0 && hold < strings.Index(detect, "exit 1"), "run.cmd's brakes hold detection back")
	assert.Equal(t, 1, strings.Count(detect, "exit 1"), "only a problem a plan answers exits 1")
	assert.NotContains(t, detect, "$limitDays", "no days-without-updates trigger")

	// remediate.ps1 runs /intune and passes run.cmd's exit code on.
	assert.Contains(t, remediate, "$code = Invoke-Bundle $folder ('/intune /quiet') 'intune-remediate'")
	assert.Contains(t, remediate, `if ($code -eq 3010) { Write-Output "wufix ${bundle}: done, a restart finishes it (exit 3010)$where"; exit 0 }`)
	assert.Contains(t, remediate, "exit $code\n")
	// The summary names the log of this run only, none of an earlier one.
	begun := strings.Index(remediate, "$started = (Get-Date).AddSeconds(-2)\n$code = Invoke-Bundle $folder")
	chosen := strings.Index(remediate, `$log = Get-ChildItem -LiteralPath $logs -Filter "$bundle-*.log" | Where-Object { $_.LastWriteTime -ge $started }`)
	assert.True(t, begun > 0 && begun < chosen, "the time is taken before run.cmd starts, and the log is chosen by it")
}

// Every bundle's run.cmd takes /intune, checks the brakes before /auto's
// diagnosis and records the run only once a plan starts, with the
// catalog's values (Wine runs the Windows 10 one, in test/proof).
func TestIntuneBrakesInEveryRunCmd(t *testing.T) {
	out, c := build(t)
	for _, tg := range c.Targets {
		text := script(t, out, tg.ID.Value+"/run.cmd")
		assert.Contains(t, text, `if /i "%ARG%"=="/intune" set "WUFIX_INTUNE=1"`, tg.ID.Value)
		gate := strings.Index(text, `if defined WUFIX_INTUNE if "%WUFIX_MODE%"=="run" goto intune_gate`)
		auto := strings.Index(text, `if defined WUFIX_AUTO if "%WUFIX_MODE%"=="run" goto auto_repair`)
		start := strings.Index(text, "if defined WUFIX_INTUNE if \"%WUFIX_MODE%\"==\"run\" call %WUFIX_LIB% :intune_start\nset \"MSG=wufix %WUFIX_BUNDLE% %WUFIX_VERSION%: plan %WUFIX_PLAN%")
		assert.True(t, gate > 0 && gate < auto && auto < start, "%s: the brakes, then /auto, then the record as the plan starts", tg.ID.Value)
		assert.Contains(t, text, `if %INTUNE_FAILED% GEQ 3 set "INTUNE_HOLD=stopped: `, tg.ID.Value)
		assert.Contains(t, text, `if %INTUNE_SINCE% LSS 7 set "INTUNE_HOLD=cool-down: `, tg.ID.Value)
		assert.Contains(t, text, "call :intune_check\nif defined INTUNE_HOLD goto intune_refuse\ngoto auto_repair\n", tg.ID.Value)
		assert.Contains(t, text, "if defined WUFIX_INTUNE call :intune_diagnose\nif defined WUFIX_REPORT_TO call :diagnose_report\n", tg.ID.Value)
		assert.Contains(t, text, `for %%U in (clock-check offline-install-cab offline-install-msu system-files-dism) do if "%~1"=="%%U" goto :eof`, tg.ID.Value)
		assert.Contains(t, text, "if defined WUFIX_INTUNE if defined INTUNE_STARTED call %WUFIX_LIB% :intune_record\ncall %WUFIX_LIB% :write_report\n", tg.ID.Value)
	}
}

// The deferred task is started by its Group Policy run while that run
// still holds the lock (its report, its event): the task waits up to 10
// minutes for it, where any other run gives up after 30 seconds (the wait
// itself is proven under Wine, in test/proof's lock test).
func TestDeferredTaskWaitsLongerForTheLock(t *testing.T) {
	out, c := build(t)
	for _, tg := range c.Targets {
		text := script(t, out, tg.ID.Value+"/run.cmd")
		limit := strings.Index(text, "set \"LOCK_LIMIT=30\"\n")
		deferred := strings.Index(text, "if \"%WUFIX_MODE%\"==\"deferred\" set \"LOCK_LIMIT=600\"\n")
		try := strings.Index(text, "if %LOCK_TRIES% GEQ %LOCK_LIMIT% goto lock_run_busy\n")
		assert.True(t, limit > 0 && limit < deferred && deferred < try, tg.ID.Value)
	}
}
