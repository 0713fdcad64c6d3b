package generator_test

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run.ps1 is a front end over run.cmd: these tests read both scripts of
// every bundle that has PowerShell and hold the front end to run.cmd's
// interface, so a switch added to run.cmd without a parameter, or an exit
// code without a line of help, fails here. No PowerShell runs on the build
// machine; the grammar package parses run.ps1, and test/proof runs the
// command line it builds under Wine's cmd.

// frontEnd is what the tests read out of one bundle's two scripts.
type frontEnd struct {
	ps1, cmd string
	params   []string          // run.ps1's parameters, in order
	switches map[string]string // run.ps1 parameter -> run.cmd switch it adds
	optIn    []string          // the step ids run.ps1 accepts for -With
}

var (
	paramLine  = regexp.MustCompile(`(?m)^    (?:\[Parameter\([^)]*\)\]\s*)?\[(?:switch|string|string\[\])\]\$(\w+)`)
	switchLine = regexp.MustCompile(`(?m)^if \(\$(\w+)\) \{ \$switches \+= '([^']+)' \}$`)
	optInLine  = regexp.MustCompile(`(?m)^\$optIn = @\(([^)]*)\)$`)
	cmdSwitch  = regexp.MustCompile(`(?m)^if /i "%ARG%"=="(/[^"]+)" set `)
	cmdExit    = regexp.MustCompile(`(?m)(?:exit /b |set "WUFIX_EXIT=)([0-9]+)`)
	ps1Exit    = regexp.MustCompile(`(?m)\bexit ([0-9]+)\b`)
)

func frontEnds(t *testing.T) map[string]frontEnd {
	t.Helper()
	out := buildAll(t)
	ends := map[string]frontEnd{}
	for _, id := range out.Targets {
		data, ok := out.Files[id+"/run.ps1"]
		if !ok {
			continue
		}
		f := frontEnd{
			ps1:      strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n"),
			cmd:      strings.ReplaceAll(string(out.Files[id+"/run.cmd"]), "\r\n", "\n"),
			switches: map[string]string{},
		}
		block := f.ps1[strings.Index(f.ps1, "\nparam(\n"):]
		block = block[:strings.Index(block, "\n)\n")]
		for _, m := range paramLine.FindAllStringSubmatch(block, -1) {
			f.params = append(f.params, m[1])
		}
		for _, m := range switchLine.FindAllStringSubmatch(f.ps1, -1) {
			f.switches[m[1]] = m[2]
		}
		if m := optInLine.FindStringSubmatch(f.ps1); m != nil {
			for _, q := range strings.Split(m[1], ", ") {
				f.optIn = append(f.optIn, strings.Trim(q, "'"))
			}
		}
		ends[id] = f
	}
	require.NotEmpty(t, ends, "no bundle has a run.ps1")
	return ends
}

