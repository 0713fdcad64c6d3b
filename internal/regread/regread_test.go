package regread

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/dialect"
)

// utf16File encodes LF text the way a version 5.00 file is stored, without
// Reg.Encode's checks, so malformed files can be built too.
func utf16File(text string) []byte {
	return utf16Raw(strings.ReplaceAll(text, "\n", "\r\n"))
}

func utf16Raw(text string) []byte {
	units := utf16.Encode([]rune(text))
	out := []byte{0xff, 0xfe}
	for _, u := range units {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// roundTripKeys holds every type dialect.RegText writes, with the awkward data:
// quotes, backslashes, non-ASCII (including a surrogate pair), an expand
// string long enough to wrap over several continuation lines.
var roundTripKeys = []dialect.RegKey{
	{Path: `HKEY_LOCAL_MACHINE\SOFTWARE\Wufix Test\"q"\ünï`, Values: []dialect.RegValue{
		{Name: "", Type: dialect.RegSZ, Data: "default"},
		{Name: `na"me\with\\esc`, Type: dialect.RegSZ, Data: `C:\Path "quoted" \\server\share\`},
		{Name: "empty", Type: dialect.RegSZ, Data: ""},
		{Name: "unicode", Type: dialect.RegSZ, Data: "café € 中文 😀 ; not a comment = [x]"},
		{Name: "zero", Type: dialect.RegDWORD, DWORD: 0},
		{Name: "max", Type: dialect.RegDWORD, DWORD: 0xffffffff},
		{Name: "reboot", Type: dialect.RegDWORD, DWORD: 3010},
		{Name: "short", Type: dialect.RegExpandSZ, Data: "%SystemRoot%"},
		{Name: "blank", Type: dialect.RegExpandSZ, Data: ""},
		{Name: "long expand with a long name to push the first line", Type: dialect.RegExpandSZ,
			Data: `%SystemRoot%\System32\svchost.exe -k netsvcs -p "%ProgramFiles%\Wufix\ü"` + strings.Repeat(`\x`, 40)},
		{Name: "multi", Type: dialect.RegMultiSZ, Multi: []string{"wuauserv", `C:\a "b"`, "ü€😀"}},
		{Name: "multi-none", Type: dialect.RegMultiSZ},
		{Name: "gone", Type: dialect.RegDelete},
		{Name: "", Type: dialect.RegDelete},
	}},
	{Path: `HKEY_CURRENT_USER\Software\Wufix`, Delete: true},
	{Path: `HKEY_CURRENT_USER\Software\Wufix\Empty`},
}

func TestParseRegRoundTrip(t *testing.T) {
	text, err := dialect.RegText([]string{"comment; with = signs", ""}, roundTripKeys)
	require.NoError(t, err)
	data, err := dialect.Reg{}.Encode(text)
	require.NoError(t, err)
	assert.Contains(t, text, "\\\n  ", "the long expand string should wrap")

	keys, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, roundTripKeys, keys)
}

func TestParseRegBinaryAndOtherTypes(t *testing.T) {
	data := utf16File(dialect.RegHeader + "\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\W]\n" +
		"\"bin\"=hex:00,01,fe,\\\n  ff\n" +
		"\"none\"=hex(0):\n" +
		"\"q\"=hex(b):01,00,00,00,00,00,00,00\n" +
		"\"short\"=dword:1\n")
	keys, err := Parse(data)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, []dialect.RegValue{
		{Name: "bin", Type: Binary, Data: "\x00\x01\xfe\xff"},
		{Name: "none", Type: "hex(0)"},
		{Name: "q", Type: "hex(b)", Data: "\x01\x00\x00\x00\x00\x00\x00\x00"},
		{Name: "short", Type: dialect.RegDWORD, DWORD: 1},
	}, keys[0].Values)
}

func TestParseRegEdit4(t *testing.T) {
	// REGEDIT4 is ANSI: the value below holds 0xe9 (é) and 0x80 (€) in
	// Windows-1252, and hex(2)/hex(7) data is single-byte with one NUL.
	text := "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\W]\r\n" +
		"\"s\"=\"caf\xe9 \x80\"\r\n" +
		"\"e\"=hex(2):25,54,45,4d,50,25,00\r\n" +
		"\"m\"=hex(7):61,00,62,00,00\r\n"
	keys, err := Parse([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, []dialect.RegKey{{Path: `HKEY_LOCAL_MACHINE\SOFTWARE\W`, Values: []dialect.RegValue{
		{Name: "s", Type: dialect.RegSZ, Data: "café €"},
		{Name: "e", Type: dialect.RegExpandSZ, Data: "%TEMP%"},
		{Name: "m", Type: dialect.RegMultiSZ, Multi: []string{"a", "b"}},
	}}}, keys)
}

func TestParseRegMalformed(t *testing.T) {
	const key = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\W]\n"
	v5 := func(body string) []byte { return utf16File(dialect.RegHeader + "\n\n" + body) }
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"no header", utf16File("[HKEY_LOCAL_MACHINE\\X]\n"), "line 1: want"},
		{"empty file", utf16File(""), "line 1:"},
		{"v5 header in ANSI", []byte(dialect.RegHeader + "\r\n"), "line 1: a version 5.00 file must be UTF-16LE"},
		{"REGEDIT4 in UTF-16", utf16File("REGEDIT4\n"), "line 1: a REGEDIT4 file must be ANSI"},
		{"odd UTF-16 length", append(utf16File(dialect.RegHeader), 0), "line 1: UTF-16 file has an odd"},
		{"misspelt dword", v5(key + "\"a\"=dwrd:1\n"), `line 4: value "a": unknown data "dwrd:1"`},
		{"dword too long", v5(key + "\"a\"=dword:123456789\n"), "line 4:"},
		{"dword not hex", v5(key + "\"a\"=dword:xyz\n"), "line 4:"},
		{"unterminated string", v5(key + "\"a\"=\"b\n"), "line 4: value \"a\": unterminated"},
		{"unterminated name", v5(key + "\"a=\"b\"\n"), "line 4:"},
		{"unknown escape", v5(key + "\"a\"=\"x\\n\"\n"), "line 4: value \"a\": unknown escape"},
		{"junk after string", v5(key + "\"a\"=\"b\" x\n"), "line 4: value \"a\": unexpected"},
		{"no equals", v5(key + "\"a\" \"b\"\n"), "line 4: want ="},
		{"empty name", v5(key + "\"\"=\"b\"\n"), "line 4: empty value name"},
		{"value before key", v5("\"a\"=\"b\"\n"), "line 3: value before any [key]"},
		{"value under deleted key", v5("[-HKEY_CURRENT_USER\\X]\n\"a\"=\"b\"\n"), "line 4: value under [-"},
		{"garbage line", v5(key + "a=b\n"), "line 4: \"a=b\" is not"},
		{"hash comment", v5(key + "# note\n"), "line 4:"},
		{"unclosed key", v5("[HKEY_LOCAL_MACHINE\\X\n"), "line 3: key line"},
		{"short hive name", v5("[HKLM\\Software\\X]\n"), "line 3: key \"HKLM\\\\Software\\\\X\" does not start"},
		{"empty component", v5("[HKEY_LOCAL_MACHINE\\\\X]\n"), "line 3: key"},
		{"one-digit hex byte", v5(key + "\"a\"=hex:1,02\n"), "line 4: value \"a\": hex byte 1"},
		{"comment inside continuation", v5(key + "\"a\"=hex:01,\\\n; no\n  02\n"), "line 4:"},
		{"continuation at end of file", v5(key + "\"a\"=hex:01,\\"), "line 4: hex data continues past the end"},
		{"odd UTF-16 expand", v5(key + "\"a\"=hex(2):41,00,00\n"), "line 4: value \"a\": 3 bytes"},
		{"unknown hex type", v5(key + "\"a\"=hex(zz):00\n"), "line 4: value \"a\": unknown data type"},
		{"error after a good continuation", v5(key + "\"a\"=hex:01,\\\n  02\n\"b\"=dword:\n"), "line 6:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestParseRegAcceptsRegeditLayout(t *testing.T) {
	// What regedit and Wine's reg export write besides our own output:
	// LF-only lines, a blank line before EOF without a newline, indented
	// comments and a byte list with spaces after commas.
	data := utf16Raw(dialect.RegHeader + "\n\n  ; indented\n[HKEY_USERS\\.DEFAULT\\W]\n\"a\"=hex:01, 02\n@=\"x\"")
	keys, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, []dialect.RegKey{{Path: `HKEY_USERS\.DEFAULT\W`, Values: []dialect.RegValue{
		{Name: "a", Type: Binary, Data: "\x01\x02"},
		{Name: "", Type: dialect.RegSZ, Data: "x"},
	}}}, keys)
}

// FuzzRegRoundTrip: a string value with any name and data survives
// dialect.RegText, Encode and Parse, or is refused with an error.
func FuzzRegRoundTrip(f *testing.F) {
	f.Add("name", `C:\a "b"`)
	f.Add("", `\\`)
	f.Add(`"`, `;[x]`)
	f.Fuzz(func(t *testing.T, name, data string) {
		key := dialect.RegKey{Path: `HKEY_LOCAL_MACHINE\SOFTWARE\Wufix`, Values: []dialect.RegValue{{Name: name, Type: dialect.RegSZ, Data: data}}}
		text, err := dialect.RegText(nil, []dialect.RegKey{key})
		if err != nil {
			return
		}
		file, err := dialect.Reg{}.Encode(text)
		if err != nil {
			if utf8.ValidString(text) {
				t.Fatalf("name %q data %q: %v", name, data, err)
			}
			return // not UTF-8: refused, never turned into U+FFFD
		}
		keys, err := Parse(file)
		if err != nil {
			t.Fatalf("name %q data %q: %v\n%s", name, data, err, text)
		}
		if len(keys) != 1 || len(keys[0].Values) != 1 || keys[0].Values[0].Name != name || keys[0].Values[0].Data != data {
			t.Fatalf("name %q data %q read back as %+v", name, data, keys)
		}
	})
}
