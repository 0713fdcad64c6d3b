package generator_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/catalog"
)

// What Wine cannot show about the fleet guarantees, checked in the
// generated text of every target's run.cmd.

func runCmds(t *testing.T) map[string]string {
	t.Helper()
	out := buildAll(t)
	c := loadAll(t)
	cmds := map[string]string{}
	for _, tg := range c.Targets {
		data, ok := out.Files[tg.ID.Value+"/run.cmd"]
		require.True(t, ok, tg.ID.Value)
		cmds[tg.ID.Value] = string(data)
	}
	return cmds
}

// Wine's PowerShell does nothing and its culture cannot be changed: the
// time stamp is checked as text. The invariant culture's calendar is the
// Gregorian one, whatever the machine's culture (Thai, Hijri).
func TestTimeStampsAreCultureIndependent(t *testing.T) {
	dateFormat := regexp.MustCompile(`ToString\('[^']*'[^)]*\)|Get-Date -Format|%DATE%`)
	for id, text := range runCmds(t) {
		for _, line := range strings.Split(text, "\r\n") {
			if strings.HasPrefix(line, "rem ") {
				continue
			}
			for _, m := range dateFormat.FindAllString(line, -1) {
				assert.Equal(t, "ToString('yyyyMMddHHmmss',[Globalization.CultureInfo]::InvariantCulture)", m, id)
			}
		}
		clock := text[strings.Index(text, "\n:clock\r\n"):]
		clock = clock[:strings.Index(clock, "goto :eof")]
		assert.Regexp(t, `wmic\.exe" os get LocalDateTime <nul|InvariantCulture\) <nul`, clock, id)
	}
}

// An open stdin (psexec, management agents) makes wmic wait for ever.
func TestWmicNeverReadsTheConsole(t *testing.T) {
	for id, text := range runCmds(t) {
		for _, line := range strings.Split(text, "\r\n") {
			if strings.Contains(line, `wmic.exe"`) && !strings.HasPrefix(line, "rem ") {
				assert.Contains(t, line, "<nul", "%s: %s", id, line)
			}
		}
	}
}

// Issue 14: a bundle knows only its own build range, so adding a target
// changes no other bundle; the table of every target is wufix.cmd's.
func TestRunCmdKnowsOnlyItsOwnRange(t *testing.T) {
	c := loadAll(t)
	cmds := runCmds(t)
	rangeLine := regexp.MustCompile(`%WIN_BUILD% GEQ (\d+) if %WIN_BUILD% LEQ (\d+)`)
	for _, tg := range c.Targets {
		own := fmt.Sprintf("%d-%d", tg.Builds.Min, tg.Builds.Max)
		ranges := rangeLine.FindAllStringSubmatch(cmds[tg.ID.Value], -1)
		require.NotEmpty(t, ranges, tg.ID.Value)
		for _, m := range ranges {
			assert.Equal(t, own, m[1]+"-"+m[2], tg.ID.Value)
		}
		assert.Contains(t, cmds[tg.ID.Value], `if /i "%WIN_EDITION%"=="ServerRdsh" set "WIN_TYPE=WinNT"`, tg.ID.Value)
		assert.NotContains(t, cmds[tg.ID.Value], `set "FITS=`, tg.ID.Value)
	}
}

// The lock and the pending-restart check come before anything a run
// changes: before the run number is taken, and never in plan mode.
func TestLockAndRestartCheckComeFirst(t *testing.T) {
	for id, text := range runCmds(t) {
		plan := strings.Index(text, `if "%WUFIX_MODE%"=="plan" goto preview`)
		lock := strings.Index(text, "call %WUFIX_LIB% :lock_run\r\nexit /b %LOCK_RC%\r\n\r\n:locked_run\r\n")
		pending := strings.Index(text, `if not "%WUFIX_MODE%"=="undo" if not defined GPO_DONE call %WUFIX_LIB% :check_pending`+"\r\nif defined WUFIX_PENDING goto pending_refuse\r\ncall %WUFIX_LIB% :open_log")
		require.True(t, plan > 0 && lock > plan && pending > lock, "%s: plan %d, lock %d, pending %d", id, plan, lock, pending)
		assert.Contains(t, text, "call :lock_held 2>\"%LOCK_FILE%\"", id)
		assert.Contains(t, text, "exit /b 8", id)
		assert.Contains(t, text, "exit /b 9", id)
		// XP and Server 2003 have no Component Based Servicing.
		cbs := strings.Contains(text, `Component Based Servicing\RebootPending" >nul`)
		assert.Equal(t, id != "xp" && id != "server2003", cbs, id)
		assert.Contains(t, text, `Auto Update\RebootRequired" >nul`, id)
		assert.Contains(t, text, "/v PendingFileRenameOperations", id)
	}
}

// The relaunch line keeps the script's path inside quotes in the calling
// cmd: ^" is not a quote that line pairs.
func TestWOW64RelaunchQuotesThePath(t *testing.T) {
	for id, text := range runCmds(t) {
		if !strings.Contains(text, "Sysnative\\cmd.exe\" /d /c") {
			continue
		}
		assert.Contains(t, text, "\"%SystemRoot%\\Sysnative\\cmd.exe\" /d /c ^\"\"%~f0\" %*^\"\r\n", id)
		assert.NotContains(t, text, `/d /c ""%~f0" %*"`, id)
	}
}

// XP's SFC step points the file-protection source at the stick only for
// the scan; the cleanup, which runs whatever happened, replays this run's
// journal to put the three values back.
func TestXPSourcePathIsPutBack(t *testing.T) {
	cmds := runCmds(t)
	c := loadAll(t)
	sfc := catalog.StepTargets(c, c.Steps["system-files-sfc-xp"])
	require.NotEmpty(t, sfc, "some target gets system-files-sfc-xp")
	for _, tg := range sfc {
		id := tg.ID.Value
		text := cmds[id]
		assert.Contains(t, text, "if defined RAN_system_files_sfc_xp call :run_cleanup system-files-sfc-xp system_files_sfc_xp", id)
		cleanup := text[strings.Index(text, "\r\n:cleanup_system_files_sfc_xp\r\n"):]
		cleanup = cleanup[:strings.Index(cleanup, "exit /b %SFC_XP_RC%")]
		assert.Contains(t, cleanup, `set "UNDO_STATE=%WUFIX_STATE%"`, id)
		assert.Contains(t, cleanup, `set "JOURNAL_HANDLER=regentry_replay"`, id)
		assert.Contains(t, cleanup, "call %WUFIX_LIB% :journal_replay", id)
	}
}

// Winsock's undo replaces the catalogs: deleted, then imported.
func TestWinsockUndoReplacesTheCatalog(t *testing.T) {
	for id, text := range runCmds(t) {
		i := strings.Index(text, "\r\n:winsock_reset_undo_record\r\n")
		if i < 0 {
			continue
		}
		undo := text[i:]
		del := strings.Index(undo, `delete "%REC_A%\Protocol_Catalog9" /f`)
		imp := strings.Index(undo, `import "%REC_B%"`)
		exp := strings.Index(undo, `export "%REC_A%" "%WINSOCK_NOW%"`)
		assert.True(t, exp > 0 && del > exp && imp > del, "%s: export %d, delete %d, import %d", id, exp, del, imp)
		assert.Contains(t, undo, `delete "%REC_A%\NameSpace_Catalog5" /f`, id)
	}
}
