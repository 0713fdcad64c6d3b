package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
)

// copyCatalog writes the embedded catalog to a folder, with one file
// changed by edit, for --catalog.
func copyCatalog(t *testing.T, file string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(wufix.Catalog, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(wufix.Catalog, p)
		if err != nil {
			return err
		}
		if p == file {
			changed := edit(string(data))
			require.NotEqual(t, string(data), changed, "test setup: the edit changed nothing")
			data = []byte(changed)
		}
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	require.NoError(t, err)
	return dir
}

// TestBadCatalogWritesNothing runs the CLI on catalogs that break a rule:
// exit code 2, each problem on its own line starting with its position,
// and no output folder.
func TestBadCatalogWritesNothing(t *testing.T) {
	cases := []struct {
		name, file string
		edit       func(string) string
		stderr     string
	}{
		{"env in a template", "templates/steps/clock-check/cmd.tmpl",
			func(s string) string {
				return strings.Replace(s, "{{define \"do\" -}}\n", "{{define \"do\" -}}\nrem {{env \"HOME\"}}\n", 1)
			},
			"templates/steps/clock-check/cmd.tmpl:2:7: function \"env\" is not available to templates: they see no environment, clock or random numbers, so two builds give the same bytes\n"},
		{"two problems", "templates/tools.yaml",
			func(s string) string {
				s = strings.Replace(s, `'System32\sc.exe'`, `'..\sc.exe'`, 1)
				return strings.Replace(s, `'System32\reg.exe'`, `'System32\reg.exe"'`, 1)
			},
			"templates/tools.yaml:28:20: tool \"reg\": path \"System32\\\\reg.exe\\\"\" holds a character cmd would read (\" % ! ^ & | < > or a line break)\n" +
				"templates/tools.yaml:30:20: tool \"sc\": path \"..\\\\sc.exe\" climbs out of %SystemRoot% with \"..\"\n"},
		{"date in run.cmd", "templates/steps/clock-check/cmd.tmpl",
			func(s string) string {
				return strings.Replace(s, "{{define \"do\" -}}\n", "{{define \"do\" -}}\nset \"D=%date%\"\n", 1)
			},
			"templates/steps/clock-check/cmd.tmpl:2:8: %DATE% is the date in the machine's locale: read it from WMI or PowerShell, never %DATE%\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat := copyCatalog(t, tc.file, tc.edit)
			out := filepath.Join(t.TempDir(), "dist")
			code, stdout, stderr := runCLI("--catalog", cat, "build", "--out", out)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, tc.stderr, stderr)
			assert.NoDirExists(t, out, "a refused catalog writes nothing")
		})
	}
}
