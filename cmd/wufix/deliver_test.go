package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/filetree"
)

// snapshot is every file under dir with its contents, to prove a failed
// build changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	}))
	return m
}

func TestBuildWritesTheTopLevelEntryPoints(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("build", "--out", dir)
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"wufix.cmd", "SHA256SUMS", "manifest.json", "gpo/startup.cmd", "gpo/README.txt", "intune/detect.ps1", "intune/remediate.ps1", "intune/README.txt"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	wufixCmd, err := os.ReadFile(filepath.Join(dir, "wufix.cmd"))
	require.NoError(t, err)
	assert.Contains(t, string(wufixCmd), `if /i "%WIN_TYPE%"=="WinNT" if %WIN_BUILD% GEQ 22000 if %WIN_BUILD% LEQ 29999 set "FITS=win11"`)
	assert.Contains(t, string(wufixCmd), "\r\n", "CRLF")
	code, out, errOut := runCLI("check", "--out", dir)
	assert.Equal(t, 0, code, out+errOut)
	code, out, _ = runCLI("verify", dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "files match SHA256SUMS and manifest.json")

	// A build without Windows 10 or 11 has no Intune pair, and takes away
	// the one an earlier build left.
	code, _, errOut = runCLI("build", "--out", dir, "--target", "xp")
	require.Equal(t, 0, code, errOut)
	assert.NoDirExists(t, filepath.Join(dir, "intune"))
	assert.DirExists(t, filepath.Join(dir, "win10"), "other targets' folders stay")
	wufixCmd, err = os.ReadFile(filepath.Join(dir, "wufix.cmd"))
	require.NoError(t, err)
	assert.Contains(t, string(wufixCmd), "rem Bundles here: xp\r\n")
	code, out, _ = runCLI("verify", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "win10/SHA256SUMS: extra: the folder's files match it, but the SHA256SUMS above does not list it: a folder from another build\n")
}

func TestBuildWithPayload(t *testing.T) {
	payloads := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb947821-v34-x64.msu": "MSCF" + strings.Repeat("surt", 1<<18),
		"WindowsXP-KB2347290-x86-ENU.exe": "MZ xp",
		"windows8.1-kb2919355-x64.msu":    "MSCF 8.1",
		"wsusscn2.cab":                    "MSCF scan",
		"payload.yaml":                    "files:\n  - file: wsusscn2.cab\n    targets: [xp, win7]\n",
	})
	dir := filepath.Join(t.TempDir(), "dist")
	code, out, errOut := runCLI("build", "--out", dir, "--target", "win7", "--target", "xp", "--payload", payloads)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "built 2 bundles")
	assert.Equal(t, "wufix: 1 payload file(s) left out: only targets outside this build use them\n", errOut, "no progress bar off a terminal")
	sums, err := os.ReadFile(filepath.Join(dir, "win7", "SHA256SUMS"))
	require.NoError(t, err)
	assert.Contains(t, string(sums), "  packages/windows6.1-kb947821-v34-x64.msu\n")
	assert.Contains(t, string(sums), "  packages/wsusscn2.cab\n")
	manifest, err := os.ReadFile(filepath.Join(dir, "xp", "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"path": "packages/WindowsXP-KB2347290-x86-ENU.exe",`)
	assert.NoFileExists(t, filepath.Join(dir, "win7", "packages", "windows8.1-kb2919355-x64.msu"))

	code, out, errOut = runCLI("check", "--out", dir, "--target", "win7", "--target", "xp", "--payload", payloads)
	assert.Equal(t, 0, code, out+errOut)
	code, out, _ = runCLI("verify", dir)
	assert.Equal(t, 0, code, out)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "xp", "packages", "wsusscn2.cab"), []byte("SCAN"), 0o644))
	code, out, _ = runCLI("check", "--out", dir, "--target", "win7", "--target", "xp", "--payload", payloads)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "xp/packages/wsusscn2.cab: changed\n")
	code, out, _ = runCLI("verify", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "xp/packages/wsusscn2.cab: changed: sha256 ")
}

func TestBadPayloadLeavesTheOutputAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win7")
	require.Equal(t, 0, code, errOut)
	before := snapshot(t, dir)
	cases := []struct {
		name   string
		files  map[string]string
		stderr string
	}{
		{"same name, other contents", map[string]string{"a/windows6.1-kb1-x64.msu": "MSCF 1", "b/windows6.1-kb1-x64.msu": "MSCF 2"},
			"wufix: payload: a/windows6.1-kb1-x64.msu and b/windows6.1-kb1-x64.msu have the same name in the win7 bundle but different contents\n"},
		{"unusable file", map[string]string{"windows6.1-kb1-x64.msu": "MSCF 1", "setup.exe": "MZ 2"},
			"the name does not say which Windows it is for: name its targets in payload.yaml"},
		{"empty package", map[string]string{"windows6.1-kb1-x64.msu": ""},
			"  windows6.1-kb1-x64.msu: an empty file is not an update package; download it again\n"},
		{"an error page saved as a package", map[string]string{"windows6.1-kb1-x64.msu": "<html>"},
			"  windows6.1-kb1-x64.msu: not a cabinet: a .msu file starts with \"MSCF\", this one with \"<htm\"; download it again\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			payloads := filetree.Write(t, t.TempDir(), tc.files)
			code, out, errOut := runCLI("build", "--out", dir, "--target", "win7", "--payload", payloads)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.stderr)
			assert.Equal(t, before, snapshot(t, dir), "nothing written")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range entries {
				assert.NotContains(t, e.Name(), "staging")
			}
		})
	}
}

