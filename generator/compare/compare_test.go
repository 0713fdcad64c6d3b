package compare

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExplain(t *testing.T) {
	cases := []struct {
		name      string
		want, got string
		says      string
	}{
		{"only CRLF", "a\r\nb\r\n", "a\nb\n", "only line endings differ (want CRLF, have LF)"},
		{"mixed endings", "a\r\nb\r\n", "a\r\nb\n", "only line endings differ (want CRLF, have mixed: 1 CRLF, 1 LF)"},
		{"only BOM", "\xef\xbb\xbfx\r\n", "x\r\n", "only the byte-order mark differs (want UTF-8 BOM, have no BOM)"},
		{"UTF-16 vs UTF-8 of the same text", "\xff\xfex\x00\r\x00\n\x00", "x\r\n", "only the byte-order mark differs (want UTF-16LE BOM, have no BOM)"},
		{"a changed line", "a\nb\nc\n", "a\nB\nc\n", "@@ line 2 (- want, + have) @@\n-b\n+B"},
		{"an added line", "a\nc\n", "a\nb\nc\n", "@@ line 2 (- want, + have) @@\n+b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.says, Explain([]byte(tc.want), []byte(tc.got)))
		})
	}
}
