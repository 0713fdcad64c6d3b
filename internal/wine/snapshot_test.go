package wine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/internal/wine"
)

// A snapshot shows a new key, a new value in a key that was there, and a
// key in the SYSTEM branch, each with its data; once they are removed
// again, the snapshot is the one from before, byte for byte.
func TestSnapshotShowsEveryChangeAndItsUndo(t *testing.T) {
	t.Parallel()
	p := wine.NewPrefix(t)
	before, err := p.Snapshot("SOFTWARE", "SYSTEM")
	require.NoError(t, err)
	require.Contains(t, before, "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n")

	const (
		added    = `HKEY_LOCAL_MACHINE\SOFTWARE\Wufix Test\Sub`
		existing = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion`
		service  = `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\WufixTest`
	)
	importKeys(t, p, []dialect.RegKey{
		{Path: added, Values: []dialect.RegValue{
			{Name: "text", Type: dialect.RegSZ, Data: `C:\a "b"`},
			{Name: "dw", Type: dialect.RegDWORD, DWORD: 0xdeadbeef},
			{Name: "ex", Type: dialect.RegExpandSZ, Data: `%SystemRoot%\x`},
		}},
		{Path: existing, Values: []dialect.RegValue{{Name: "WufixTest", Type: dialect.RegSZ, Data: "1"}}},
		{Path: service, Values: []dialect.RegValue{{Name: "Start", Type: dialect.RegDWORD, DWORD: 4}}},
	})
	after, err := p.Snapshot("SOFTWARE", "SYSTEM")
	require.NoError(t, err)
	assert.Equal(t, []string{
		existing + ` "WufixTest"="1"`,
		added, added + ` "dw"=dword:deadbeef`, added + ` "ex"=str(2):"%SystemRoot%\\x"`, added + ` "text"="C:\\a \"b\""`,
		service, service + ` "Start"=dword:00000004`,
	}, newEntries(before, after))
	assert.NotContains(t, after, "#time=", "modification times are left out")

	importKeys(t, p, []dialect.RegKey{
		{Path: `HKEY_LOCAL_MACHINE\SOFTWARE\Wufix Test`, Delete: true},
		{Path: existing, Values: []dialect.RegValue{{Name: "WufixTest", Type: dialect.RegDelete}}},
		{Path: service, Delete: true},
	})
	again, err := p.Snapshot("SOFTWARE", "SYSTEM")
	require.NoError(t, err)
	assert.Equal(t, before, again)
}

// newEntries is what after has that before does not, in order: keys, and
// values prefixed with their key.
func newEntries(before, after string) []string {
	seen := map[string]bool{}
	for _, e := range entries(before) {
		seen[e] = true
	}
	var added []string
	for _, e := range entries(after) {
		if !seen[e] {
			added = append(added, e)
		}
	}
	return added
}

func entries(snapshot string) []string {
	var list []string
	key := ""
	for _, line := range strings.Split(strings.TrimSuffix(snapshot, "\n"), "\n") {
		if strings.HasPrefix(line, "[") {
			key = strings.Trim(line, "[]")
			list = append(list, key)
			continue
		}
		list = append(list, key+" "+line)
	}
	return list
}
