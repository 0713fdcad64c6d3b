package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator/payload"
)

// noLinks stands in for a file system without hard links (a FAT32 or exFAT
// stick) until the test ends.
func noLinks(t *testing.T) {
	payload.Link = func(string, string) error { return errors.New("hard links not supported") }
	t.Cleanup(func() { payload.Link = os.Link })
}

// withPayload is a win7 build carrying two packages written an hour ago.
func withPayload(t *testing.T) *Output {
	t.Helper()
	src := t.TempDir()
	hourAgo := time.Now().Add(-time.Hour)
	for _, name := range []string{"windows6.1-kb1000001-x64.msu", "windows6.1-kb1000002-x64.msu"} {
		p := filepath.Join(src, name)
		require.NoError(t, os.WriteFile(p, []byte("MSCF "+strings.Repeat(name, 1000)), 0o644))
		require.NoError(t, os.Chtimes(p, hourAgo, hourAgo))
	}
	out, err := Build(wufix.Catalog, Options{Targets: []string{"win7"}, Payload: src})
	require.NoError(t, err)
	return out
}

// Without hard links a rebuild moves the previous build's files into its
// staging folder: a build that fails at any rename of its swap, or that
// is interrupted, still leaves the previous output whole.
func TestMovedPayloadsGoBackWhenTheBuildFails(t *testing.T) {
	noLinks(t)
	out := withPayload(t)
	staged := filepath.Join("win7", "packages", "windows6.1-kb1000001-x64.msu")
	n := renames(t, out, out)
	require.Greater(t, n, 3)
	for i := 1; i <= n; i++ {
		dir := t.TempDir()
		require.NoError(t, out.Write(dir))
		before := tree(t, dir)
		first, err := os.Stat(filepath.Join(dir, staged))
		require.NoError(t, err)
		failRename(t, i, false)
		err = out.Write(dir)
		rename = os.Rename
		require.Error(t, err, "rename %d of %d", i, n)
		assert.Equal(t, before, tree(t, dir), "rename %d of %d", i, n)
		again, err := os.Stat(filepath.Join(dir, staged))
		require.NoError(t, err)
		assert.True(t, os.SameFile(first, again), "moved back, not copied")
	}

	dir := t.TempDir()
	require.NoError(t, out.Write(dir))
	before := tree(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	out.Progress = func(int64) { cancel() }
	defer func() { out.Progress = nil }()
	_ = out.WriteContext(ctx, dir)
	assert.Equal(t, before, tree(t, dir), "interrupted")
}

// A build killed after it moved files, its staging folder left behind: the
// next build moves them back before anything else, then links or moves
// them again.
func TestNextBuildMovesBackWhatAStoppedBuildMoved(t *testing.T) {
	noLinks(t)
	out := withPayload(t)
	dir := t.TempDir()
	require.NoError(t, out.Write(dir))
	staged := filepath.Join(dir, "win7", "packages", "windows6.1-kb1000001-x64.msu")
	first, err := os.Stat(staged)
	require.NoError(t, err)

	// What a killed build leaves: a staging folder of another (dead) pid
	// holding a moved file and the list that says so.
	stage, err := newStaging(dir)
	require.NoError(t, err)
	m, err := readMarker(stage)
	require.NoError(t, err)
	m.PID = endedPID(t)
	require.NoError(t, writeMarker(stage, m))
	rel := "win7/packages/windows6.1-kb1000001-x64.msu"
	require.NoError(t, os.MkdirAll(filepath.Join(stage, "win7", "packages"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stage, payload.MovedName), []byte(rel+"\n"), 0o644))
	require.NoError(t, os.Rename(staged, filepath.Join(stage, filepath.FromSlash(rel))))

	require.NoError(t, out.Write(dir))
	again, err := os.Stat(staged)
	require.NoError(t, err)
	assert.True(t, os.SameFile(first, again), "put back, then moved into the new build")
	assert.NoDirExists(t, stage)
}
