package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCommands pins how the lint finds the command words of a cmd line:
// past @, if conditions, do and else, at every & | ( ), and not in a for's
// list or inside quotes.
func TestCommands(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{`if errorlevel 1 goto x`, []string{"goto"}},
		{`if /i not "%A%"=="b" sc query`, []string{"sc"}},
		{`if %X% GEQ 5 pause`, []string{"pause"}},
		{`if "%A%" == "b" choice /t 5`, []string{"choice"}},
		{`for %%S in (reg find) do call :x`, []string{"for", "call"}},
		{`echo.done & reg add ^& x`, []string{"echo.done", "reg"}},
		{`@timeout /t 1`, []string{"timeout"}},
		{`if exist "x" (`, nil},
		{`) else set /p A=`, []string{"set"}},
		{`set "MSG=run sc && pause"`, []string{"set"}},
	}
	for _, tc := range cases {
		var got []string
		for _, c := range segments(mask(tc.line)) {
			got = append(got, c.word)
		}
		assert.Equal(t, tc.want, got, tc.line)
	}
}

// TestLintLineMarks: the marks {{lineof}} leaves for numbering after
// pruning pass the character rule; any other control byte does not.
func TestLintLineMarks(t *testing.T) {
	mark, err := lineof("do_x")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		bad  bool
	}{
		{"rem " + mark + " step x", false},
		{"rem " + mark + mark, false},
		{"rem \x01line:not a label\x01", true},
		{"rem " + mark + " \x02", true},
	} {
		l := &linter{}
		l.chars(cmdLine{text: tc.text})
		assert.Equal(t, tc.bad, len(l.problems) > 0, "%q", tc.text)
	}
}

// TestLintDelayedCall: a call between setlocal EnableDelayedExpansion and
// what ends that stretch is refused; one after it is not.
func TestLintDelayedCall(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		bad   bool
	}{
		{[]string{"setlocal EnableDelayedExpansion", "echo.!MSG!", "endlocal", "call :log"}, false},
		{[]string{"setlocal EnableDelayedExpansion", "if defined X call :log"}, true},
		{[]string{"setlocal EnableDelayedExpansion", "goto :eof", ":next", "call :log"}, false},
		{[]string{"setlocal EnableDelayedExpansion", "exit /b 0", "call :log"}, false},
		{[]string{"setlocal EnableDelayedExpansion", `set "MSG=call :log"`}, false},
		{[]string{"setlocal EnableDelayedExpansion", "rem call :log"}, false},
	} {
		l := &linter{labels: map[string]label{}}
		for _, text := range tc.lines {
			l.line(cmdLine{text: text})
		}
		assert.Equal(t, tc.bad, len(l.problems) > 0, "%q: %v", tc.lines, l.problems)
	}
}
