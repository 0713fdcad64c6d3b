package dialect

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// RegHeader is the first line of every generated .reg file. Version 5.00
// files are UTF-16LE with a BOM; regedit and reg import on 2000/XP and
// later accept them, and they carry any character a value may hold.
const RegHeader = "Windows Registry Editor Version 5.00"

// Reg is the registry-script dialect: UTF-16LE with BOM and CRLF.
type Reg struct{}

func (Reg) Name() string { return "reg" }

func (Reg) Comment(text string) string {
	if text == "" {
		return ";"
	}
	return "; " + text
}

func (Reg) Encode(text string) ([]byte, error) {
	if !strings.HasPrefix(text, RegHeader+"\n") {
		return nil, fmt.Errorf("a .reg file must start with %q", RegHeader)
	}
	out, err := crlf(text)
	if err != nil {
		return nil, err
	}
	return UTF16LE(out), nil
}

// UTF16LE is text as UTF-16LE bytes after a byte-order mark.
func UTF16LE(text string) []byte {
	units := utf16.Encode([]rune(text))
	buf := make([]byte, 2+2*len(units))
	buf[0], buf[1] = 0xff, 0xfe
	for i, u := range units {
		binary.LittleEndian.PutUint16(buf[2+2*i:], u)
	}
	return buf
}

// RegType is a registry value type as .reg files spell it.
type RegType string

const (
	RegSZ       RegType = "string"
	RegExpandSZ RegType = "expand"
	RegMultiSZ  RegType = "multi"
	RegDWORD    RegType = "dword"
	RegDelete   RegType = "delete" // removes the value
)

// RegValue is one value line under a key.
type RegValue struct {
	Name  string // "" is the key's default value
	Type  RegType
	Data  string   // string, expand and dword (decimal or 0x hex text)
	Multi []string // multi
	DWORD uint32   // dword, already parsed
}

// RegKey is one [key] section. Delete writes [-key] and ignores Values.
type RegKey struct {
	Path   string
	Delete bool
	Values []RegValue
}

// RegText renders keys as version 5.00 .reg text (LF; Encode makes CRLF).
func RegText(comments []string, keys []RegKey) (string, error) {
	var b strings.Builder
	b.WriteString(RegHeader + "\n")
	for _, c := range comments {
		b.WriteString(Reg{}.Comment(c) + "\n")
	}
	for _, k := range keys {
		if !strings.HasPrefix(k.Path, "HKEY_") {
			return "", fmt.Errorf("key %q: write the root in full (HKEY_LOCAL_MACHINE): the importers skip short roots", k.Path)
		}
		b.WriteString("\n")
		if k.Delete {
			fmt.Fprintf(&b, "[-%s]\n", k.Path)
			continue
		}
		fmt.Fprintf(&b, "[%s]\n", k.Path)
		for _, v := range k.Values {
			line, err := regLine(v)
			if err != nil {
				return "", fmt.Errorf("%s: %w", k.Path, err)
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String(), nil
}

func regLine(v RegValue) (string, error) {
	// The importers end a value at a line break and skip what follows
	// without a word, so a break inside a name or a string is refused.
	if strings.ContainsAny(v.Name+v.Data, "\r\n") {
		return "", fmt.Errorf("value %q holds a line break", v.Name)
	}
	if v.Type == RegMultiSZ && slices.Contains(v.Multi, "") {
		return "", fmt.Errorf("value %q: an empty string in a multi-string ends the list early", v.Name)
	}
	name := "@"
	if v.Name != "" {
		name = regString(v.Name)
	}
	switch v.Type {
	case RegSZ:
		return name + "=" + regString(v.Data), nil
	case RegDWORD:
		return fmt.Sprintf("%s=dword:%08x", name, v.DWORD), nil
	case RegExpandSZ:
		return regHex(name, "hex(2)", utf16z(v.Data)), nil
	case RegMultiSZ:
		var units []byte
		for _, s := range v.Multi {
			units = append(units, utf16z(s)...)
		}
		return regHex(name, "hex(7)", append(units, 0, 0)), nil
	case RegDelete:
		return name + "=-", nil
	}
	return "", fmt.Errorf("value %q has unknown type %q", v.Name, v.Type)
}

// regString quotes a name or string datum: backslash and quote are the only
// escapes the .reg format knows.
func regString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// utf16z is s as UTF-16LE bytes with the terminating NUL, as hex(2) and
// hex(7) data are stored.
func utf16z(s string) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return append(out, 0, 0)
}

// regHex writes hex data wrapped the way regedit exports it: continuation
// lines end in a backslash and start with two spaces, about 80 columns wide.
func regHex(name, kind string, data []byte) string {
	var b strings.Builder
	b.WriteString(name + "=" + kind + ":")
	col := b.Len()
	for i, c := range data {
		item := fmt.Sprintf("%02x", c)
		if i < len(data)-1 {
			item += ","
		}
		if col+len(item) > 78 && i > 0 {
			b.WriteString("\\\n  ")
			col = 2
		}
		b.WriteString(item)
		col += len(item)
	}
	return b.String()
}
