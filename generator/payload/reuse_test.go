//go:build unix

package payload_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/payload"
)

// rebuild is one build into out, as the generator does it: staged in a
// folder inside out, with out as the previous build, then swapped in. It
// returns the entries and how many bytes were read from the sources.
func rebuild(t *testing.T, src, out, name string) (map[string][]bundle.Entry, int64) {
	t.Helper()
	res, err := payload.Scan(src, targets(t), targets(t))
	require.NoError(t, err)
	stage := filepath.Join(out, name)
	var read int64
	entries, err := payload.Stage(res.Files, stage, payload.StageOptions{Previous: out, Progress: func(n int64) { read += n }})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(out, "win7")))
	require.NoError(t, os.Rename(filepath.Join(stage, "win7"), filepath.Join(out, "win7")))
	require.NoError(t, os.Rename(filepath.Join(stage, payload.DigestsName), filepath.Join(out, payload.DigestsName)))
	require.NoError(t, os.RemoveAll(stage))
	return entries, read
}

// put writes a source file with a modification time an hour back, as a
// download finished earlier has.
func put(t *testing.T, p, data string, at time.Time) {
	t.Helper()
	require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	require.NoError(t, os.Chtimes(p, at, at))
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	st, err := os.Stat(p)
	require.NoError(t, err)
	return st.Sys().(*syscall.Stat_t).Ino
}

func TestRebuildCopiesOnlyWhatChanged(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	a, b := "windows6.1-kb1000001-x64.msu", "windows6.1-kb1000002-x64.msu"
	bigA, bigB := "MSCF"+strings.Repeat("a", 3<<20), "MSCF"+strings.Repeat("b", 2<<20)
	put(t, filepath.Join(src, a), bigA, at)
	put(t, filepath.Join(src, b), bigB, at)
	staged := func(name string) string { return filepath.Join(out, "win7", payload.Folder, name) }

	first, read := rebuild(t, src, out, "s1")
	assert.Equal(t, int64(len(bigA)+len(bigB)), read, "the first build reads everything")
	inoA, inoB := inode(t, staged(a)), inode(t, staged(b))

	t.Run("unchanged files are linked, not read", func(t *testing.T) {
		again, read := rebuild(t, src, out, "s2")
		assert.Equal(t, int64(0), read)
		assert.Equal(t, first, again)
		assert.Equal(t, inoA, inode(t, staged(a)))
		assert.Equal(t, inoB, inode(t, staged(b)))
	})
	t.Run("a changed file is copied and hashed again, only it", func(t *testing.T) {
		changed := "MSCF" + strings.Repeat("c", 1<<20)
		put(t, filepath.Join(src, a), changed, at.Add(time.Minute))
		entries, read := rebuild(t, src, out, "s3")
		assert.Equal(t, int64(len(changed)), read)
		assert.Equal(t, sum(changed), entries["win7"][0].SHA256)
		assert.Equal(t, sum(bigB), entries["win7"][1].SHA256)
		assert.NotEqual(t, inoA, inode(t, staged(a)))
		assert.Equal(t, inoB, inode(t, staged(b)))
	})
	t.Run("a source replaced with the same size and time is hashed again", func(t *testing.T) {
		other := "MSCF" + strings.Repeat("B", 2<<20) // same size, other bytes
		tmp := filepath.Join(t.TempDir(), "new")
		put(t, tmp, other, at)
		require.NoError(t, os.Rename(tmp, filepath.Join(src, b)))
		entries, read := rebuild(t, src, out, "s4")
		assert.Equal(t, int64(len(other)), read)
		assert.Equal(t, sum(other), entries["win7"][1].SHA256)
	})
	t.Run("a staged file whose size or time changed is hashed again", func(t *testing.T) {
		inoB = inode(t, staged(b))
		require.NoError(t, os.Chtimes(staged(b), at, at))
		_, read := rebuild(t, src, out, "s5")
		assert.Equal(t, int64(2<<20+4), read)
		assert.NotEqual(t, inoB, inode(t, staged(b)), "copied anew, not linked")

		f, err := os.OpenFile(staged(a), os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString("tampered")
		require.NoError(t, f.Close())
		require.NoError(t, err)
		entries, read := rebuild(t, src, out, "s6")
		assert.Equal(t, int64(1<<20+4), read)
		assert.Equal(t, sum("MSCF"+strings.Repeat("c", 1<<20)), entries["win7"][0].SHA256)
	})
	t.Run("without hard links the file is moved, not read", func(t *testing.T) {
		payload.Link = func(string, string) error { return errors.New("no hard links here") }
		defer func() { payload.Link = os.Link }()
		ino := inode(t, staged(b))
		_, read := rebuild(t, src, out, "s6b")
		assert.Equal(t, int64(0), read)
		assert.Equal(t, ino, inode(t, staged(b)))
	})
	t.Run("a damaged record is no record", func(t *testing.T) {
		require.NoError(t, os.WriteFile(filepath.Join(out, payload.DigestsName), []byte("win7/packages/x\tnot a digest\n"), 0o644))
		_, read := rebuild(t, src, out, "s7")
		assert.Equal(t, int64(1<<20+4+2<<20+4), read)
	})
}

func TestAFreshSourceIsNotRecorded(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	// Written just now: it could change again within its time's tick.
	require.NoError(t, os.WriteFile(filepath.Join(src, "windows6.1-kb1000001-x64.msu"), []byte("MSCF now"), 0o644))
	rebuild(t, src, out, "s1")
	_, read := rebuild(t, src, out, "s2")
	assert.Equal(t, int64(len("MSCF now")), read)
}
