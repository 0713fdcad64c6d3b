package dialect

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests read the escaped text back with small models of the
// readers, written from the rules the readers document (cmd's two parsing
// phases, PowerShell's single-quoted strings, the .reg format's quoted
// strings), not from the escaping code. internal/wine's escape test
// proves the cmd functions against Wine's real cmd where Wine is present.

// cmdLine is what cmd's parser makes of one batch line: the text a command
// receives, and whether quotes were left open at the end.
type cmdLine struct {
	text     string
	inQuotes bool
}

// readCmdLine models how cmd reads a batch line, given whether it starts
// inside quotes. Phase 1 expands percents: %% is one %, a reference named
// in env becomes its value, and any other % is an expansion, which an
// escaped text must not hold. Phase 2 reads quotes and carets in the
// expanded text (so a value's own characters count): a quote toggles
// quoting and stays; outside quotes a caret makes the next character
// literal, and &|<>() are operators, which an escaped text must not hold
// either. A caret at the very end continues the line.
func readCmdLine(line string, inQuotes bool, env map[string]string) (cmdLine, error) {
	var expanded strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] != '%' {
			expanded.WriteByte(line[i])
			continue
		}
		if strings.HasPrefix(line[i:], "%%") {
			expanded.WriteByte('%')
			i++
			continue
		}
		ref, value := envReference(line[i:], env)
		if ref == "" {
			return cmdLine{}, fmt.Errorf("percent at %d is expanded", i)
		}
		expanded.WriteString(value)
		i += len(ref) - 1
	}
	var out strings.Builder
	s := expanded.String()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQuotes = !inQuotes
			out.WriteByte(c)
		case inQuotes:
			out.WriteByte(c)
		case c == '^' && i == len(s)-1:
			return cmdLine{}, fmt.Errorf("caret at the end continues the line")
		case c == '^':
			i++
			out.WriteByte(s[i])
		case strings.IndexByte("&|<>()", c) >= 0:
			return cmdLine{}, fmt.Errorf("operator %q at %d", c, i)
		default:
			out.WriteByte(c)
		}
	}
	return cmdLine{out.String(), inQuotes}, nil
}

// envReference returns the %NAME% reference of env that s starts with, and
// its value.
func envReference(s string, env map[string]string) (ref, value string) {
	for name, value := range env {
		if strings.HasPrefix(s, "%"+name+"%") {
			return "%" + name + "%", value
		}
	}
	return "", ""
}

func TestCmdEscape(t *testing.T) {
	cases := []struct {
		in       string
		inQuotes bool
		want     string
	}{
		{"", false, ""},
		{"plain text", false, "plain text"},
		{"50%", false, "50%%"},
		{"%PATH%", true, "%%PATH%%"},
		{"a&b|c<d>e(f)g^h", false, "a^&b^|c^<d^>e^(f^)g^^h"},
		{"a&b|c<d>e(f)g^h", true, "a&b|c<d>e(f)g^h"},
		{`say "a&b" & c`, false, `say "a&b" ^& c`},
		{`a" & "b`, true, `a" ^& "b`},
		{"bang!", false, "bang!"},
		{"tab\there", false, "tab\there"},
	}
	for _, c := range cases {
		got, err := CmdEscape(c.in, c.inQuotes)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, "CmdEscape(%q, %v)", c.in, c.inQuotes)
		read, err := readCmdLine(got, c.inQuotes, nil)
		require.NoError(t, err, got)
		assert.Equal(t, c.in, read.text, "cmd reads %q back", got)
	}
	for _, bad := range []string{"a\rb", "a\nb", "a\x00b", "caf\u00e9", "\x1b[0m", "\x7f"} {
		_, err := CmdEscape(bad, false)
		assert.Error(t, err, "%q", bad)
	}
}

// machineEnv are values a reference may have on a real machine.
var machineEnv = map[string]string{
	"SystemRoot":        `C:\Windows`,
	"ProgramFiles(x86)": `C:\Program Files (x86)`,
	"TEMP":              `C:\Users\A&B\AppData\Local\Temp`,
}