func TestPayloadFolderGivenAsALink(t *testing.T) {
	payloads := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb947821-v34-x64.msu": "MSCF surt"})
	link := filepath.Join(t.TempDir(), "updates")
	require.NoError(t, os.Symlink(payloads, link))
	dir := filepath.Join(t.TempDir(), "dist")
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win7", "--payload", link)
	require.Equal(t, 0, code, errOut)
	assert.FileExists(t, filepath.Join(dir, "win7", "packages", "windows6.1-kb947821-v34-x64.msu"), "the folder the link names is copied")
}

func TestZipIsReproducible(t *testing.T) {
	payloads := filetree.Write(t, t.TempDir(), map[string]string{"windows6.1-kb947821-v34-x64.msu": "MSCF surt"})
	var zips [][]byte
	for range 2 {
		dir := filepath.Join(t.TempDir(), "dist")
		code, out, errOut := runCLI("build", "--out", dir, "--target", "win7", "--target", "xp", "--payload", payloads, "--zip")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "archives: "+dir+".zip and 2 per target")
		all, err := os.ReadFile(dir + ".zip")
		require.NoError(t, err)
		one, err := os.ReadFile(dir + "-win7.zip")
		require.NoError(t, err)
		zips = append(zips, all, one)
		for _, z := range []string{dir + ".zip", dir + "-win7.zip", dir + "-xp.zip"} {
			code, out, _ := runCLI("verify", z)
			assert.Equal(t, 0, code, out)
		}
	}
	assert.True(t, bytes.Equal(zips[0], zips[2]), "the build's archive is byte-identical")
	assert.True(t, bytes.Equal(zips[1], zips[3]), "the win7 archive is byte-identical")
}

func TestDeployOptions(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win10", "--report", `\\srv\wufix reports`, "--intune-root", `D:\wufix`)
	require.Equal(t, 0, code, errOut)
	startup, err := os.ReadFile(filepath.Join(dir, "gpo", "startup.cmd"))
	require.NoError(t, err)
	assert.Contains(t, string(startup), `set "WUFIX_REPORT=\\srv\wufix reports"`)
	assert.Contains(t, string(startup), `run.cmd" /gpo "/report:%WUFIX_REPORT%" %*`)
	remediate, err := os.ReadFile(filepath.Join(dir, "intune", "remediate.ps1"))
	require.NoError(t, err)
	assert.Contains(t, string(remediate), `[Environment]::ExpandEnvironmentVariables('D:\wufix')`)

	code, _, errOut = runCLI("build", "--out", dir, "--report", `\\srv\"x`)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "quotes, %, ! and ^ cannot be passed safely to run.cmd")
}

func TestVerifyUsage(t *testing.T) {
	code, _, errOut := runCLI("verify")
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: verify takes one folder or .zip file, got 0 arguments\n", errOut)
	code, _, errOut = runCLI("verify", filepath.Join(t.TempDir(), "none"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no such file or directory")
}

// A rebuild links the payload files whose sources did not change from the
// previous build rather than copying them; what macOS or Explorer left in
// the payload folder is named and left out. verify and a third build
// accept the digests record beside the owner record.
func TestRebuildWithPayloadLinksUnchangedFiles(t *testing.T) {
	payloads := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb2533552-x64.msu":   "MSCF" + strings.Repeat("x", 1<<16),
		"._windows6.1-kb2533552-x64.msu": "AppleDouble",
		".DS_Store":                      "Bud1",
	})
	hourAgo := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(payloads, "windows6.1-kb2533552-x64.msu"), hourAgo, hourAgo))
	dir := filepath.Join(t.TempDir(), "dist")
	staged := filepath.Join(dir, "win7", "packages", "windows6.1-kb2533552-x64.msu")
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win7", "--payload", payloads)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "wufix: payload ._windows6.1-kb2533552-x64.msu ignored: what macOS or Windows leaves in folders, not an update package\n")
	assert.Contains(t, errOut, "wufix: payload .DS_Store ignored")
	assert.FileExists(t, filepath.Join(dir, ".wufix-payloads"))
	first, err := os.Stat(staged)
	require.NoError(t, err)
	for range 2 {
		code, _, errOut = runCLI("build", "--out", dir, "--target", "win7", "--payload", payloads)
		require.Equal(t, 0, code, errOut)
		again, err := os.Stat(staged)
		require.NoError(t, err)
		assert.True(t, os.SameFile(first, again), "linked from the previous build, not copied")
	}
	code, out, _ := runCLI("verify", dir)
	assert.Equal(t, 0, code, out)
	code, out, errOut = runCLI("check", "--out", dir, "--target", "win7", "--payload", payloads)
	assert.Equal(t, 0, code, out+errOut)
}
