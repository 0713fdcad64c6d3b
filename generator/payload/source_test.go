package payload_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/internal/filetree"
)

func TestScanRefusesWhatIsNotAPackage(t *testing.T) {
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb1-x64.msu":          "",
		"windows6.1-kb2-x64.msu":          "<!DOCTYPE html><title>404</title>",
		"windows6.1-kb3-x64.cab":          "MS",
		"WindowsXP-KB4-x86-ENU.exe":       "PK\x03\x04",
		"windows6.1-kb5-x64.msu":          "MSCF fine",
		"WindowsXP-KB2347290-x86-ENU.exe": "MZ fine",
	})
	_, err := payload.Scan(dir, targets(t), targets(t))
	require.EqualError(t, err, "payload "+dir+":\n"+
		`  WindowsXP-KB4-x86-ENU.exe: not a Windows program: a .exe file starts with "MZ", this one with "PK"; download it again`+"\n"+
		"  windows6.1-kb1-x64.msu: an empty file is not an update package; download it again\n"+
		`  windows6.1-kb2-x64.msu: not a cabinet: a .msu file starts with "MSCF", this one with "<!DO"; download it again`+"\n"+
		`  windows6.1-kb3-x64.cab: not a cabinet: a .cab file starts with "MSCF", this one with "MS"; download it again`)
}

func TestScanFollowsALinkedFolderButNoLinkInside(t *testing.T) {
	real := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb1-x64.msu": "MSCF one"})
	link := filepath.Join(t.TempDir(), "updates")
	require.NoError(t, os.Symlink(real, link))
	res, err := payload.Scan(link, targets(t), targets(t))
	require.NoError(t, err)
	require.Len(t, res.Files, 1, "a payload folder given as a link is the folder it names")
	assert.Equal(t, "windows6.1-kb1-x64.msu", res.Files[0].Rel)
	assert.Equal(t, filepath.Join(real, "windows6.1-kb1-x64.msu"), res.Files[0].Src)

	require.NoError(t, os.Symlink(filepath.Join(real, "windows6.1-kb1-x64.msu"), filepath.Join(real, "windows6.1-kb2-x64.msu")))
	_, err = payload.Scan(link, targets(t), targets(t))
	require.EqualError(t, err, "payload "+link+":\n  windows6.1-kb2-x64.msu: a symbolic link; payload files must be regular files in the folder")

	_, err = payload.Scan(filepath.Join(t.TempDir(), "gone"), targets(t), targets(t))
	require.ErrorContains(t, err, "gone: not a folder")
}

// size is a payload of several of Stage's 1 MiB chunks, so that a change
// made after the first chunk is hashed lands while the rest is unread: the
// reader is at most 4 chunks ahead then (it has 4 buffers).
const size = 12 << 20

// changing stages one package and, once its first chunk is copied, does
// to the source what change says; it returns Stage's error and the
// staging folder.
func changing(t *testing.T, change func(src string)) (error, string) {
	t.Helper()
	dir := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb1-x64.msu": "MSCF" + strings.Repeat("x", size-4)})
	res, err := payload.Scan(dir, targets(t), targets(t))
	require.NoError(t, err)
	stage := t.TempDir()
	done := false
	_, err = payload.Stage(res.Files, stage, payload.StageOptions{Progress: func(int64) {
		if !done {
			done = true
			change(filepath.Join(dir, "windows6.1-kb1-x64.msu"))
		}
	}})
	return err, stage
}

func TestStageRefusesASourceThatChangesWhileCopied(t *testing.T) {
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	const msg = "payload: windows6.1-kb1-x64.msu: changed while being copied (%s): nothing may write to the payload folder during a build; build again when it is complete"
	cases := []struct {
		name   string
		change func(src string)
		want   string
	}{
		{"truncated", func(src string) { require.NoError(t, os.Truncate(src, 6<<20)) },
			"6291456 bytes read of 12582912, size 12582912, then 6291456, modified"},
		{"grown", func(src string) {
			f, err := os.OpenFile(src, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.Write([]byte("more"))
			require.NoError(t, f.Close())
			require.NoError(t, err)
		}, "12582916 bytes read of 12582912, size 12582912, then 12582916, modified"},
		{"rewritten in place", func(src string) {
			f, err := os.OpenFile(src, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt([]byte("y"), size-1)
			require.NoError(t, f.Close())
			require.NoError(t, err)
			require.NoError(t, os.Chtimes(src, later, later)) // whatever the clock's resolution
		}, "modified"},
		{"replaced", func(src string) {
			other := src + ".new"
			require.NoError(t, os.WriteFile(other, []byte("MSCF other"), 0o644))
			require.NoError(t, os.Rename(other, src))
		}, "replaced by another file"},
		{"removed", func(src string) { require.NoError(t, os.Remove(src)) }, "removed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err, _ := changing(t, tc.change)
			require.EqualError(t, err, strings.Replace(msg, "%s", tc.want, 1))
		})
	}
}

func TestStageRefusesASourceThatChangedSinceScan(t *testing.T) {
	dir := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb1-x64.msu": "MSCF one"})
	res, err := payload.Scan(dir, targets(t), targets(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "windows6.1-kb1-x64.msu"), []byte("MSCF"), 0o644))
	_, err = payload.Stage(res.Files, t.TempDir(), payload.StageOptions{})
	require.EqualError(t, err, "payload: windows6.1-kb1-x64.msu: changed since the payload folder was read (size 8, then 4, modified): nothing may write to the payload folder during a build; build again when it is complete")
	_, err = payload.Digests(res.Files)
	require.EqualError(t, err, "payload: windows6.1-kb1-x64.msu: changed since the payload folder was read (size 8, then 4, modified): nothing may write to the payload folder during a build; build again when it is complete",
		"check refuses it too")
}

// A build whose payload is cut short while it is copied writes nothing:
// the torn copy never reaches the output folder, with or without sums.
func TestWriteLeavesNothingWhenAPayloadChanges(t *testing.T) {
	dir := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb1-x64.msu": "MSCF" + strings.Repeat("x", size-4)})
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win7"}, Payload: dir})
	require.NoError(t, err)
	done := false
	out.Progress = func(int64) {
		if !done {
			done = true
			require.NoError(t, os.Truncate(filepath.Join(dir, "windows6.1-kb1-x64.msu"), 1<<20))
		}
	}
	dst := filepath.Join(t.TempDir(), "dist")
	err = out.Write(dst)
	require.ErrorContains(t, err, "payload: windows6.1-kb1-x64.msu: changed while being copied (")
	var left []string
	require.NoError(t, filepath.WalkDir(filepath.Dir(dst), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return err
	}))
	assert.Empty(t, left, "nothing is written")
}
