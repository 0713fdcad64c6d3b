package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/filetree"
)

// built is a folder holding a wufix build of the given targets.
func built(t *testing.T, targets ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dist")
	args := []string{"build", "--out", dir}
	for _, target := range targets {
		args = append(args, "--target", target)
	}
	code, _, errOut := runCLI(args...)
	require.Equal(t, 0, code, errOut)
	return dir
}

func TestBuildRefusesWhatItDidNotWrite(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T) string
		named string
	}{
		{"a user's win7 folder", func(t *testing.T) string {
			return filetree.Write(t, t.TempDir(), map[string]string{"win7/notes.txt": "mine"})
		}, "win7/"},
		{"a user's intune folder and manifest.json", func(t *testing.T) string {
			return filetree.Write(t, t.TempDir(), map[string]string{"intune/a.ps1": "mine", "manifest.json": "{}"})
		}, "intune/, manifest.json"},
		{"a file added to a build", func(t *testing.T) string {
			dir := built(t, "win7")
			filetree.Write(t, dir, map[string]string{"win7/packages/mine.msu": "x", "notes/todo.txt": "x"})
			return dir
		}, "notes/, win7/packages/"},
		{"a build file turned into a folder", func(t *testing.T) string {
			dir := built(t, "xp")
			require.NoError(t, os.Remove(filepath.Join(dir, "xp", "README.txt")))
			filetree.Write(t, dir, map[string]string{"xp/README.txt/mine": "x"})
			return dir
		}, "xp/README.txt/"},
		{"a build written without a record", func(t *testing.T) string {
			dir := built(t, "xp")
			require.NoError(t, os.Remove(filepath.Join(dir, ".wufix-owned")))
			return dir
		}, "INDEX.ru.txt, INDEX.txt, SHA256SUMS, gpo/, manifest.json, wufix.cmd, xp/"},
		{"a link to a folder holding a user's win7", func(t *testing.T) string {
			target := filetree.Write(t, t.TempDir(), map[string]string{"win7/notes.txt": "mine"})
			link := filepath.Join(t.TempDir(), "out")
			require.NoError(t, os.Symlink(target, link))
			return link
		}, "win7/"},
		{"a staging folder wufix did not mark", func(t *testing.T) string {
			return filetree.Write(t, t.TempDir(), map[string]string{".wufix-staging-1/x": "x"})
		}, ".wufix-staging-1/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			before := snapshot(t, dir+"/") // the slash follows a link
			require.NotEmpty(t, before)
			code, out, errOut := runCLI("build", "--out", dir, "--target", "win10")
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "wufix: write: "+dir+" holds what no wufix build wrote there: "+tc.named+
				"; a build replaces only the files an earlier build listed in .wufix-owned: move these away or choose another --out\n", errOut)
			assert.Equal(t, before, snapshot(t, dir+"/"), "nothing written or removed")
		})
	}
}

func TestBuildRefusesSharedFolders(t *testing.T) {
	home := filetree.Write(t, t.TempDir(), map[string]string{"notes.txt": "mine"})
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	tree := filetree.Write(t, t.TempDir(), map[string]string{"go.mod": "module x\n", "src/a.go": "package a\n"})
	repo := filetree.Write(t, t.TempDir(), map[string]string{".git/HEAD": "ref: refs/heads/main\n", "doc/a.txt": "x"})
	rootBefore, err := os.ReadDir("/")
	require.NoError(t, err)
	cases := []struct {
		name, cwd, out, want string
	}{
		{"root", tree, "/", "--out / is the root of a drive: choose a folder of its own"},
		{"home", tree, home, "--out " + home + " is the home folder: choose a folder of its own"},
		{"home by another name", tree, home + "/.", "--out " + home + "/. is the home folder: choose a folder of its own"},
		{"module root", filepath.Join(tree, "src"), "..", "--out .. is the root of the working tree (it holds go.mod): choose a folder of its own, such as dist"},
		{"git top", filepath.Join(repo, "doc"), repo, "--out " + repo + " is the root of the working tree (it holds .git): choose a folder of its own, such as dist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(tc.cwd)
			before := snapshot(t, tc.cwd)
			code, out, errOut := runCLI("build", "--out", tc.out, "--target", "xp")
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "wufix: write: "+tc.want+"\n", errOut)
			assert.Equal(t, before, snapshot(t, tc.cwd), "nothing written")
		})
	}
	assert.Equal(t, snapshot(t, home), map[string]string{"notes.txt": "mine"})
	rootAfter, err := os.ReadDir("/")
	require.NoError(t, err)
	assert.Equal(t, len(rootBefore), len(rootAfter), "nothing written in /")
}

