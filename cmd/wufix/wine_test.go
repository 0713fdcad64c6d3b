package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// digests is every file under dir with its SHA-256: a failure names the
// files that differ without printing them.
func digests(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for name, data := range snapshot(t, dir) {
		m[name] = fmt.Sprintf("%x", sha256.Sum256([]byte(data)))
	}
	return m
}

// windowsExe cross-builds this command for Windows, pure Go.
func windowsExe(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "wufix.exe")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return exe
}

// Administrators build bundles on Windows too: wufix.exe, run under Wine,
// builds every bundle byte for byte as the Linux build does, builds again
// into the same folder (which replaces every entry), and then builds a
// smaller set into it (which retires the Intune pair).
func TestWindowsBuildMatchesLinux(t *testing.T) {
	p := wine.Proof(t).NewPrefix(t)
	p.InstallGoRuntime()
	exe := windowsExe(t)
	linux := built(t)
	win := filepath.Join(t.TempDir(), "dist")
	wufix := func(args ...string) wine.Result {
		t.Helper()
		r := p.RunAgain("", append([]string{exe}, args...)...)
		require.False(t, wine.Flake(r), "Wine failed to start wufix.exe twice")
		return r
	}
	for i := 1; i <= 2; i++ {
		r := wufix("build", "--out", p.WinPath(win))
		require.Equal(t, 0, r.Code, "build %d under Wine:\n%s%s", i, r.Stdout, r.Stderr)
		assert.Contains(t, r.Stdout, fmt.Sprintf("built %d bundles", len(targetIDs())))
		assert.Equal(t, digests(t, linux), digests(t, win), "build %d under Wine", i)
	}
	r := wufix("verify", p.WinPath(win))
	assert.Equal(t, 0, r.Code, "verify under Wine:\n%s%s", r.Stdout, r.Stderr)

	code, _, errOut := runCLI("build", "--out", linux, "--target", "xp")
	require.Equal(t, 0, code, errOut)
	r = wufix("build", "--out", p.WinPath(win), "--target", "xp")
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.NoDirExists(t, filepath.Join(win, "intune"))
	assert.Equal(t, digests(t, linux), digests(t, win), "a smaller build under Wine")
}
