package dialect

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// PS1 is the PowerShell dialect: UTF-8 with a byte-order mark and CRLF.
// Windows PowerShell 5.1 and older read a BOM-less script in the ANSI code
// page, which turns non-ASCII bytes into stray quote characters.
type PS1 struct{}

func (PS1) Name() string { return "ps1" }

func (PS1) Comment(text string) string {
	if text == "" {
		return "#"
	}
	return "# " + text
}

func (PS1) Encode(text string) ([]byte, error) {
	return crlfBytes(BOM, text)
}

// PSQuote returns s as a single-quoted PowerShell string literal, in which
// nothing is expanded. PowerShell also ends single-quoted strings on the
// typographic quotes U+2018..U+201B, so those are doubled too.
func PSQuote(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("powershell text %q holds a line break", s)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("powershell text %q is not UTF-8", s)
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		b.WriteRune(r)
		if r == '\'' || (r >= '\u2018' && r <= '\u201b') {
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}