// A build replaces what earlier builds recorded, keeps the other targets
// they wrote, and records both.
func TestBuildReplacesWhatEarlierBuildsWrote(t *testing.T) {
	dir := built(t, "win7", "win10")
	code, _, errOut := runCLI("build", "--out", dir, "--target", "xp", "--target", "win7")
	require.Equal(t, 0, code, errOut)
	assert.NoDirExists(t, filepath.Join(dir, "intune"), "retired with the build that had Windows 10")
	assert.DirExists(t, filepath.Join(dir, "win10"), "another build's target stays")
	code, _, errOut = runCLI("build", "--out", dir, "--target", "win10")
	require.Equal(t, 0, code, errOut, "win10 and everything else here is recorded")
	record, err := os.ReadFile(filepath.Join(dir, ".wufix-owned"))
	require.NoError(t, err)
	for _, f := range []string{"xp/run.cmd\n", "win7/run.ps1\n", "win10/run.ps1\n", "intune/detect.ps1\n", "wufix.cmd\n"} {
		assert.Contains(t, string(record), f)
	}
	code, out, errOut := runCLI("verify", dir)
	assert.Equal(t, 1, code, "the top level lists win10 only; xp and win7 are another build's")
	assert.NotContains(t, out+errOut, ".wufix-owned", "the record is no part of the build")
}

// staging makes a staging folder as a build stopped with SIGKILL leaves
// it, owned by the process pid.
func staging(t *testing.T, dir string, pid int) string {
	t.Helper()
	host, err := os.Hostname()
	require.NoError(t, err)
	marker, err := json.Marshal(map[string]any{"pid": pid, "host": host})
	require.NoError(t, err)
	stage := filepath.Join(dir, ".wufix-staging-123")
	filetree.Write(t, stage, map[string]string{".wufix-build": string(marker), "win7/packages/big.msu": "half"})
	return stage
}

func endedProcess(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

func TestStaleStagingIsReportedThenRemoved(t *testing.T) {
	dir := built(t, "win7")
	stage := staging(t, dir, endedProcess(t))
	const line = ".wufix-staging-123: extra: a build's staging folder: a build is writing here or was stopped (the next build removes a stopped one's)\n"

	code, out, errOut := runCLI("check", "--out", dir, "--target", "win7")
	assert.Equal(t, 1, code)
	assert.Equal(t, strings.Replace(line, ": extra: ", ": extra\n", 1), out)
	assert.Equal(t, "wufix: "+dir+" differs from a fresh build: 1 file(s)\n", errOut)
	code, out, errOut = runCLI("verify", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, line, out, "verify names the folder once, as check does")
	assert.Equal(t, "wufix: "+dir+" does not match its SHA256SUMS: 1 problem(s)\n", errOut)

	code, _, errOut = runCLI("build", "--out", dir, "--target", "win7")
	require.Equal(t, 0, code, errOut)
	assert.NoDirExists(t, stage)
	code, out, errOut = runCLI("check", "--out", dir, "--target", "win7")
	assert.Equal(t, 0, code, out+errOut)
	code, out, _ = runCLI("verify", dir)
	assert.Equal(t, 0, code, out)
}

func TestBuildWaitsForARunningBuild(t *testing.T) {
	dir := built(t, "win7")
	stage := staging(t, dir, os.Getpid())
	before := snapshot(t, dir)
	host, _ := os.Hostname()
	code, out, errOut := runCLI("build", "--out", dir, "--target", "win7")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, "wufix: write: another build (pid "+strconv.Itoa(os.Getpid())+" on "+host+") is writing to "+dir+
		"; wait for it, or remove "+stage+" if no build is running\n", errOut)
	assert.Equal(t, before, snapshot(t, dir))
}
