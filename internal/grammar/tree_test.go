//go:build cgo && grammar

package grammar

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree creates files (slash-separated path -> content) below a new
// temporary folder and returns it.
func writeTree(t *testing.T, files map[string][]byte) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	return root
}

func TestCheckTree(t *testing.T) {
	good := ps1("$x = 1\n")
	newer := ps1("$x = [ordered]@{}\n")
	root := writeTree(t, map[string][]byte{
		"win7/manifest.json":        []byte(`{"target": "win7", "powershell": "2.0"}`),
		"win7/run.cmd":              crlf("goto :eof\n"),
		"win7/repair.ps1":           good,
		"win7/steps/ordered.ps1":    newer,
		"win10/manifest.json":       []byte(`{"powershell": "5.1"}`),
		"win10/ordered.ps1":         newer,
		"win10/broken.cmd":          crlf("goto :nowhere\n"),
		"winxp/manifest.json":       []byte(`{"powershell": ""}`),
		"winxp/run.cmd":             crlf("echo ok\n"),
		"winxp/stray.ps1":           good,
		"nomanifest/stray.ps1":      good,
		"badmanifest/manifest.json": []byte("{\n  \"powershell\": 2\n}"),
		"badmanifest/x.ps1":         good,
		"badjson/manifest.json":     []byte("{\n  \"powershell\": \"2.0\",\n}"),
		"badjson/x.ps1":             good,
		"winxp/readme.txt":          []byte("not a script\n"),
		"top.cmd":                   []byte("echo lf\n"),
		"top.ps1":                   good,
	})
	got, err := CheckTree(root)
	require.NoError(t, err)

	at := func(name string) string { return filepath.Join(root, filepath.FromSlash(name)) }
	noPS := "script in a bundle without PowerShell: neither manifest.json nor a #Requires -Version line names a version"
	want := []Problem{
		{at("badjson/manifest.json"), 3, 1, "invalid manifest: invalid character '}' looking for beginning of object key string"},
		{at("badjson/x.ps1"), 1, 1, noPS},
		{at("badmanifest/manifest.json"), 2, 18, `invalid manifest: "powershell" must be a string, not a number`},
		{at("badmanifest/x.ps1"), 1, 1, noPS},
		{at("nomanifest/stray.ps1"), 1, 1, noPS},
		{at("top.cmd"), 1, 8, "line ends in LF only, want CRLF"},
		{at("top.ps1"), 1, 1, noPS},
		{at("win10/broken.cmd"), 1, 6, "goto target :nowhere is not a label in this file"},
		{at("win7/steps/ordered.ps1"), 1, 6, "[ordered] needs PowerShell 3.0, target has 2.0: build a System.Collections.Specialized.OrderedDictionary"},
		{at("winxp/stray.ps1"), 1, 1, noPS},
	}
	assert.Equal(t, want, got)
}

func TestCheckTreeMissingRoot(t *testing.T) {
	_, err := CheckTree(filepath.Join(t.TempDir(), "absent"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestCheckTreeEmpty(t *testing.T) {
	got, err := CheckTree(t.TempDir())
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestRequiresVersionStandsInForAManifest(t *testing.T) {
	assert.Equal(t, "5.0", requiresVersion([]byte("<# help #>\r\n#Requires -Version 5.0\r\n$x = 1\r\n")))
	assert.Equal(t, "", requiresVersion([]byte("# Requires -Version 5.0 is only prose here\r\n")))
	assert.Equal(t, "", requiresVersion([]byte("$x = 1\r\n")))
}
