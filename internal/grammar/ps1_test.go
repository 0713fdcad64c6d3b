//go:build cgo && grammar

package grammar

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckPS1(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		want []string // "line:col: message"; empty means the file passes
	}{
		// A complete PowerShell 2.0 script in the style the generator writes.
		{"realistic script passes", fixture(t, "repair.ps1", ps1), nil},
		// The grammar wants at least one statement; PowerShell does not.
		{"empty script passes", ps1(""), nil},
		{"comment-only script passes", ps1("# nothing to do\n\n<# really\nnothing #>\n"), nil},
		{"comment and a stray brace fails",
			ps1("# nothing to do\n}\n"),
			[]string{`1:1: syntax error near "# nothing to do"`, "2:2: syntax error at end of line"}},

		// Encoding and line endings.
		{"missing BOM fails",
			crlf("Write-Host 'x'\n"),
			[]string{"1:1: missing UTF-8 byte order mark: Windows PowerShell reads a script without one in the ANSI code page"}},
		{"columns on the first line ignore the BOM",
			ps1("$x = 1"),
			[]string{"1:7: last line does not end in CRLF"}},
		{"LF-only line fails",
			append(ps1("$a = 1\n"), "$b = 2\n"...),
			[]string{"2:7: line ends in LF only, want CRLF"}},
		{"non-ASCII text is fine in a UTF-8 script",
			ps1("Write-Host 'Mise à jour'\n"), nil},

		// Syntax, from the PowerShell grammar.
		{"missing closing brace fails",
			ps1("if ($true) {\n  Write-Host 'x'\n"),
			[]string{`2:17: syntax error: missing "}"`}},
		{"unterminated string fails",
			ps1("Write-Host 'x\n$y = 1\n"),
			[]string{`1:12: syntax error near "'"`, `1:12: syntax error near "'x"`}},
		{"unterminated here-string fails",
			ps1("$s = @\"\ntext\n"),
			[]string{`1:1: syntax error near "$s = @\""`, "2:5: syntax error at end of line"}},

		// try needs catch or finally; the grammar does not check that.
		{"try without catch or finally fails",
			ps1("try { Stop-Service wuauserv }\n"),
			[]string{"1:1: try without catch or finally"}},
		{"try with catch passes",
			ps1("try { Stop-Service wuauserv } catch { exit 1 }\n"), nil},
		{"try with finally passes",
			ps1("try { Stop-Service wuauserv } finally { exit 1 }\n"), nil},

		// The grammar rejects "break label"; the checker accepts it when the
		// label exists instead.
		{"break and continue to a loop label pass",
			ps1(":outer foreach ($a in 1..2) {\n  foreach ($b in 1..2) { if ($b) { continue Outer }; break outer }\n}\n"), nil},
		{"break to an undefined label fails",
			ps1("while ($true) { break nowhere }\n"),
			[]string{"1:23: break target :nowhere is not a loop label in this file"}},
		{"plain break passes",
			ps1("while ($true) { break }\n"), nil},

		// Known false positives of the grammar, kept here so that a grammar
		// upgrade that fixes them shows up. The generator avoids both forms.
		{"param block followed by code on the same line is a false positive",
			ps1("function F { param([string]$N) $N }\n"),
			[]string{`1:14: syntax error near "param([string]$N)"`}},
		{"param block on its own line passes",
			ps1("function F {\n  param([string]$N)\n  $N\n}\n"), nil},
		{"method named like a keyword is a false positive",
			ps1("$list.ForEach({ $_ })\n"),
			[]string{`1:1: syntax error near "$list.ForEach"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckPS1("x.ps1", tt.src, "2.0")
			assert.Equal(t, nonNil(tt.want), findings(got))
		})
	}
}

func TestCheckPS1Version(t *testing.T) {
	for _, v := range []string{"2.0", "3.0", "4.0", "5.0", "5.1", "7.4"} {
		assert.Empty(t, CheckPS1("x.ps1", ps1("$x = 1\n"), v), v)
	}
	for _, v := range []string{"", "2", "v2.0", "2.x", "0.9"} {
		assert.Equal(t,
			[]string{`1:1: unknown PowerShell version "` + v + `", want major.minor such as "2.0"`},
			findings(CheckPS1("x.ps1", ps1("$x = [ordered]@{}\n"), v)), v)
	}
}
