package verify_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/archive"
	"github.com/wufix/wufix/generator/verify"
)

func build(t *testing.T) string {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"xp", "win7"}})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, out.Write(dir))
	return dir
}

func kinds(r *verify.Report) map[string]string {
	m := map[string]string{}
	for _, p := range r.Problems {
		m[p.Path] += p.Kind + " "
	}
	return m
}

func TestVerify(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
		want   map[string]string
	}{
		{"fresh build", func(*testing.T, string) {}, map[string]string{}},
		{"changed file", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "win7", "run.cmd"), []byte("@echo off\r\n"), 0o644))
		}, map[string]string{"win7/run.cmd": "changed changed "}},
		{"missing file", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "xp", "README.txt")))
		}, map[string]string{"xp/README.txt": "missing "}},
		{"extra file", func(t *testing.T, dir string) {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "win7", "packages"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "win7", "packages", "x.msu"), nil, 0o644))
		}, map[string]string{"win7/packages/x.msu": "extra "}},
		{"changed top-level file", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "wufix.cmd"), []byte("x"), 0o644))
		}, map[string]string{"wufix.cmd": "changed changed "}},
		{"a bundle's sums replaced", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "xp", "SHA256SUMS"), []byte("# nothing\n"), 0o644))
		}, map[string]string{
			// The top-level SHA256SUMS (digest) and manifest.json (size) catch it...
			"xp/SHA256SUMS": "changed changed ",
			// ...and the bundle's files no longer agree with their manifest.
			"xp/README.txt": "changed extra ", "xp/README.ru.txt": "changed extra ", "xp/CHANGES.txt": "changed extra ", "xp/run.cmd": "changed extra ", "xp/manifest.json": "extra ",
		}},
		{"a link", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "xp", "passwd")))
		}, map[string]string{"xp/passwd": "invalid "}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := build(t)
			tc.change(t, dir)
			r, err := verify.Path(dir)
			require.NoError(t, err)
			assert.Equal(t, tc.want, kinds(r), "%v", r.Problems)
			if len(tc.want) == 0 {
				assert.Greater(t, r.Checked, 10)
			}
		})
	}
}

func TestVerifyZip(t *testing.T) {
	dir := build(t)
	zipped := filepath.Join(t.TempDir(), "b.zip")
	require.NoError(t, archive.Write(zipped, dir, []string{"win7"}, generatorDate()))
	r, err := verify.Path(zipped)
	require.NoError(t, err)
	assert.Empty(t, r.Problems)
	assert.Equal(t, 8, r.Checked, "run.cmd, run.ps1, README.txt, README.ru.txt, CHANGES.txt, manifest.json, task.xml and the .reg file")

	_, err = verify.Path(filepath.Join(dir, "win7", "run.cmd"))
	assert.ErrorContains(t, err, "neither a folder nor a zip archive")
	_, err = verify.Path(t.TempDir())
	assert.EqualError(t, err, "verify: no SHA256SUMS here: not a wufix build or bundle")
}

func generatorDate() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
