package proof

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// run.ps1 starts run.cmd with one cmd.exe command line, built from a fixed
// head and the switches its parameters add; the paths reach cmd in
// environment variables. No PowerShell runs here, so this test takes the
// head out of the built run.ps1, builds the line the way run.ps1 does, and
// has Wine's cmd run it: from a folder with spaces, parentheses, & and !,
// with a report folder whose name holds cmd's operators too.

// psLineHead is run.ps1's "$line = '...'" assignment: the command line
// before the switches.
var psLineHead = regexp.MustCompile(`(?m)^    \$line = '([^']+)'$`)

// frontEndLine is the command line run.ps1 hands cmd.exe for these
// parameters (a name such as Quiet, or an error code, which run.ps1 passes
// as it is): the head, a space before each parameter's switch as run.ps1
// adds it, and the closing quote. -WhatIf's /plan goes last, as there.
func frontEndLine(t *testing.T, id string, params ...string) string {
	t.Helper()
	out, _ := bundles(t)
	ps1 := strings.ReplaceAll(string(out.Files[id+"/run.ps1"]), "\r\n", "\n")
	m := psLineHead.FindStringSubmatch(ps1)
	require.NotNil(t, m, "run.ps1 of %s builds no $line", id)
	require.Contains(t, ps1, `foreach ($word in $Switches) { $line += ' ' + $word }`)
	require.Contains(t, ps1, `$line += '"'`)
	line := m[1]
	for _, p := range params {
		switch {
		case strings.HasPrefix(p, "0x"):
			require.Contains(t, ps1, "if ($ErrorCode) { $switches += $ErrorCode }")
			line += " " + p
		case p == "WhatIf":
			require.Contains(t, ps1, "    $switches += '/plan'\n")
			line += " /plan"
		default:
			sw := regexp.MustCompile(`(?m)^if \(\$` + p + `\) \{ \$switches \+= '([^']+)' \}$`).FindStringSubmatch(ps1)
			require.NotNil(t, sw, "run.ps1 of %s maps no -%s", id, p)
			line += " " + sw[1]
		}
	}
	return line + `"`
}

// launch runs cmd.exe with exactly line as its arguments, as
// ProcessStartInfo does, through a batch file: the batch parser turns %%
// into %, and the line holds nothing else it would change (checked).
func launch(t *testing.T, p *wine.Prefix, line string) wine.Result {
	t.Helper()
	require.NotRegexp(t, `[&|<>^()!]`, line, "only variables carry the operators")
	file := p.HostPath(`C:\launch\run-ps1.cmd`)
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
	body := "@\"%SystemRoot%\\system32\\cmd.exe\" " + strings.ReplaceAll(line, "%", "%%") + "\r\n"
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
	return p.Run("", file)
}

func TestRunPS1CommandLineRunsRunCmd(t *testing.T) {
	t.Parallel()
	const folder = `C:\wufix bundles (x86) & co!\win 7`
	// Wine expands % again inside an expanded value (Windows never does;
	// NOTES.md), so neither folder has one here.
	const reports = `C:\reports (copies) & 100^!`
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		install(t, "win7", p.HostPath(folder))
		require.NoError(t, os.MkdirAll(p.HostPath(reports), 0o755))
		p.Setenv("WUFIX_PS1_RUN", folder+`\run.cmd`)
		p.Setenv("WUFIX_PS1_REPORT", reports)

		// -WhatIf: run.cmd /plan.
		r := launch(t, p, frontEndLine(t, "win7", "WhatIf"))
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Contains(t, r.Stdout, "Nothing is changed in this mode.")
		assert.NoDirExists(t, p.HostPath(`C:\windows\Logs\wufix`), "plan mode writes nothing")

		// An error code with no plan: run.cmd's exit code 2 comes back.
		r = launch(t, p, frontEndLine(t, "win7", "0x8024FFFF"))
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 2, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, "run.cmd: unknown switch, or an error code with no plan in this bundle: 0x8024FFFF")

		// -Quiet -Report DIR: a run, its report, and the copy.
		r = launch(t, p, frontEndLine(t, "win7", "Quiet", "Report"))
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Empty(t, r.Stdout, "/quiet")
		rep := readReport(t, p, "win7-0001")
		assert.Equal(t, 0, rep.ExitCode)
		assert.NotEmpty(t, rep.Steps)
		copies, err := filepath.Glob(filepath.Join(p.HostPath(reports), "*-win7-0001.json"))
		require.NoError(t, err)
		assert.Len(t, copies, 1, "the report copied to the folder named in the variable")

		// -Undo -Quiet
		r = launch(t, p, frontEndLine(t, "win7", "Undo", "Quiet"))
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Equal(t, "undo", readReport(t, p, "win7-0002").Mode)
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undone`))
		return false
	})
}
