package wine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/internal/wine"
)

// escapeSeed makes the random strings reproducible; WUFIX_ESCAPE_SEED
// explores others (a failure message names the seed to rerun it).
const escapeSeed = 20261121

const escapeCases = 2500

// cmdAwkward are the characters cmd treats specially somewhere: percent
// and delayed expansion, carets, operators, quotes, parentheses, blanks.
const cmdAwkward = "%!^&|<>\"() \t"

// randomCmdText is printable ASCII, half of it from cmdAwkward.
func randomCmdText(r *rand.Rand) string {
	b := make([]byte, r.IntN(25))
	for i := range b {
		if r.IntN(2) == 0 {
			b[i] = cmdAwkward[r.IntN(len(cmdAwkward))]
		} else {
			b[i] = byte(0x20 + r.IntN(0x7f-0x20))
		}
	}
	return string(b)
}

// escapeCheck is one line the script must print, and the batch lines
// that print it.
type escapeCheck struct {
	input string // the random string
	how   string // which construct printed it
	lines []string
	want  string
}

// escapeChecks builds three checks per string:
//   - echo: CmdEcho(s) must print s;
//   - set: CmdSet stores s (behind an "x" so that an empty s still defines
//     the variable) and "set NAME" prints NAME=xs, proving the stored value;
//   - quoted: echo "%NAME%" must print "xs": how generated scripts use
//     variables, inside quotes.
//
// CmdSet refuses a value with a double quote (the quote would end the
// quoted assignment), so for those strings the refusal is what is checked.
func escapeChecks(t *testing.T, r *rand.Rand) []escapeCheck {
	var checks []escapeCheck
	for range escapeCases {
		s := randomCmdText(r)
		echo, err := dialect.CmdEcho(s)
		require.NoError(t, err)
		echoLines := []string{echo}
		if onOff(s) {
			// Wine takes echo.on as "echo on"; restore the echo state
			// so that one deviation cannot garble every later check.
			echoLines = append(echoLines, "@echo off")
		}
		checks = append(checks, escapeCheck{s, "echo", echoLines, s})
		set, err := dialect.CmdSet("WUFIXV", "x"+s)
		if strings.Contains(s, `"`) {
			require.Error(t, err, "CmdSet must refuse %q", s)
			continue
		}
		require.NoError(t, err)
		checks = append(checks,
			escapeCheck{s, "set", []string{set, "set WUFIXV"}, "WUFIXV=x" + s},
			escapeCheck{s, "quoted", []string{set, `echo "%WUFIXV%"`}, `"x` + s + `"`})
	}
	return checks
}

const escapeMarker = "@@WUFIX-CHECK-"

// escapeScript writes every check into one batch file, each followed by a
// marker line, so one Wine run (about a second) covers them all and a
// check that prints too much or nothing cannot shift the others.
func escapeScript(checks []escapeCheck) string {
	var b strings.Builder
	b.WriteString("@echo off\n")
	for i, c := range checks {
		for _, line := range c.lines {
			b.WriteString(line + "\n")
		}
		// Not "echo(": Wine 8 prints the parenthesis (see NOTES.md).
		fmt.Fprintf(&b, "echo %s%d@@\n", escapeMarker, i)
	}
	return b.String()
}

// splitByMarkers maps check index to the text printed before its marker.
func splitByMarkers(stdout string) map[int]string {
	got := map[int]string{}
	var acc []string
	for _, line := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(line, escapeMarker); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(rest, "@@"))
			got[n] = strings.Join(acc, "\n")
			acc = nil
			continue
		}
		acc = append(acc, line)
	}
	return got
}

func TestCmdEscapingUnderWine(t *testing.T) {
	seed := uint64(escapeSeed)
	if v := os.Getenv("WUFIX_ESCAPE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err)
		seed = n
	}
	t.Parallel()
	p := wine.NewPrefix(t)
	checks := escapeChecks(t, rand.New(rand.NewPCG(seed, seed)))
	dir := t.TempDir()
	writeCmd(t, dir, "escape.cmd", escapeScript(checks))

	r := p.Run(dir, "escape.cmd")
	t.Logf("%d checks in one run of %v", len(checks), r.Elapsed)
	r.AssertNoErrors(t)
	got := splitByMarkers(r.Stdout)
	failed := 0
	deviations := map[string]int{}
	for i, c := range checks {
		out, ok := got[i]
		if ok && out == c.want {
			continue
		}
		if reason := wineDeviation(c); reason != "" {
			deviations[reason]++
			continue
		}
		if failed++; failed <= 20 {
			t.Errorf("seed %d, %s check of %q:\n  script: %s\n  want:   %q\n  wine:   %q (marker seen: %v)",
				seed, c.how, c.input, strings.Join(c.lines, " / "), c.want, out, ok)
		}
	}
	for reason, n := range deviations {
		t.Logf("%d checks differ only by a known Wine deviation: %s", n, reason)
	}
	if failed > 0 {
		t.Errorf("%d of %d checks failed", failed, len(checks))
	}
}

// wineDeviation names the documented way (NOTES.md) in which Wine 8's cmd
// differs from Windows' for this check, or returns "". Such checks are
// counted, not failed: the script is right for Windows, and Wine cannot
// show it. Checks outside these cases are asserted in full.
func wineDeviation(c escapeCheck) string {
	switch {
	case c.how == "echo" && onOff(c.input):
		return `"echo.on" and "echo.off" switch echoing on and off in Wine`
	case c.how == "quoted" && strings.Contains(c.input, "%"):
		return "Wine expands %...% again inside the value of %VAR%"
	case c.how != "quoted" && caretAfterQuote(c.lines[0]):
		return "Wine may keep a caret that follows a double quote on the line"
	}
	return ""
}

// onOff reports text that echo takes as a switch rather than as text.
func onOff(s string) bool {
	return regexp.MustCompile(`(?i)^[ \t]*(on|off)[ \t]*$`).MatchString(s)
}

// caretAfterQuote reports a caret after the line's first double quote
// (set "NAME=... starts with one). Windows removes every caret outside
// quotes; Wine 8 keeps some of these, e.g. echo."a"^^"b" prints "a"^^"b".
func caretAfterQuote(line string) bool {
	i := strings.IndexByte(line, '"')
	return i >= 0 && strings.Contains(line[i:], "^")
}
