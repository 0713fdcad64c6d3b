package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextRUIsUTF8WithBOMAndCRLF(t *testing.T) {
	out, err := TextRU{}.Encode("Пакет wufix\n\nКоды завершения\n")
	require.NoError(t, err)
	assert.Equal(t, "\xef\xbb\xbfПакет wufix\r\n\r\nКоды завершения\r\n", string(out))
	assert.Equal(t, TextRU{}, ForFile("win7/README.ru.txt"))
	assert.Equal(t, TextRU{}, ForFile("INDEX.ru.txt"))
	assert.Equal(t, Text{}, ForFile("win7/README.txt"))
}

func TestTextRURefuses(t *testing.T) {
	for name, text := range map[string]string{
		"invalid UTF-8":   "строка\nвторая \xd0\n",
		"control":         "строка\nвторая\x07\n",
		"C1 control":      "строка\nвторая\u0085\n",
		"BOM in the text": BOM + "строка\n",
		"carriage return": "строка\r\n",
	} {
		_, err := TextRU{}.Encode(text)
		assert.Error(t, err, name)
	}
	_, err := TextRU{}.Encode("строка\nвторая \xd0\n")
	assert.EqualError(t, err, "line 2: byte 0xd0 is not valid UTF-8")
	_, err = TextRU{}.Encode("это U+FFFD: \uFFFD\n")
	assert.NoError(t, err, "a real replacement character is valid UTF-8")
}

func TestTextStaysASCII(t *testing.T) {
	_, err := Text{}.Encode("Пакет\n")
	assert.Error(t, err)
}

func TestWrapCountsCharactersNotBytes(t *testing.T) {
	// Ten Cyrillic words of five letters: 59 characters, 109 bytes.
	text := "слово слово слово слово слово слово слово слово слово слово"
	assert.Equal(t, []string{text}, Wrap(text, 59))
	assert.Equal(t, []string{"слово слово", "слово"}, Wrap("слово слово слово", 11))
	assert.Equal(t, "слово слово\nслово", Fill(11, "слово слово слово"))
}
