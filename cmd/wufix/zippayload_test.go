package main

import (
	"archive/zip"
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

// Microsoft's WMF 5.1 .zip for Windows 7 x64 given as it was downloaded:
// the .msu inside lands in the win7 bundle and its SHA256SUMS, the script
// beside it is named and left out, a rebuild takes the package from the
// previous build, and verify and check agree with the output.
func TestBuildUnpacksAZipPayload(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, data := range map[string]string{
		"Install-WMF5.1.ps1":              "# checks .NET 4.5, then runs wusa",
		"Win7AndW2K8R2-KB3191566-x64.msu": "MSCF" + strings.Repeat("w", 1<<16),
	} {
		fw, err := w.Create(name)
		require.NoError(t, err)
		_, err = fw.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	payloads := filetree.Write(t, t.TempDir(), map[string]string{"Win7AndW2K8R2-KB3191566-x64.zip": buf.String()})
	hourAgo := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(payloads, "Win7AndW2K8R2-KB3191566-x64.zip"), hourAgo, hourAgo))

	dir := filepath.Join(t.TempDir(), "dist")
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win7", "--target", "win81", "--payload", payloads)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "wufix: payload Win7AndW2K8R2-KB3191566-x64.zip/Install-WMF5.1.ps1 left out: not an update package")
	staged := filepath.Join(dir, "win7", "packages", "Win7AndW2K8R2-KB3191566-x64.msu")
	first, err := os.Stat(staged)
	require.NoError(t, err)
	sums, err := os.ReadFile(filepath.Join(dir, "win7", "SHA256SUMS"))
	require.NoError(t, err)
	assert.Contains(t, string(sums), "packages/Win7AndW2K8R2-KB3191566-x64.msu")
	assert.NotContains(t, string(sums), "Install-WMF5.1.ps1")
	assert.NoDirExists(t, filepath.Join(dir, "win81", "packages"), "a Windows 7 package only")
	assert.NoFileExists(t, filepath.Join(dir, "win7", "packages", "Install-WMF5.1.ps1"))

	code, _, errOut = runCLI("build", "--out", dir, "--target", "win7", "--target", "win81", "--payload", payloads)
	require.Equal(t, 0, code, errOut)
	again, err := os.Stat(staged)
	require.NoError(t, err)
	assert.True(t, os.SameFile(first, again), "linked from the previous build, not inflated again")
	code, out, _ := runCLI("verify", dir)
	assert.Equal(t, 0, code, out)
	code, out, errOut = runCLI("check", "--out", dir, "--target", "win7", "--target", "win81", "--payload", payloads)
	assert.Equal(t, 0, code, out+errOut)
}
