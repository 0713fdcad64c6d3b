// Package dialect owns the bytes of each generated file type: line endings,
// encoding, byte-order mark, comment syntax and escaping. Templates produce
// LF text; a dialect decides what reaches the disk.
package dialect

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Dialect turns rendered LF text into the bytes of one file type.
type Dialect interface {
	// Name is the file extension the dialect serves, without the dot.
	Name() string
	// Comment renders one comment line, without the line ending.
	Comment(text string) string
	// Encode converts LF text into the file's bytes. It fails on characters
	// the file type cannot carry.
	Encode(text string) ([]byte, error)
}

// ForFile returns the dialect for a file name, or nil when the file is not
// a script the generator encodes (manifest.json, SHA256SUMS).
func ForFile(name string) Dialect {
	switch {
	case strings.HasSuffix(name, ".cmd"):
		return Cmd{}
	case strings.HasSuffix(name, ".ps1"):
		return PS1{}
	case strings.HasSuffix(name, ".reg"):
		return Reg{}
	case strings.HasSuffix(name, ".xml"):
		return XML{}
	case strings.HasSuffix(name, ".ru.txt"):
		return TextRU{}
	case strings.HasSuffix(name, ".txt"):
		return Text{}
	}
	return nil
}

// crlf normalises text to CRLF line endings with exactly one final line
// ending. A CR already in the text is an error: templates are LF text. So
// is text that is not UTF-8, which the UTF-16 and UTF-8 encoders would
// otherwise turn into U+FFFD without a word.
func crlf(text string) (string, error) {
	out, err := crlfBytes("", text)
	return string(out), err
}

// crlfBytes is prefix and crlf's text as the file's bytes, written once.
func crlfBytes(prefix, text string) ([]byte, error) {
	if i := strings.IndexByte(text, '\r'); i >= 0 {
		return nil, fmt.Errorf("carriage return at byte %d: templates must use LF line endings", i)
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("byte %d is not UTF-8", invalidAt(text))
	}
	text = strings.TrimRight(text, "\n")
	lines := strings.Count(text, "\n") + 1
	out := make([]byte, 0, len(prefix)+len(text)+2*lines)
	out = append(out, prefix...)
	for {
		line, rest, more := strings.Cut(text, "\n")
		out = append(append(out, line...), '\r', '\n')
		if !more {
			return out, nil
		}
		text = rest
	}
}

// ascii reports the first byte outside printable ASCII, tab and line
// endings, with its line number.
func ascii(text string) error {
	line := 1
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\n':
			line++
		case c == '\r' || c == '\t':
		case c < 0x20 || c > 0x7e:
			return fmt.Errorf("line %d: byte 0x%02x is not ASCII: the file is read in the OEM code page", line, c)
		}
	}
	return nil
}

// Text is README.txt: ASCII with CRLF, so Notepad on XP shows it right.
type Text struct{}

func (Text) Name() string                       { return "txt" }
func (Text) Comment(text string) string         { return text }
func (Text) Encode(text string) ([]byte, error) { return asciiCRLF(text) }

// asciiCRLF is the bytes of run.cmd and README.txt: ASCII only, read the
// same in every code page, with CRLF line endings.
func asciiCRLF(text string) ([]byte, error) {
	if err := ascii(text); err != nil {
		return nil, err
	}
	return crlfBytes("", text)
}

// BOM is the UTF-8 byte-order mark. Notepad on XP to 11 reads a file that
// starts with it as UTF-8 whatever the system code page; without it XP's
// Notepad would show Russian text as the ANSI code page's letters.
const BOM = "\xef\xbb\xbf"

// TextRU is a Russian text file (README.ru.txt, INDEX.ru.txt): UTF-8 with
// a BOM and CRLF. Only the READMEs are Russian: console messages stay
// ASCII, as cmd on XP cannot show UTF-8 reliably.
type TextRU struct{}

func (TextRU) Name() string               { return "ru.txt" }
func (TextRU) Comment(text string) string { return text }
func (TextRU) Encode(text string) ([]byte, error) {
	if strings.HasPrefix(text, BOM) {
		return nil, fmt.Errorf("the text starts with a byte-order mark: the dialect adds it")
	}
	if err := printableUTF8(text); err != nil {
		return nil, err
	}
	return crlfBytes(BOM, text)
}

// printableUTF8 reports invalid UTF-8 and control characters other than
// tab and line endings, with their line number.
func printableUTF8(text string) error {
	line := 1
	for i, r := range text {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(text[i:], "\uFFFD"):
			return fmt.Errorf("line %d: byte 0x%02x is not valid UTF-8", line, text[i])
		case r == '\n':
			line++
		case r == '\r' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Errorf("line %d: control character U+%04X", line, r)
		}
	}
	return nil
}

// invalidAt is the offset of the first byte of text that is not UTF-8.
func invalidAt(text string) int {
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				return i
			}
		}
	}
	return len(text)
}
