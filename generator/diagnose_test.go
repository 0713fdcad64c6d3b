package generator_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/catalog"
)

// Static checks of run.cmd /diagnose on every target, for what the Wine
// tests (Windows XP, 7 and 10) do not run: each bundle reads the evidence
// its version writes, and its table names the plan of this bundle that
// answers each code of templates/errors.yaml, or none.

// lookupBlock is a code's entry in run.cmd's table, up to its goto :eof.
func lookupBlock(t *testing.T, cmd, code string) string {
	t.Helper()
	start := strings.Index(cmd, "\n:diagnose_lookup_"+code+"\n")
	require.GreaterOrEqual(t, start, 0, "no table entry for %s", code)
	block := cmd[start+1:]
	return block[:strings.Index(block, "\ngoto :eof\n")]
}

func TestDiagnoseTableNamesThisBundlesPlan(t *testing.T) {
	c := loadAll(t)
	out := buildAll(t)
	for _, tg := range c.Targets {
		cmd := strings.ReplaceAll(string(out.Files[tg.ID.Value+"/run.cmd"]), "\r\n", "\n")
		t.Run(tg.ID.Value, func(t *testing.T) {
			for _, e := range c.Errors {
				code := e.Code.Value
				assert.Contains(t, cmd, `if /i "%DIAG_CODE%"=="`+code+`" goto diagnose_lookup_`+code+"\n")
				block := lookupBlock(t, cmd, code)
				assert.Contains(t, block, `set "DIAG_NAME=`+e.Name+`"`)
				assert.Contains(t, block, `set "DIAG_MEANING=`)
				p := catalog.PlanFor(c, code)
				if p != nil && strings.Contains(cmd, "\n:plan_"+strings.ReplaceAll(p.ID.Value, "-", "_")+"\n") {
					assert.Contains(t, block, `set "DIAG_PLAN=`+p.ID.Value+`"`, code)
					assert.Contains(t, cmd, `if /i "%ARG%"=="`+code+`" set "WUFIX_PLAN=`, "run.cmd %s, the command /diagnose names, is accepted", code)
					continue
				}
				assert.NotContains(t, block, "DIAG_PLAN=", code)
				assert.Regexp(t, `set "DIAG_ADVICE=\S`, block, "%s: no plan here, so advice", code)
			}
		})
	}
}

func TestDiagnoseReadsTheEvidenceItsVersionWrites(t *testing.T) {
	c := loadAll(t)
	out := buildAll(t)
	for _, tg := range c.Targets {
		cmd := strings.ReplaceAll(string(out.Files[tg.ID.Value+"/run.cmd"]), "\r\n", "\n")
		t.Run(tg.ID.Value, func(t *testing.T) {
			assert.Contains(t, cmd, `if /i "%ARG%"=="/diagnose" set "WUFIX_MODE=diagnose"`)
			assert.Contains(t, cmd, `if /i "%ARG%"=="/auto" set "WUFIX_AUTO=1"`)
			assert.Contains(t, cmd, "\nif \"%WUFIX_MODE%\"==\"diagnose\" goto diagnose\n")
			assert.Contains(t, cmd, "\n:diagnose\n")
			assert.Contains(t, cmd, "\n:auto_repair\n")
			// Vista and later: events as XML, never their message text.
			_, events := tg.Tools["wevtutil"]
			assert.Equal(t, tg.NT >= "6.0" || strings.HasPrefix(tg.NT, "10."), events, "wevtutil from Vista on")
			assert.Equal(t, events, strings.Contains(cmd, `wevtutil.exe" qe System /q:"*[System[Provider[@Name='Microsoft-Windows-WindowsUpdateClient'] and Level=2]]" /f:xml`))
			assert.Equal(t, events, strings.Contains(cmd, `wevtutil.exe" qe Application /q:"*[System[Provider[@Name='Microsoft-Windows-Backup'] and Level=2]]" /f:xml`))
			assert.NotContains(t, cmd, "/f:text", "event text is translated")
			// WindowsUpdate.log is text up to 8.1; 10 writes ETW traces.
			assert.Equal(t, !strings.HasPrefix(tg.NT, "10."), strings.Contains(cmd, `set "DIAG_FILE=%SystemRoot%\WindowsUpdate.log"`))
			_, cbs := tg.Services["trustedinstaller"]
			assert.Equal(t, cbs, strings.Contains(cmd, `set "DIAG_FILE=%SystemRoot%\Logs\CBS\CBS.log"`))
			assert.Equal(t, cbs, strings.Contains(cmd, `set "DIAG_FILE=%SystemRoot%\Logs\DISM\dism.log"`))
			assert.Contains(t, cmd, `set "DIAG_FILE=%SystemRoot%\SoftwareDistribution\ReportingEvents.log"`)
			// The facts: policy, services and, on Vista and 7, the SHA-2 packages.
			assert.Contains(t, cmd, `set "DIAG_WU=HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate"`)
			for _, v := range []string{"WUServer", "UseWUServer", "DisableWindowsUpdateAccess"} {
				assert.Contains(t, cmd, " /v "+v+" 2>nul")
			}
			assert.Equal(t, len(tg.Prerequisites) > 0, strings.Contains(cmd, "\n:diagnose_prerequisites\n"))
			for _, p := range tg.Prerequisites {
				assert.Contains(t, cmd, `| "%SystemRoot%\System32\find.exe" "_for_`+p.KB+`~" >nul`)
			}
			// Delayed expansion applies no modifiers in Wine's cmd; the
			// parsing here uses %-expansion only.
			gather := cmd[strings.Index(cmd, "\n:diagnose_gather\n"):strings.Index(cmd, "\n:diagnose_add\n")]
			assert.NotContains(t, gather, "EnableDelayedExpansion")
			assert.NotRegexp(t, regexp.MustCompile(`![A-Z_]+:`), gather)
		})
	}
}
