package archive_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/archive"
	"github.com/wufix/wufix/internal/filetree"
)

func TestSameInputSameBytes(t *testing.T) {
	files := map[string]string{"wufix.cmd": "@echo off\r\n", "win7/run.cmd": "x", "win7/packages/a.msu": "msu", "gpo/startup.cmd": "y", "xp/run.cmd": "z"}
	date := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	a, b := filetree.Write(t, t.TempDir(), files), filetree.Write(t, t.TempDir(), files)
	// Different times and modes on disk must not show in the archive.
	require.NoError(t, os.Chtimes(filepath.Join(b, "win7", "run.cmd"), time.Now(), time.Unix(12345, 0)))
	require.NoError(t, os.Chmod(filepath.Join(b, "xp", "run.cmd"), 0o755))
	za, zb := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
	require.NoError(t, archive.Write(za, a, []string{"xp", "win7", "wufix.cmd", "gpo"}, date))
	require.NoError(t, archive.Write(zb, b, []string{"gpo", "win7", "wufix.cmd", "xp"}, date))
	da, err := os.ReadFile(za)
	require.NoError(t, err)
	db, err := os.ReadFile(zb)
	require.NoError(t, err)
	assert.Equal(t, da, db, "same files, same bytes")

	zr, err := zip.OpenReader(za)
	require.NoError(t, err)
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		assert.Equal(t, zip.Store, f.Method, f.Name)
		assert.Equal(t, os.FileMode(0o644), f.Mode(), f.Name)
		assert.True(t, f.Modified.Equal(date), f.Name)
	}
	assert.Equal(t, []string{"gpo/startup.cmd", "win7/packages/a.msu", "win7/run.cmd", "wufix.cmd", "xp/run.cmd"}, names)
}

func TestRefusesLinksAndLeavesNoPartialArchive(t *testing.T) {
	dir := filetree.Write(t, t.TempDir(), map[string]string{"win7/run.cmd": "x"})
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "win7", "evil.msu")))
	dst := filepath.Join(t.TempDir(), "out.zip")
	err := archive.Write(dst, dir, []string{"win7"}, time.Unix(0, 0))
	require.EqualError(t, err, "archive: win7/evil.msu: not a regular file")
	assert.NoFileExists(t, dst)
}
