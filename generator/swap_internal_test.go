package generator

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator/verify"
)

// tree is every file and folder under dir with the SHA-256 of its
// contents ("/" ends a folder), to prove a failed build changed nothing.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			m[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return err
	}))
	return m
}

func build(t *testing.T, targets ...string) *Output {
	t.Helper()
	out, err := Build(wufix.Catalog, Options{Targets: targets})
	require.NoError(t, err)
	return out
}

// failRename makes the n-th rename from now on fail (and, with also, every
// rename after it), and returns how many renames ran.
func failRename(t *testing.T, n int, also bool) *int {
	t.Helper()
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == n || (also && calls > n) {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: errors.New("injected failure")}
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })
	return &calls
}

// renames counts the renames of writing next over a copy of the build in
// old: the points at which a failure can strike.
func renames(t *testing.T, old, next *Output) int {
	dir := t.TempDir()
	require.NoError(t, old.Write(dir))
	calls := failRename(t, 0, false)
	require.NoError(t, next.Write(dir))
	rename = os.Rename
	return *calls
}

// The new build has other targets and no Intune pair, so the swap replaces
// folders and files, adds one and retires one.
func TestFailedSwapLeavesThePreviousOutputWhole(t *testing.T) {
	old, next := build(t, "win7", "win10"), build(t, "win7", "xp")
	n := renames(t, old, next)
	require.Greater(t, n, 10)
	for i := 1; i <= n; i++ {
		dir := t.TempDir()
		require.NoError(t, old.Write(dir))
		before := tree(t, dir)
		failRename(t, i, false)
		err := next.Write(dir)
		rename = os.Rename
		require.Error(t, err, "rename %d of %d", i, n)
		assert.Contains(t, err.Error(), "injected failure")
		assert.Contains(t, err.Error(), "(the previous output is unchanged)")
		assert.Equal(t, before, tree(t, dir), "rename %d of %d", i, n)
	}
}

// A rollback that fails too, like a build killed in the middle of its
// swap, leaves the staging folder with its marker; the next build puts the
// previous output back before anything else.
func TestNextBuildRollsBackAStoppedSwap(t *testing.T) {
	old, next := build(t, "win7", "win10"), build(t, "win7", "xp")
	n := renames(t, old, next)
	for _, i := range []int{2, n / 2, n} {
		dir := t.TempDir()
		require.NoError(t, old.Write(dir))
		before := tree(t, dir)
		failRename(t, i, true)
		err := next.Write(dir)
		rename = os.Rename
		require.Error(t, err)
		assert.Contains(t, err.Error(), "putting the previous output back failed too (the next build tries again)")
		stages, _ := filepath.Glob(filepath.Join(dir, verify.StagingPrefix+"*"))
		require.Len(t, stages, 1, "the staging folder holds what could not be put back")

		// Make the stopped build's process one that has ended.
		m, err := readMarker(stages[0])
		require.NoError(t, err)
		m.PID = endedPID(t)
		require.NoError(t, writeMarker(stages[0], m))
		require.NoError(t, clearStale(dir, ""))
		delete(before, verify.RecordName)
		after := tree(t, dir)
		delete(after, verify.RecordName) // still the wider record of the stopped swap
		assert.Equal(t, before, after, "rename %d of %d", i, n)

		require.NoError(t, next.Write(dir))
		diffs, err := next.Check(dir)
		require.NoError(t, err)
		assert.Empty(t, diffs)
	}
}

// endedPID is the id of a process that has run and ended.
func endedPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess(os.Args[0], []string{os.Args[0], "-test.run=^$"}, &os.ProcAttr{})
	require.NoError(t, err)
	_, err = p.Wait()
	require.NoError(t, err)
	return p.Pid
}

func TestInterruptLeavesTheOutputAlone(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, build(t, "win7").Write(dir))
	before := tree(t, dir)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupt"))
	err := build(t, "xp").WriteContext(ctx, dir)
	require.EqualError(t, err, "write: interrupted before anything was replaced: interrupt")
	assert.Equal(t, before, tree(t, dir))
}

func TestRemoveTreeLeavesLinkTargets(t *testing.T) {
	dir, kept := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(kept, "f"), []byte("x"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "b", "g"), nil, 0o644))
	require.NoError(t, os.Symlink(kept, filepath.Join(dir, "a", "link")))
	require.NoError(t, removeTree(dir))
	assert.NoDirExists(t, dir)
	assert.FileExists(t, filepath.Join(kept, "f"))
	require.NoError(t, removeTree(dir), "removing what is gone is done")
}

func TestRecordFileLists(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, build(t, "xp").Write(dir))
	data, err := os.ReadFile(filepath.Join(dir, verify.RecordName))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	assert.Equal(t, strings.TrimSuffix(recordHeader, "\n"), lines[0])
	assert.Contains(t, lines, "xp/run.cmd")
	assert.Contains(t, lines, "wufix.cmd")
	assert.NotContains(t, lines, "intune/detect.ps1", "no Intune pair without Windows 10 or 11")
	// Everything under dir but the record is listed, and nothing else.
	var files []string
	for p := range tree(t, dir) {
		if !strings.HasSuffix(p, "/") && p != verify.RecordName {
			files = append(files, p)
		}
	}
	assert.ElementsMatch(t, files, lines[1:])
}

// A first build that fails leaves the folder as empty as it found it: no
// entries and no record.
func TestFailedFirstBuildLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	failRename(t, 3, false)
	err := build(t, "xp").Write(dir)
	require.ErrorContains(t, err, "injected failure")
	assert.Empty(t, tree(t, dir))
}