// TestRunPS1MapsEachParameterToItsSwitch: each parameter adds the run.cmd
// switch of the same meaning, and the parameters cover every switch that
// this bundle's run.cmd accepts, no more.
func TestRunPS1MapsEachParameterToItsSwitch(t *testing.T) {
	want := map[string]string{"Undo": "/undo", "Quiet": "/quiet", "Gpo": "/gpo",
		"Aggressive": "/aggressive", "Report": `"/report:%WUFIX_PS1_REPORT%"`,
		"Diagnose": "/diagnose", "Auto": "/auto", "Intune": "/intune"}
	for id, f := range frontEnds(t) {
		t.Run(id, func(t *testing.T) {
			var accepts []string // run.cmd's switches, as run.ps1 must cover them
			for _, m := range cmdSwitch.FindAllStringSubmatch(f.cmd, -1) {
				if !slices.Contains(accepts, m[1]) && m[1] != "/deferred" { // /deferred: the scheduled task's own
					accepts = append(accepts, m[1])
				}
			}
			require.NotEmpty(t, accepts, "run.cmd's argument loop not found")
			var covered []string
			for param, sw := range f.switches {
				assert.Equal(t, want[param], sw, "-%s", param)
				assert.Contains(t, f.params, param, "-%s maps a switch but is no parameter", param)
				if param != "Report" {
					covered = append(covered, sw)
				}
			}
			assert.Contains(t, f.cmd, `if /i "%ARG:~0,8%"=="/report:" set "WUFIX_REPORT_TO=%ARG:~8%"`, "run.cmd takes /report:DIR")
			assert.Contains(t, f.ps1, "if ($ErrorCode) { $switches += $ErrorCode }", "-ErrorCode is run.cmd's CODE")
			assert.Regexp(t, `(?s)if \(\$WhatIfPreference\) \{.*\$switches \+= '/plan'\n\} elseif`, f.ps1, "-WhatIf adds /plan, last")
			covered = append(covered, "/plan")
			for _, s := range f.optIn {
				covered = append(covered, "/with:"+s)
			}
			if len(f.optIn) > 0 {
				assert.Contains(t, f.ps1, "$switches += '/with:' + $known[0]", "-With adds /with:ID")
				assert.Contains(t, f.params, "With")
			} else {
				assert.NotContains(t, f.params, "With", "no opt-in step, no -With")
			}
			sort.Strings(accepts)
			sort.Strings(covered)
			assert.Equal(t, accepts, covered, "run.ps1's switches are run.cmd's")
			assert.Equal(t, []string{"ErrorCode", "Undo", "Quiet", "Gpo", "Report", "Diagnose", "Auto", "Intune"}, f.params[:8])
		})
	}
}

// TestRunPS1HelpCoversItsInterface: comment-based help with every section,
// a .PARAMETER for every parameter, and in .NOTES every exit code that
// run.cmd or run.ps1 itself ends with.
func TestRunPS1HelpCoversItsInterface(t *testing.T) {
	for id, f := range frontEnds(t) {
		t.Run(id, func(t *testing.T) {
			help := f.ps1[:strings.Index(f.ps1, "\n#>\n")]
			for _, section := range []string{".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE", ".OUTPUTS", ".NOTES"} {
				assert.Contains(t, help, "\n"+section+"\n")
			}
			for _, p := range f.params {
				assert.Contains(t, help, "\n.PARAMETER "+p+"\n")
			}
			assert.Equal(t, len(f.params), strings.Count(help, "\n.PARAMETER "), "help for a parameter that does not exist")
			notes := help[strings.Index(help, "\n.NOTES\n"):]
			codes := map[string]bool{}
			for _, m := range cmdExit.FindAllStringSubmatch(f.cmd, -1) {
				codes[m[1]] = true
			}
			body := f.ps1[len(help):]
			for _, m := range ps1Exit.FindAllStringSubmatch(body, -1) {
				codes[m[1]] = true
			}
			for _, c := range []string{"0", "1", "2", "3", "4", "5", "6", "3010"} {
				require.True(t, codes[c], "exit code %s not found in the scripts: the patterns no longer match", c)
			}
			for code := range codes {
				assert.Regexp(t, `\n      `+code+` +\S`, notes, "exit code %s is in .NOTES", code)
			}
			assert.Contains(t, f.ps1, "[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]")
		})
	}
}

// TestRunPS1ReadsJSONTheWayItsVersionCan: PowerShell 2.0 has no
// ConvertFrom-Json; its bundles read the report with .NET 3.5's reader.
func TestRunPS1ReadsJSONTheWayItsVersionCan(t *testing.T) {
	c := loadAll(t)
	ends := frontEnds(t)
	for _, tg := range c.Targets {
		f, ok := ends[tg.ID.Value]
		if !ok {
			assert.Empty(t, tg.PowerShell, "%s has PowerShell but no run.ps1", tg.ID.Value)
			continue
		}
		old := tg.PowerShell == "2.0"
		assert.Equal(t, old, strings.Contains(f.ps1, "JavaScriptSerializer"), tg.ID.Value)
		assert.Equal(t, !old, strings.Contains(f.ps1, "| ConvertFrom-Json"), tg.ID.Value)
	}
}
