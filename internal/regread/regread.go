// Package regread reads .reg files back, stricter than regedit, so tests can
// check what a bundle's .reg files and Wine's registry exports hold. The
// generator only writes .reg files (dialect.RegText); nothing it ships reads them.
package regread

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/wufix/wufix/generator/dialect"
)

// Binary is hex: data (REG_BINARY). dialect.RegText cannot write it yet; the
// reader returns its bytes unchanged in dialect.RegValue.Data.
const Binary dialect.RegType = "binary"

// regedit4Header starts the older ANSI format, still accepted by every
// Windows version and written by XP's regedit when asked for Win9x files.
const regedit4Header = "REGEDIT4"

// regRoots are the hive names the importers accept in a [key] line; a
// file naming another root is skipped by Windows without a word.
var regRoots = []string{
	"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT",
	"HKEY_USERS", "HKEY_CURRENT_CONFIG",
}

// Parse reads a .reg file: version 5.00 (UTF-16LE with BOM) or REGEDIT4
// (Windows-1252). It is deliberately stricter than regedit and reg import,
// which skip lines they do not understand and still report success: every
// line must be a comment, a key, a value or a hex continuation, or Parse
// fails naming the line.
//
// Values come back as dialect.RegText takes them: dword in DWORD (Data left empty),
// hex(2) as expand, hex(7) as multi, hex: as Binary with the raw bytes
// in Data; other hex(N) types keep their raw bytes with Type "hex(N)".
func Parse(data []byte) ([]dialect.RegKey, error) {
	text, ansi, err := regDecode(data)
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	p := regParser{ansi: ansi}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		// A hex value may continue over several lines; join them here so
		// errors name the line where the value starts.
		start := i
		line := strings.TrimSuffix(lines[i], "\r")
		for p.continues(line) {
			if i+1 == len(lines) {
				return nil, fmt.Errorf("line %d: hex data continues past the end of the file", start+1)
			}
			i++
			line = strings.TrimRight(line, " \t")
			line = line[:len(line)-1] + strings.TrimLeft(strings.TrimSuffix(lines[i], "\r"), " \t")
		}
		if err := p.line(start+1, line); err != nil {
			return nil, err
		}
	}
	if !p.seenHeader {
		return nil, errors.New("line 1: empty file: no registry editor header")
	}
	return p.keys, nil
}

// regDecode turns the file into text. A UTF-16LE BOM means version 5.00;
// no BOM means REGEDIT4 in the ANSI code page (1252 on the systems we target).
func regDecode(data []byte) (text string, ansi bool, err error) {
	if len(data) >= 2 && data[0] == 0xff && data[1] == 0xfe {
		if len(data)%2 != 0 {
			return "", false, errors.New("UTF-16 file has an odd number of bytes")
		}
		units := make([]uint16, (len(data)-2)/2)
		for i := range units {
			units[i] = binary.LittleEndian.Uint16(data[2+2*i:])
		}
		return string(utf16.Decode(units)), false, nil
	}
	return Decode1252(data), true, nil
}

type regParser struct {
	ansi       bool
	seenHeader bool
	keys       []dialect.RegKey
}

// continues reports whether line is hex data ending in a backslash, the
// only place a backslash continues a line (in a string it is a character).
func (p *regParser) continues(line string) bool {
	if !p.seenHeader || !strings.HasSuffix(strings.TrimRight(line, " \t"), `\`) {
		return false
	}
	_, rest, err := regName(strings.TrimLeft(line, " \t"))
	rest, isValue := strings.CutPrefix(rest, "=")
	return err == nil && isValue && strings.HasPrefix(strings.TrimLeft(rest, " \t"), "hex")
}

func (p *regParser) line(n int, line string) error {
	trimmed := strings.Trim(line, " \t")
	if !p.seenHeader {
		return p.header(n, trimmed)
	}
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, ";"):
		return nil
	case strings.HasPrefix(trimmed, "["):
		return p.key(n, trimmed)
	case strings.HasPrefix(trimmed, `"`) || strings.HasPrefix(trimmed, "@"):
		return p.value(n, trimmed)
	}
	return fmt.Errorf("line %d: %q is not a comment, [key] or value line", n, trimmed)
}

