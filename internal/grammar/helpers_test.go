//go:build cgo && grammar

package grammar

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Sources in tests are written with LF and converted here, so that neither
// Go string literals nor a checkout that rewrites line endings decide what the
// checker sees.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))
}

// ps1 is a well-formed .ps1: a UTF-8 BOM and CRLF line endings.
func ps1(s string) []byte {
	return append([]byte("\xEF\xBB\xBF"), crlf(s)...)
}

// fixture reads testdata/name and applies the line endings of convert.
func fixture(t testing.TB, name string, convert func(string) []byte) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return convert(string(data))
}

// findings renders problems as "line:col: message", leaving out the file
// name that every case shares.
func findings(ps []Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg))
	}
	return out
}
