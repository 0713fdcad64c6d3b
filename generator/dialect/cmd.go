package dialect

import (
	"fmt"
	"regexp"
	"strings"
)

// Cmd is the batch dialect: ASCII with CRLF. cmd.exe seeks labels in
// 512-byte blocks and miscounts on LF-only files, and reads the file in the
// OEM code page, so anything beyond ASCII would be mangled.
type Cmd struct{}

func (Cmd) Name() string { return "cmd" }

func (Cmd) Comment(text string) string {
	if text == "" {
		return "rem"
	}
	// rem takes the rest of the line literally, but a percent sign is still
	// expanded in a batch file: double it so the comment reads as written.
	return "rem " + strings.ReplaceAll(text, "%", "%%")
}

func (Cmd) Encode(text string) ([]byte, error) { return asciiCRLF(text) }

// cmdSpecial are the characters cmd's parser treats as operators outside
// double quotes; a caret makes each one literal.
const cmdSpecial = "^&|<>()"

// CmdEscape escapes s for a batch file line so that cmd passes it through
// unchanged, given whether the text starts inside double quotes. Percent
// signs are doubled everywhere (expansion happens before quoting is seen);
// operators are caret-escaped only outside quotes, where a caret would
// otherwise be printed. Delayed expansion is never enabled by generated
// scripts, so '!' needs nothing.
func CmdEscape(s string, inQuotes bool) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == 0:
			return "", fmt.Errorf("cmd text %q holds a line break or NUL, which a batch line cannot carry", s)
		case r > 0x7e || (r < 0x20 && r != '\t'):
			return "", fmt.Errorf("cmd text %q holds %q, which is not ASCII", s, r)
		case r == '%':
			b.WriteString("%%")
		case r == '"':
			inQuotes = !inQuotes
			b.WriteRune(r)
		case !inQuotes && strings.ContainsRune(cmdSpecial, r):
			b.WriteByte('^')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// envRef is a %NAME% environment reference as catalog paths write them.
var envRef = regexp.MustCompile(`%[A-Za-z_][A-Za-z0-9_()]*%`)

// CmdEscapeEnv is CmdEscape for catalog paths such as
// %SystemRoot%\SoftwareDistribution: the %NAME% references are kept so cmd
// expands them on the machine; everything else is escaped.
func CmdEscapeEnv(s string, inQuotes bool) (string, error) {
	var b strings.Builder
	last := 0
	for _, m := range envRef.FindAllStringIndex(s, -1) {
		part, err := CmdEscape(s[last:m[0]], inQuotes)
		if err != nil {
			return "", err
		}
		inQuotes = inQuotes != (strings.Count(s[last:m[0]], `"`)%2 == 1)
		b.WriteString(part + s[m[0]:m[1]])
		last = m[1]
	}
	rest, err := CmdEscape(s[last:], inQuotes)
	return b.String() + rest, err
}

// CmdEcho returns a complete echo command that prints s exactly. "echo."
// rather than "echo " keeps an empty line, "on", "off" and "/?" literal.
func CmdEcho(s string) (string, error) {
	esc, err := CmdEscape(s, false)
	if err != nil {
		return "", err
	}
	return "echo." + esc, nil
}

// CmdSet returns `set "NAME=value"` that stores s exactly. The quotes
// around the assignment keep trailing spaces out and operators literal.
func CmdSet(name, s string) (string, error) {
	return cmdSet(name, s, "value", CmdEscape)
}

// CmdSetPath is CmdSet for a catalog path whose %NAME% references are
// expanded on the machine.
func CmdSetPath(name, s string) (string, error) {
	return cmdSet(name, s, "path", CmdEscapeEnv)
}

// cmdSet writes the quoted assignment with s escaped by escape; what names
// s in the error.
func cmdSet(name, s, what string, escape func(string, bool) (string, error)) (string, error) {
	if strings.Contains(s, `"`) {
		// A quote would end the quoted assignment early, leaving the rest of
		// the line to the parser.
		return "", fmt.Errorf("cmd %s %q holds a double quote", what, s)
	}
	esc, err := escape(s, true)
	if err != nil {
		return "", err
	}
	return `set "` + name + "=" + esc + `"`, nil
}