func (p *regParser) header(n int, line string) error {
	switch {
	case !p.ansi && line == dialect.RegHeader, p.ansi && line == regedit4Header:
		p.seenHeader = true
		return nil
	case line == dialect.RegHeader:
		return fmt.Errorf("line %d: a version 5.00 file must be UTF-16LE with a byte-order mark", n)
	case line == regedit4Header:
		return fmt.Errorf("line %d: a REGEDIT4 file must be ANSI, not UTF-16", n)
	}
	return fmt.Errorf("line %d: want %q or %q as the first line, found %q", n, dialect.RegHeader, regedit4Header, line)
}

func (p *regParser) key(n int, line string) error {
	if !strings.HasSuffix(line, "]") {
		return fmt.Errorf("line %d: key line %q does not end with ]", n, line)
	}
	path := line[1 : len(line)-1]
	k := dialect.RegKey{Path: path}
	if strings.HasPrefix(path, "-") {
		k = dialect.RegKey{Path: path[1:], Delete: true}
	}
	root, _, _ := strings.Cut(k.Path, `\`)
	if !regKnownRoot(root) {
		return fmt.Errorf("line %d: key %q does not start with a full hive name such as HKEY_LOCAL_MACHINE", n, k.Path)
	}
	if strings.HasSuffix(k.Path, `\`) || strings.Contains(k.Path, `\\`) {
		return fmt.Errorf("line %d: key %q has an empty path component", n, k.Path)
	}
	p.keys = append(p.keys, k)
	return nil
}

func regKnownRoot(root string) bool {
	for _, r := range regRoots {
		if strings.EqualFold(root, r) {
			return true
		}
	}
	return false
}

func (p *regParser) value(n int, line string) error {
	if len(p.keys) == 0 {
		return fmt.Errorf("line %d: value before any [key] line", n)
	}
	k := &p.keys[len(p.keys)-1]
	if k.Delete {
		return fmt.Errorf("line %d: value under [-%s], a key being deleted", n, k.Path)
	}
	name, rest, err := regName(line)
	if err != nil {
		return fmt.Errorf("line %d: %w", n, err)
	}
	if !strings.HasPrefix(rest, "=") {
		return fmt.Errorf("line %d: want = after the value name, found %q", n, rest)
	}
	v, err := p.data(strings.TrimLeft(rest[1:], " \t"))
	if err != nil {
		return fmt.Errorf("line %d: value %q: %w", n, name, err)
	}
	v.Name = name
	k.Values = append(k.Values, v)
	return nil
}

// regName reads @ or a quoted name and returns what follows it.
func regName(line string) (name, rest string, err error) {
	if strings.HasPrefix(line, "@") {
		return "", line[1:], nil
	}
	name, rest, err = regQuoted(line)
	if err == nil && name == "" {
		// "" and @ both mean the default value; regedit writes only @.
		return "", "", errors.New(`empty value name "": write @ for the default value`)
	}
	return name, rest, err
}

// regQuoted reads a "..." string at the start of s. Backslash escapes only
// a backslash or a quote; anything else after one is an error rather than
// the guess each importer makes differently.
func regQuoted(s string) (text, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", fmt.Errorf("want a quoted string, found %q", s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) || (s[i+1] != '\\' && s[i+1] != '"') {
				return "", "", fmt.Errorf("unknown escape in %q: only \\\\ and \\\" are allowed", s)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated string %q", s)
}

func (p *regParser) data(s string) (dialect.RegValue, error) {
	switch {
	case s == "-":
		return dialect.RegValue{Type: dialect.RegDelete}, nil
	case strings.HasPrefix(s, `"`):
		text, rest, err := regQuoted(s)
		if err != nil {
			return dialect.RegValue{}, err
		}
		if strings.Trim(rest, " \t") != "" {
			return dialect.RegValue{}, fmt.Errorf("unexpected %q after the string", rest)
		}
		return dialect.RegValue{Type: dialect.RegSZ, Data: text}, nil
	case strings.HasPrefix(s, "dword:"):
		return regDWORD(s[len("dword:"):])
	case strings.HasPrefix(s, "hex"):
		return p.hexValue(s)
	}
	return dialect.RegValue{}, fmt.Errorf("unknown data %q", s)
}