func TestCmdEscapeEnvKeepsReferences(t *testing.T) {
	expand := strings.NewReplacer("%SystemRoot%", machineEnv["SystemRoot"],
		"%ProgramFiles(x86)%", machineEnv["ProgramFiles(x86)"], "%TEMP%", machineEnv["TEMP"])
	cases := []struct{ in, want string }{
		{`%SystemRoot%\SoftwareDistribution`, `%SystemRoot%\SoftwareDistribution`},
		{`%ProgramFiles(x86)%\A & B`, `%ProgramFiles(x86)%\A & B`},
		{`100% of %TEMP%`, `100%% of %TEMP%`},
		{`%1 %~dp0 %`, `%%1 %%~dp0 %%`},
		{`%TEMP%\a" & "b`, `%TEMP%\a" ^& "b`},
	}
	for _, c := range cases {
		got, err := CmdEscapeEnv(c.in, true)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, "CmdEscapeEnv(%q)", c.in)
		read, err := readCmdLine(got, true, machineEnv)
		require.NoError(t, err, got)
		assert.Equal(t, expand.Replace(c.in), read.text, "cmd reads %q back", got)
	}
	// Outside quotes no escaping can reach what a reference expands to:
	// the value's own characters are parsed after expansion. This is why
	// CmdSetPath, its one caller, puts the path inside quotes.
	got, err := CmdEscapeEnv(`%ProgramFiles(x86)%\A`, false)
	require.NoError(t, err)
	_, err = readCmdLine(got, false, machineEnv)
	assert.Error(t, err, "the value's parentheses are operators outside quotes")
}

func TestCmdEchoAndSet(t *testing.T) {
	echo, err := CmdEcho("")
	require.NoError(t, err)
	assert.Equal(t, "echo.", echo, "an empty line, not the echo state")
	echo, err = CmdEcho("off & 50%")
	require.NoError(t, err)
	assert.Equal(t, "echo.off ^& 50%%", echo)

	set, err := CmdSet("V", "a&b 50% ")
	require.NoError(t, err)
	assert.Equal(t, `set "V=a&b 50%% "`, set)
	_, err = CmdSet("V", `a"b`)
	assert.Error(t, err, "a quote would end the quoted assignment")

	set, err = CmdSetPath("D", `%SystemRoot%\Temp\50% & co`)
	require.NoError(t, err)
	assert.Equal(t, `set "D=%SystemRoot%\Temp\50%% & co"`, set)
	_, err = CmdSetPath("D", `%TEMP%\"x"`)
	assert.Error(t, err)
}

func TestCmdComment(t *testing.T) {
	assert.Equal(t, "rem", Cmd{}.Comment(""))
	assert.Equal(t, "rem 100%% done, %%TEMP%% kept", Cmd{}.Comment("100% done, %TEMP% kept"))
}

// readPSQuoted models PowerShell's single-quoted string: it starts and ends
// at a single quote, and any of the single quotes (' and U+2018..U+201B)
// followed by another one stands for that second one. It returns the
// string and what follows its closing quote.
func readPSQuoted(s string) (text, rest string, err error) {
	runes := []rune(s)
	if len(runes) == 0 || !psSingleQuote(runes[0]) {
		return "", "", fmt.Errorf("no opening quote")
	}
	var b strings.Builder
	for i := 1; i < len(runes); i++ {
		if !psSingleQuote(runes[i]) {
			b.WriteRune(runes[i])
			continue
		}
		if i+1 < len(runes) && psSingleQuote(runes[i+1]) {
			b.WriteRune(runes[i+1])
			i++
			continue
		}
		return b.String(), string(runes[i+1:]), nil
	}
	return "", "", fmt.Errorf("no closing quote")
}

func psSingleQuote(r rune) bool { return r == '\'' || (r >= '\u2018' && r <= '\u201b') }

func TestPSQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "''"},
		{"it's", "'it''s'"},
		{"$env:TEMP `n $(x) @{}", "'$env:TEMP `n $(x) @{}'"},
		{"\u2018typographic\u2019", "'\u2018\u2018typographic\u2019\u2019'"},
		{"\u201a\u201b\"", "'\u201a\u201a\u201b\u201b\"'"},
	}
	for _, c := range cases {
		got, err := PSQuote(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, "PSQuote(%q)", c.in)
		text, rest, err := readPSQuoted(got)
		require.NoError(t, err, got)
		assert.Equal(t, c.in, text)
		assert.Empty(t, rest, "the literal ends where PSQuote ends it")
	}
	for _, bad := range []string{"a\nb", "a\rb", "\xeb"} {
		_, err := PSQuote(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// TestRegString pins the escaping; internal/regread reads it back (its
// round-trip test and FuzzRegRoundTrip).
func TestRegString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", `""`},
		{`C:\Windows`, `"C:\\Windows"`},
		{`say "hi"`, `"say \"hi\""`},
		{`\\server\share\`, `"\\\\server\\share\\"`},
		{"; [x] = @", `"; [x] = @"`},
	}
	for _, c := range cases {
		got := regString(c.in)
		assert.Equal(t, c.want, got, "regString(%q)", c.in)
	}
}

// FuzzCmdEscape: whatever ASCII text, cmd's parser (as modelled) reads the
// escaped line back as the text, with no operator, no expansion and the
// quote state it would have reached without escaping.
func FuzzCmdEscape(f *testing.F) {
	for _, s := range []string{"", "50%", `a"&"b`, "^^", "(x)|y", "%PATH%", "!x!", `"`, "a^"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, inQuotes bool) {
		esc, err := CmdEscape(s, inQuotes)
		if err != nil {
			if !strings.ContainsFunc(s, func(r rune) bool { return r > 0x7e || (r < 0x20 && r != '\t') }) {
				t.Fatalf("CmdEscape(%q) refused printable ASCII: %v", s, err)
			}
			return
		}
		read, err := readCmdLine(esc, inQuotes, nil)
		if err != nil {
			t.Fatalf("CmdEscape(%q, %v) = %q: %v", s, inQuotes, esc, err)
		}
		if read.text != s {
			t.Fatalf("CmdEscape(%q, %v) = %q, read back as %q", s, inQuotes, esc, read.text)
		}
		if want := inQuotes != (strings.Count(s, `"`)%2 == 1); read.inQuotes != want {
			t.Fatalf("CmdEscape(%q, %v) = %q ends with quotes open=%v", s, inQuotes, esc, read.inQuotes)
		}
		echo, err := CmdEcho(s)
		if err != nil || echo != "echo."+mustEscape(t, s, false) {
			t.Fatalf("CmdEcho(%q) = %q, %v", s, echo, err)
		}
	})
}

func mustEscape(t *testing.T, s string, inQuotes bool) string {
	t.Helper()
	esc, err := CmdEscape(s, inQuotes)
	if err != nil {
		t.Fatal(err)
	}
	return esc
}

// FuzzCmdSet: a value without a quote is stored exactly, inside one pair
// of quotes that nothing in the value closes early.
func FuzzCmdSet(f *testing.F) {
	for _, s := range []string{"", "a&b", "50% ", "x^y", "(1)", `%TEMP%`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := CmdSet("WUFIXV", s)
		if err != nil {
			return // a quote, a line break or non-ASCII: refused, as TestCmdEchoAndSet shows
		}
		read, err := readCmdLine(set, false, nil)
		if err != nil {
			t.Fatalf("CmdSet(%q) = %q: %v", s, set, err)
		}
		if want := `set "WUFIXV=` + s + `"`; read.text != want || read.inQuotes {
			t.Fatalf("CmdSet(%q) = %q, read back as %q (quotes open: %v)", s, set, read.text, read.inQuotes)
		}
	})
}

// FuzzPSQuote: any text without a line break comes back from the literal
// exactly, and the literal ends where PSQuote ends it.
func FuzzPSQuote(f *testing.F) {
	for _, s := range []string{"", "'", "''", "\u2019s", "$x", "a\u201b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := PSQuote(s)
		if err != nil {
			if !strings.ContainsAny(s, "\r\n") && utf8.ValidString(s) {
				t.Fatalf("PSQuote(%q): %v", s, err)
			}
			return
		}
		text, rest, err := readPSQuoted(q)
		if err != nil || text != s || rest != "" {
			t.Fatalf("PSQuote(%q) = %q, read back as %q + %q (%v)", s, q, text, rest, err)
		}
	})
}
