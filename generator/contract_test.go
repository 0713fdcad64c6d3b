package generator_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
)

// in puts text in a catalog file right after anchor.
func in(t *testing.T, file, anchor, text string) map[string]string {
	t.Helper()
	return map[string]string{file: edit(t, file, anchor, anchor+text)}
}

const resetCmd = "templates/steps/component-reset/cmd.tmpl"
const resetAnchor = "rem Set the BITS job queue aside: {{.Target.BitsQueue.Dir}}\n"

// TestContract holds any catalog to the rules docs/catalog.md promises of
// every bundle: each break is one error, at the template or YAML position
// that causes it.
func TestContract(t *testing.T) {
	cases := []struct {
		name    string
		changes func(t *testing.T) map[string]string
		want    []string
	}{
		{"date variable", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "set \"STAMP=%DATE%\"\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:12: %DATE% is the date in the machine's locale: read it from WMI or PowerShell, never %DATE%`}},
		{"and-and", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "call :svc_stop wuauserv && exit /b 1\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:25: &&: test errorlevel on the next line instead (if errorlevel 1 ...), as docs/catalog.md asks`}},
		{"pause", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "if errorlevel 1 pause\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:17: pause waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool "ping"}} -n 2 127.0.0.1 >nul`}},
		{"timeout", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "timeout /t 5 >nul\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:1: timeout waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool "ping"}} -n 2 127.0.0.1 >nul`}},
		{"choice through tool", func(t *testing.T) map[string]string {
			const dir = "templates/steps/driver-updates-exclude/"
			return map[string]string{
				dir + "cmd.tmpl":  edit(t, dir+"cmd.tmpl", "{{define \"do\" -}}\n", "{{define \"do\" -}}\n{{tool \"choice\"}} /t 5 /d y\n"),
				dir + "step.yaml": edit(t, dir+"step.yaml", "tools: [reg, find]", "tools: [reg, find, choice]"),
			}
		}, []string{`templates/steps/driver-updates-exclude/cmd.tmpl:2:1: choice.exe waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool "ping"}} -n 2 127.0.0.1 >nul`}},
		{"set /p", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "set /p ANSWER=Continue?\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:1: set /p waits for a person: bundles run unattended (Group Policy, Intune)`}},
		{"bare tool", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "sc query wuauserv >nul\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:1: sc called by bare name: write {{tool "sc"}}, the absolute path, so a same-named program beside the bundle never runs`}},
		{"goto nowhere", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "if errorlevel 1 goto nowhere_at_all\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:17: no label :nowhere_at_all in the generated run.cmd`}},
		{"second log label", func(t *testing.T) map[string]string {
			return in(t, resetCmd, "call :{{label \"restart\"}}\nexit /b 1\n", ":log\nexit /b 0\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:28:1: label :log is defined twice (also at templates/libs/log/cmd.tmpl:1:1): cmd jumps to the first, so the other is never run`}},
		{"lib routine not in uses", func(t *testing.T) map[string]string {
			return in(t, "templates/steps/clock-check/cmd.tmpl", "{{define \"do\" -}}\n", "call :svc_stop wuauserv\n")
		}, []string{`templates/steps/clock-check/cmd.tmpl:2:1: step "clock-check" calls :svc_stop of lib "service" without listing the lib in uses (templates/steps/clock-check/step.yaml)`}},
		{"env", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "set \"P={{env \"WUFIX_PFX_PASSWORD\"}}\"\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:10: function "env" is not available to templates: they see no environment, clock or random numbers, so two builds give the same bytes`}},
		{"now in a top-level template", func(t *testing.T) map[string]string {
			return in(t, "templates/gpo/startup.cmd.tmpl", "\n", "rem {{now}}\n")
		}, []string{`templates/gpo/startup.cmd.tmpl:2:7: function "now" is not available to templates: they see no environment, clock or random numbers, so two builds give the same bytes`}},
		{"pause in a top-level script", func(t *testing.T) map[string]string {
			return in(t, "templates/gpo/startup.cmd.tmpl", "\n", "pause\n")
		}, []string{`templates/gpo/startup.cmd.tmpl:2:1: pause waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool "ping"}} -n 2 127.0.0.1 >nul`}},
		{"bare tool in shared definitions", func(t *testing.T) map[string]string {
			return in(t, "templates/top/select.tmpl", "set \"HAVE=\"\n", "reg query HKLM\\SOFTWARE >nul\n")
		}, []string{`templates/top/select.tmpl:14:1: reg called by bare name: write {{tool "reg"}}, the absolute path, so a same-named program beside the bundle never runs`}},
		{"not ascii", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "rem caf\u00e9\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:8: byte 0xc3 is not ASCII: run.cmd is read in the OEM code page, which differs between machines`}},
		{"crlf template", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "set \"X=1\"\r\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:10: carriage return: templates use LF line endings, the dialect writes CRLF`}},
		{"bare tool in a for /f command", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "for /f \"tokens=2,*\" %%A in ('\"reg query \"HKLM\\X\" /v Y 2>nul\"') do set \"V=%%B\"\n")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:31: reg called by bare name: write {{tool "reg"}}, the absolute path, so a same-named program beside the bundle never runs`}},
		{"lib calls another lib it does not use", func(t *testing.T) map[string]string {
			return in(t, "templates/libs/exitcode/cmd.tmpl", "\n", "call :svc_stop\n")
		}, []string{`templates/libs/exitcode/cmd.tmpl:2:1: lib "exitcode" calls :svc_stop of lib "service" without listing the lib in uses (templates/libs/exitcode/lib.yaml)`}},
		{"tool a target lacks, in the skeleton", func(t *testing.T) map[string]string {
			return in(t, "templates/bundle/run.cmd.tmpl", "\n", "rem {{tool \"icacls\"}}\n")
		}, []string{`templates/bundle/run.cmd.tmpl:2:7: bundle: render xp/run.cmd: executing "run.cmd.tmpl" at <tool "icacls">: error calling tool: templates/bundle/run.cmd.tmpl uses "icacls", which Windows XP SP3 lacks (target xp)`}},
		{"tool a target lacks, in a top-level script", func(t *testing.T) map[string]string {
			return in(t, "templates/gpo/startup.cmd.tmpl", "\n", "rem {{tool \"icacls\"}}\n")
		}, []string{`templates/gpo/startup.cmd.tmpl:2:7: deploy: executing "startup.cmd.tmpl" at <tool "icacls">: error calling tool: top-level script uses "icacls", which Windows XP SP3 lacks (target xp)`}},
		{"runaway output", func(t *testing.T) map[string]string {
			return in(t, resetCmd, resetAnchor, "{{range until 1000000}}rem xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{{end}}")
		}, []string{`templates/steps/component-reset/cmd.tmpl:17:24: bundle: render xp/run.cmd: writes over 4096 KiB, the most one bundle file may hold`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generator.Build(overlay(t, tc.changes(t)), generator.Options{})
			require.Error(t, err)
			got := strings.Split(err.Error(), "\n")
			require.Len(t, got, len(tc.want), err.Error())
			for i, w := range tc.want {
				assert.True(t, strings.HasPrefix(got[i], w), "line %d:\n got %s\nwant %s", i, got[i], w)
			}
		})
	}
}
