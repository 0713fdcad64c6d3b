package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/catalog"
)

func TestCommandsOnALine(t *testing.T) {
	cases := []struct {
		line string
		want []command
	}{
		{`"%SystemRoot%\System32\reg.exe" add "HKLM\SOFTWARE\X" /v A /d 1 /f >nul 2>&1`,
			[]command{{"reg", []string{"add", `hklm\software\x`, "/v", "a", "/d", "1", "/f"}}}},
		{`for /f "tokens=2,*" %%A in ('""%SystemRoot%\System32\reg.exe" query "K" /v N 2>nul | "%SystemRoot%\System32\find.exe" "REG_""') do set "V=%%B"`,
			[]command{{"reg", []string{"query", "k", "/v", "n", "2"}}, {"find", []string{"reg_"}}}},
		{`if exist "%SCRATCH%" del "%SCRATCH%"`, []command{{"del", []string{"%scratch%"}}}},
		{`    ren "%FOLDER%" "%BACKUP_NAME%" 2>nul`, []command{{"ren", []string{"%folder%", "%backup_name%", "2"}}}},
		{`"%PKG%" /quiet /norestart`, []command{{"%pkg%", []string{"/quiet", "/norestart"}}}},
		// Words in messages, comments and echoed text run nothing.
		{`set "MSG=  renamed %FOLDER% to %BACKUP_NAME%; del nothing"`, nil},
		{`rem ren "%FOLDER%" aside, then move on`, nil},
		{`>&2 echo run.cmd: copy the bundle and move it`, nil},
		{`echo.Usage: run.cmd, then copy it`, nil},
		{`if /i "%ARG%"=="/undo" set "WUFIX_MODE=undo"`, nil},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, commands(tc.line), tc.line)
	}
}

func testRules() []catalog.ChangeRule {
	name := func(s string) catalog.Name { return catalog.Name{Value: s} }
	c := catalog.Changes{
		Change: map[catalog.Name]string{
			name("sc config"): "changes a start type", name("dism /Online"): "services Windows",
			name("powershell Set-MpPreference"): "changes Defender", name("ren"): "renames",
		},
		NoChange: []catalog.Name{name("sc query"), name("dism /Online /CheckHealth"), name("powershell Get-MpComputerStatus")},
	}
	return c.Rules()
}

func TestClassify(t *testing.T) {
	rules := testRules()
	what := func(line string) string {
		cmds := commands(line)
		require.Len(t, cmds, 1, line)
		r := classify(cmds[0], rules)
		if r == nil {
			return "unclassified"
		}
		return r.What
	}
	assert.Equal(t, "changes a start type", what(`"%SystemRoot%\System32\sc.exe" config %SVC% start= auto`))
	assert.Equal(t, "", what(`"%SystemRoot%\System32\sc.exe" query %~1`))
	assert.Equal(t, "unclassified", what(`"%SystemRoot%\System32\sc.exe" failure wuauserv reset= 0`))
	// The rule with more words wins, whichever way it classifies.
	assert.Equal(t, "", what(`"%SystemRoot%\System32\dism.exe" /Online /English /Cleanup-Image /CheckHealth`))
	assert.Equal(t, "services Windows", what(`"%SystemRoot%\System32\dism.exe" /Online /English %DISM_ARGS%`))
	// As many words each way: the change wins.
	assert.Equal(t, "changes Defender", what(`"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -Command "Set-MpPreference -X $true; (Get-MpComputerStatus).Y"`))
	assert.Equal(t, "", what(`"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -Command "$s = Get-MpComputerStatus"`))
	assert.Equal(t, "unclassified", what(`if exist "%X%" del "%X%"`))
}

func TestReachFollowsCallsGotosHandlersAndFallThrough(t *testing.T) {
	script := strings.Join([]string{
		"@echo off",
		"call :plan_main",
		"exit /b 0",
		"",
		":plan_main",
		"call :do_%~2",
		"goto :eof",
		"",
		":do_one",
		"rem Not a call: helper_in_comment.",
		`set "MSG=not a call either: unused"`,
		"call :helper",
		`set "JOURNAL_HANDLER=handler"`,
		"goto inner_label",
		"",
		":helper",
		"exit /b 0",
		"",
		":other",
		"set \"X=1\"",
		":inner_label",
		"set \"Y=1\"",
		"",
		":entered",
		"exit /b 0",
		"",
		":handler",
		"exit /b 0",
		"",
		":unused",
		"exit /b 0",
		"",
		":helper_in_comment",
		"exit /b 0",
	}, "\n")
	g := newGraph(paragraphs(script))
	names := func(idx []int) []string {
		var out []string
		for _, i := range idx {
			out = append(out, g.paras[i].name)
		}
		return out
	}
	never := func(string) bool { return false }
	assert.Equal(t, []string{"do_one", "helper", "other", "entered", "handler"}, names(g.reach([]string{"do_one"}, false, never)),
		"a goto to a label inside a paragraph reaches that paragraph, which runs on into the next")
	assert.Equal(t, []string{"", "plan_main"}, names(g.reach([]string{""}, false, never)))
	assert.Equal(t, []string{"", "plan_main"}, names(g.reach([]string{""}, true, func(n string) bool { return strings.HasPrefix(n, "do_") })))
	assert.Contains(t, names(g.reach([]string{""}, true, never)), "handler", "a pieced-together call reaches every label it may name")
}
