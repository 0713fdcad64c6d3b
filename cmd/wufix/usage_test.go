package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
)

func TestVersion(t *testing.T) {
	code, out, errOut := runCLI("--version")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	// A test binary carries no VCS stamp; versionLines is shown the other
	// cases below.
	assert.Equal(t, "wufix     (devel)\n"+
		"revision  unknown (built without version control information)\n"+
		"go        "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n"+
		"catalog   2026-11-21\n", out)

	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, wufix.Catalog))
	p := filepath.Join(dir, "templates", "catalog.yaml")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, bytes.Replace(data, []byte(`date: "2026-11-21"`), []byte(`date: "2027-01-02"`), 1), 0o644))
	code, out, errOut = runCLI("--catalog", dir, "--version")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "\ncatalog   2027-01-02\n", "the date of the catalog --catalog names")
}

func TestVersionLines(t *testing.T) {
	info := func(settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v1.2.3"}, Settings: settings}
	}
	goLine := "go        go1.99 " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "c02c5f4e"}
	assert.Equal(t, "wufix     v1.2.3\nrevision  c02c5f4e\n"+goLine,
		versionLines(info(rev, debug.BuildSetting{Key: "vcs.modified", Value: "false"})))
	assert.Equal(t, "wufix     v1.2.3\nrevision  c02c5f4e (modified: built with uncommitted changes)\n"+goLine,
		versionLines(info(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})))
	assert.Equal(t, "wufix     v1.2.3\nrevision  unknown (built without version control information)\n"+goLine,
		versionLines(info()))
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "build"}, {"build", "-h"}, {"build", "--help"}} {
		code, out, errOut := runCLI(args...)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "wufix build - build the bundles into a folder", args)
		assert.Contains(t, out, "--catalog DIR", args)
	}
	for _, args := range [][]string{{"explain", "-h"}, {"explain", "--help"}, {"help", "explain"}} {
		code, out, errOut := runCLI(args...)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "wufix explain [command options] CODE (0x80070003, 80070003, -2147024893 or 2147942403)", args)
		assert.Empty(t, errOut)
	}
	code, out, _ := runCLI("help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "completion")
	assert.NotContains(t, out, "__complete", "the scripts' helper is hidden")
}

func TestCheckTakesTheFolderAsArgument(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("build", "--out", dir, "--target", "xp")
	require.Equal(t, 0, code, errOut)
	code, out, errOut := runCLI("check", "--target", "xp", dir)
	assert.Equal(t, 0, code, out+errOut)
	require.NoError(t, os.Remove(filepath.Join(dir, "xp", "README.txt")))
	code, out, errOut = runCLI("check", "--target", "xp", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "xp/README.txt: missing\n", out, "the folder named, not ./dist")
	assert.Equal(t, "wufix: "+dir+" differs from a fresh build: 1 file(s)\n", errOut)

	code, _, errOut = runCLI("check", "--out", "other", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: check: the folder is given twice, as "+dir+" and --out other\n", errOut)
}

func TestCommandsRefuseExtraArguments(t *testing.T) {
	cases := []struct {
		args   []string
		stderr string
	}{
		{[]string{"build", "x"}, `wufix: build takes no arguments, got "x"` + "\n"},
		{[]string{"build", "x", "--target", "xp"}, `wufix: build takes no arguments, got "x --target xp" (options go before arguments; -- ends options)` + "\n"},
		{[]string{"check", "a", "b"}, "wufix: check takes at most one folder, got 2 arguments\n"},
		{[]string{"verify", "a", "b"}, "wufix: verify takes one folder or .zip file, got 2 arguments\n"},
		{[]string{"explain", "0x80070003", "0x80070005"}, "wufix: explain takes one error code, got 2 arguments\n"},
		{[]string{"targets", "xp"}, `wufix: targets takes no arguments, got "xp"` + "\n"},
		{[]string{"steps", "xp"}, `wufix: steps takes no arguments, got "xp"` + "\n"},
		{[]string{"completion", "bash", "zsh"}, "wufix: completion takes one shell (bash, zsh, fish, powershell), got 2 arguments\n"},
		{[]string{"completion"}, "wufix: completion takes one shell (bash, zsh, fish, powershell), got 0 arguments\n"},
		{[]string{"completion", "tcsh"}, `wufix: completion: unknown shell "tcsh" (known: bash, zsh, fish, powershell)` + "\n"},
		{[]string{"nosuch"}, `wufix: unknown command "nosuch" (see wufix help)` + "\n"},
		{[]string{"build", "--nosuch"}, "wufix: build: flag provided but not defined: -nosuch (see wufix help build)\n"},
		{[]string{"--nosuch", "build"}, "wufix: flag provided but not defined: -nosuch (see wufix help)\n"},
		{[]string{"explain", "--nosuch", "0x80070003"}, "wufix: explain: flag provided but not defined: --nosuch (see wufix help explain)\n"},
		{[]string{"explain", "--catalog"}, "wufix: explain: flag needs an argument: --catalog (see wufix help explain)\n"},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Equal(t, tc.stderr, errOut, tc.args)
	}
}

func TestDoubleDashEndsOptions(t *testing.T) {
	code, out, errOut := runCLI("explain", "--", "-2147024893")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "code      0x80070003 (-2147024893, 2147942403)\n")

	// A folder whose name starts with '-' is an argument after --.
	parent := t.TempDir()
	t.Chdir(parent)
	code, _, errOut = runCLI("build", "--out", "-dist", "--target", "xp")
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI("verify", "--", "-dist")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "-dist: ")
	code, out, errOut = runCLI("check", "--target", "xp", "--", "-dist")
	assert.Equal(t, 0, code, out+errOut)
	code, _, errOut = runCLI("verify", "-dist")
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: verify: flag provided but not defined: -dist (see wufix help verify)\n", errOut)
}

