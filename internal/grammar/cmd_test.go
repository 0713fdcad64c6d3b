//go:build cgo && grammar

package grammar

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckCmd(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		want []string // "line:col: message"; empty means the file passes
	}{
		// A complete script in the style the generator writes.
		{"realistic script passes", fixture(t, "repair.cmd", crlf), nil},
		{"empty file passes", nil, nil},

		// Syntax, from the batch grammar.
		{"balanced if/else passes",
			crlf("if \"%~1\"==\"\" (\n  echo none\n) else (\n  echo some\n)\n"), nil},
		{"unclosed parenthesis fails",
			crlf("if \"%~1\"==\"\" (\n  echo none\n"),
			[]string{`1:1: syntax error near "if \"%~1\"==\"\" ("`}},
		{"stray closing parenthesis fails",
			crlf("echo one\n)\n"),
			[]string{`2:1: syntax error near ")"`}},
		{"else on its own line fails",
			crlf("if \"%~1\"==\"\" (\n  echo none\n)\nelse (\n  echo some\n)\n"),
			[]string{"4:7: syntax error at end of line"}},

		// Labels.
		{"goto and call reach defined labels",
			crlf("call :work 1\ngoto done\n:work\nexit /b 0\n:done\n"), nil},
		{"labels compare without case",
			crlf("goto :Finish\n:FINISH\n"), nil},
		{"goto :eof is built in in any case and spacing",
			crlf("goto :eof\nGOTO :EOF\ngoto:eof\n@goto :eof\n"), nil},
		{"goto and call in blocks and loops are checked",
			crlf("if errorlevel 1 (\n  goto :fail\n)\nfor %%F in (a b) do call :each %%F\n"),
			[]string{
				"2:8: goto target :fail is not a label in this file",
				"4:26: call target :each is not a label in this file",
			}},
		{"goto to an undefined label fails",
			crlf("goto :missing\n:present\n"),
			[]string{"1:6: goto target :missing is not a label in this file"}},
		{"call to an undefined label fails",
			crlf("call :nosub arg\n"),
			[]string{"1:6: call target :nosub is not a label in this file"}},
		{"goto eof without colon needs a label",
			crlf("goto eof\n"),
			[]string{"1:6: goto target :eof is not a label in this file"}},
		{"goto without a label fails",
			crlf("goto\n"),
			[]string{"1:5: goto without a label"}},
		{"computed targets are not checked",
			crlf("call :plan_%PLAN% x\ngoto step_%N%\ngoto :%NEXT%\ncall :!HANDLER!\n"), nil},
		// Known trap: the grammar rejects a call whose whole label is
		// computed; the checker accepts it.
		{"call of a wholly computed label passes",
			crlf("call :%HANDLER% arg\n"), nil},
		{"a colon alone is still an error",
			crlf("call : x\n"),
			[]string{`1:6: syntax error near ": x"`, `1:6: syntax error near ":"`}},
		{"call of a program is not a label",
			crlf("call \"%~dp0other.cmd\" :x\ncall setup.cmd\n"), nil},
		{"labels named in comments and echo do not count",
			crlf("rem goto nowhere\n:: call :nowhere\necho goto nowhere\n"), nil},

		// Line endings.
		{"LF-only line fails",
			[]byte("echo one\r\necho two\necho three\r\n"),
			[]string{"2:9: line ends in LF only, want CRLF"}},
		{"bare CR fails",
			[]byte("echo one\recho two\r\n"),
			[]string{
				"1:9: carriage return without line feed, want CRLF",
				"1:9: syntax error at end of line",
				`1:9: syntax error near "\recho two"`,
			}},
		{"missing final line ending fails",
			[]byte("echo one\r\necho two"),
			[]string{"2:9: last line does not end in CRLF"}},
		{"LF-only file is reported briefly",
			[]byte(strings.Repeat("rem x\n", 8)),
			[]string{
				"1:6: line ends in LF only, want CRLF",
				"2:6: line ends in LF only, want CRLF",
				"3:6: line ends in LF only, want CRLF",
				"4:6: line ends in LF only, want CRLF",
				"5:6: line ends in LF only, want CRLF",
				"9:1: 3 more line endings are not CRLF",
			}},

		// Encoding.
		{"non-ASCII byte fails once",
			crlf("echo caf\xC3\xA9\necho \xC3\xA9\n"),
			[]string{"1:9: non-ASCII byte 0xC3: cmd.exe reads scripts in the OEM code page, keep .cmd files ASCII"}},
		{"UTF-8 BOM fails",
			append([]byte("\xEF\xBB\xBF"), crlf("echo x\n")...),
			[]string{"1:1: non-ASCII byte 0xEF: cmd.exe reads scripts in the OEM code page, keep .cmd files ASCII"}},

		// Known trap of the batch grammar: an unquoted set /a directly before
		// the ")" that closes its block takes the ")" into the expression.
		// The block then fails to parse; the extra finding says why.
		{"unquoted set /a before ) fails with a hint",
			crlf("if \"a\"==\"a\" (set /a N+=1)\necho done\n"),
			[]string{
				`1:1: syntax error near "if \"a\"==\"a\" (set /a N+=1)"`,
				`1:21: unquoted set /a N+=1 before ")" breaks the block; write set /a "N+=1"`,
			}},
		{"quoted set /a before ) passes",
			crlf("if \"a\"==\"a\" (set /a \"N+=1\")\necho done\n"), nil},
		{"unquoted set /a on its own line in a block passes",
			crlf("if \"a\"==\"a\" (\n  set /a N+=1\n)\n"), nil},
		{"set /a with balanced parentheses passes",
			crlf("set /a N=(1+2)*3\n"), nil},

		// Known trap: after a quoted "if exist" operand the grammar rejects a
		// quoted command. Wrapping the command in parentheses parses, and
		// reads better too.
		{"quoted command after if exist \"file\" is a false positive",
			crlf("if exist \"a.txt\" \"%SystemRoot%\\regedit.exe\" /s x.reg\n"),
			[]string{
				`1:1: syntax error near "if exist \"a.txt\" \"%SystemRoot%\\regedit.e..."`,
				`1:45: syntax error near "/"`,
			}},
		{"quoted command in parentheses after if exist passes",
			crlf("if exist \"a.txt\" (\"%SystemRoot%\\regedit.exe\" /s x.reg)\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckCmd("x.cmd", tt.src)
			assert.Equal(t, nonNil(tt.want), findings(got))
			for _, p := range got {
				assert.Equal(t, "x.cmd", p.File)
			}
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestProblemString(t *testing.T) {
	p := Problem{File: "golden/win7/run.cmd", Line: 3, Col: 14, Msg: "goto target :x is not a label in this file"}
	assert.Equal(t, "golden/win7/run.cmd:3:14: goto target :x is not a label in this file", p.String())
}