// regDWORD takes one to eight hex digits, as regedit does; we write eight.
func regDWORD(s string) (dialect.RegValue, error) {
	s = strings.TrimRight(s, " \t")
	if len(s) == 0 || len(s) > 8 {
		return dialect.RegValue{}, fmt.Errorf("dword %q: want 1 to 8 hex digits", s)
	}
	n, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return dialect.RegValue{}, fmt.Errorf("dword %q is not hexadecimal", s)
	}
	return dialect.RegValue{Type: dialect.RegDWORD, DWORD: uint32(n)}, nil
}

func (p *regParser) hexValue(s string) (dialect.RegValue, error) {
	kind, list, ok := strings.Cut(s, ":")
	if !ok {
		return dialect.RegValue{}, fmt.Errorf("%q: want hex: or hex(N):", s)
	}
	raw, err := regHexBytes(list)
	if err != nil {
		return dialect.RegValue{}, err
	}
	switch kind {
	case "hex", "hex(3)":
		return dialect.RegValue{Type: Binary, Data: string(raw)}, nil
	case "hex(2)":
		text, err := p.regStrings(raw)
		return dialect.RegValue{Type: dialect.RegExpandSZ, Data: text}, err
	case "hex(7)":
		text, err := p.regStrings(raw)
		return dialect.RegValue{Type: dialect.RegMultiSZ, Multi: regSplitMulti(text)}, err
	}
	if !regHexKind(kind) {
		return dialect.RegValue{}, fmt.Errorf("unknown data type %q", kind)
	}
	return dialect.RegValue{Type: dialect.RegType(kind), Data: string(raw)}, nil
}

// regHexKind accepts hex(0) to hex(ffffffff): the importers take any type
// number, and Wine writes hex(0) and hex(b) for REG_NONE and REG_QWORD.
func regHexKind(kind string) bool {
	if !strings.HasPrefix(kind, "hex(") || !strings.HasSuffix(kind, ")") {
		return false
	}
	num := kind[len("hex(") : len(kind)-1]
	_, err := strconv.ParseUint(num, 16, 32)
	return err == nil && num == strings.ToLower(num)
}

// regHexBytes reads "01,02,ff" (possibly empty). Each byte is exactly two
// hex digits: regedit writes them so, and a lone digit is more likely a typo.
func regHexBytes(list string) ([]byte, error) {
	list = strings.TrimRight(list, " \t")
	if list == "" {
		return nil, nil
	}
	items := strings.Split(list, ",")
	out := make([]byte, len(items))
	for i, item := range items {
		item = strings.Trim(item, " \t")
		n, err := strconv.ParseUint(item, 16, 8)
		if len(item) != 2 || err != nil {
			return nil, fmt.Errorf("hex byte %d is %q: want two hex digits", i+1, item)
		}
		out[i] = byte(n)
	}
	return out, nil
}

// regStrings decodes string data: UTF-16LE in version 5.00 files, ANSI in
// REGEDIT4 ones. The terminating NUL is dropped; hex(7) keeps the inner ones.
func (p *regParser) regStrings(raw []byte) (string, error) {
	if p.ansi {
		return strings.TrimSuffix(Decode1252(raw), "\x00"), nil
	}
	if len(raw)%2 != 0 {
		return "", fmt.Errorf("%d bytes of UTF-16 data: want an even number", len(raw))
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	return strings.TrimSuffix(string(utf16.Decode(units)), "\x00"), nil
}

// regSplitMulti splits NUL-separated strings whose list ends in an empty
// string (the second NUL of the final pair): "a\0b\0" is [a b].
func regSplitMulti(text string) []string {
	text = strings.TrimSuffix(text, "\x00")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\x00")
}

// cp1252High maps bytes 0x80-0x9f of Windows-1252; the other bytes equal
// their Unicode code points. The five unassigned bytes map to the C1
// controls, as Windows' own conversion does.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

// Decode1252 decodes Windows-1252, the ANSI code page of the systems the
// generator targets: REGEDIT4 files and the output of cmd under Wine.
func Decode1252(data []byte) string {
	var b strings.Builder
	for _, c := range data {
		if c >= 0x80 && c < 0xa0 {
			b.WriteRune(cp1252High[c-0x80])
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}