func TestCatalogAfterTheCommand(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, wufix.Catalog))
	p := filepath.Join(dir, "targets", "xp.yaml")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(data, []byte("extra_key: 1\n")...), 0o644))
	want := fmt.Sprintf("targets/xp.yaml:%d:1: unknown key \"extra_key\"\n", bytes.Count(data, []byte("\n"))+1)
	out := filepath.Join(t.TempDir(), "dist")
	for _, args := range [][]string{
		{"build", "--out", out, "--catalog", dir},
		{"check", "--catalog", dir, out},
		{"targets", "--catalog", dir},
		{"steps", "--catalog", dir},
		{"explain", "--catalog", dir, "0x80070003"},
		{"explain", "--catalog=" + dir, "0x80070003"},
		{"--catalog", dir, "targets"},
		{"--catalog", "/nonexistent", "targets", "--catalog", dir}, // the one nearest the command wins
	} {
		code, stdout, errOut := runCLI(args...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, stdout, args)
		assert.Equal(t, want, errOut, args)
	}
	assert.NoDirExists(t, out, "nothing written")
}

// failing is a stdout that refuses every write, as a full disk or a
// closed pipe does.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestFailedWriteToStdoutIsAnError(t *testing.T) {
	for _, args := range [][]string{{"targets"}, {"help", "build"}, {"--version"}, {"explain", "0x80070003"}, {"completion", "bash"}} {
		var errOut bytes.Buffer
		code := run(append([]string{"wufix"}, args...), failing{}, &errOut)
		assert.Equal(t, 2, code, args)
		assert.Equal(t, "wufix: writing to standard output: no space left on device\n", errOut.String(), args)
	}
	// check's differences that cannot be shown are not exit 1: the
	// message says they exist, and the failed write makes it an error.
	dir := t.TempDir()
	code, _, stderr := runCLI("build", "--out", dir, "--target", "xp")
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.Remove(filepath.Join(dir, "xp", "README.txt")))
	var errOut bytes.Buffer
	code = run([]string{"wufix", "check", "--target", "xp", dir}, failing{}, &errOut)
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: "+dir+" differs from a fresh build: 1 file(s)\n"+
		"wufix: writing to standard output: no space left on device\n", errOut.String())
}

// TestBinaryIsPureGo keeps cgo out of the binary, so that it cross-builds
// with CGO_ENABLED=0: only the grammar tests use cgo, behind a build tag.
func TestBinaryIsPureGo(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the packages")
	}
	cmd := exec.Command("go", "list", "-deps", "-f", `{{if and .CgoFiles (not .Standard)}}{{.ImportPath}}{{end}}`, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Empty(t, strings.TrimSpace(string(out)), "packages of wufix that need cgo")
}
