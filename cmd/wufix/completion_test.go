package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary stand in for wufix when the shells'
// completion scripts run it (as "wufix" on a PATH the test makes).
func TestMain(m *testing.M) {
	if os.Getenv("WUFIX_TEST_AS_WUFIX") == "1" {
		os.Exit(run(os.Args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// allTargets are the catalog's target ids, in its order.
var allTargets = strings.Join(targetIDs(), " ")

func TestCompletionCandidates(t *testing.T) {
	cases := []struct {
		words []string // after "wufix"; the last is the word under the cursor
		want  string
	}{
		{[]string{""}, "build check verify explain targets steps report completion help"},
		{[]string{"c"}, "check completion"},
		{[]string{"--c"}, "--catalog"},
		{[]string{"build", "--t"}, "--target"},
		{[]string{"build", "-"}, "--catalog --error --help --intune-root --out --payload --pfx --report --sign-cert --sign-key --target --zip -e -o -t"},
		{[]string{"build", "--target", ""}, allTargets},
		{[]string{"build", "-t", "win1"}, "win10 win11"},
		{[]string{"build", "--zip", "--target", "x"}, "xp"},
		{[]string{"build", "--out", ""}, ""}, // a folder: the shell completes it
		{[]string{"build", "--out=x", "--e"}, "--error"},
		{[]string{"build", "--error", "0x8007000"}, "0x80070001 0x80070002 0x80070003 0x80070005 0x8007000D 0x8007000E"},
		{[]string{"explain", "0x800F"}, "0x800F081F 0x800F0922"},
		{[]string{"explain", "--lang", ""}, "en ru"},
		{[]string{"explain", "--l"}, "--lang"},
		{[]string{"steps", "--target", "server2"}, "server2003 server2016 server2025"},
		{[]string{"completion", ""}, "bash zsh fish powershell"},
		{[]string{"help", "ex"}, "explain"},
		{[]string{"verify", ""}, ""},
		{[]string{"build", "--", "-"}, ""}, // after --, no options
		{[]string{"nosuch", ""}, ""},
		{[]string{"__complete", ""}, ""},
		{[]string{"--catalog", "/nonexistent", "build", "--target", ""}, ""}, // that catalog has no targets
	}
	for _, tc := range cases {
		cur := tc.words[len(tc.words)-1]
		args := append([]string{"__complete", "--word=" + cur}, tc.words[:len(tc.words)-1]...)
		code, out, errOut := runCLI(args...)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, tc.want, strings.Join(strings.Fields(out), " "), tc.words)
	}
	code, _, errOut := runCLI("__complete", "build")
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: __complete: the first argument must be --word=CURRENT\n", errOut)
}

func TestCompletionScripts(t *testing.T) {
	checkers := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			code, out, errOut := runCLI("completion", shell)
			require.Equal(t, 0, code, errOut)
			want, err := scripts.ReadFile("completion/wufix." + shell)
			require.NoError(t, err)
			assert.Equal(t, string(want), out)
			assert.Contains(t, out, ` __complete `)
			assert.Contains(t, out, `--word=`)
			assert.Contains(t, out, "wufix completion "+shell)
			check, ok := checkers[shell]
			if !ok {
				t.Logf("%s: no interpreter here; the script is checked as text only", shell)
				return
			}
			if _, err := exec.LookPath(check[0]); err != nil {
				t.Skipf("%s is not installed: the script's syntax is not checked", check[0])
			}
			p := filepath.Join(t.TempDir(), "wufix."+shell)
			require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
			res, err := exec.Command(check[0], append(check[1:], p)...).CombinedOutput()
			assert.NoError(t, err, "%s", res)
		})
	}
	assert.Contains(t, mustScript(t, "powershell"), "Register-ArgumentCompleter -Native -CommandName 'wufix', 'wufix.exe'")
	assert.Contains(t, mustScript(t, "bash"), "complete -o default -F _wufix wufix\n")
	assert.Contains(t, mustScript(t, "zsh"), "compdef _wufix wufix\n")
	assert.Contains(t, mustScript(t, "fish"), "complete -c wufix ")
}

func mustScript(t *testing.T, shell string) string {
	t.Helper()
	data, err := scripts.ReadFile("completion/wufix." + shell)
	require.NoError(t, err)
	return string(data)
}

// asWufix puts the test binary on a fresh PATH as "wufix" and returns the
// environment that makes it act as wufix.
func asWufix(t *testing.T) []string {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	bin := t.TempDir()
	require.NoError(t, os.Symlink(self, filepath.Join(bin, "wufix")))
	return append(os.Environ(), "WUFIX_TEST_AS_WUFIX=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// shellWithScript skips the test where the shell is missing, and returns
// the environment that runs wufix (asWufix) and the shell's completion
// script, written to a file for the shell to source.
func shellWithScript(t *testing.T, shell, skip string) (env []string, script string) {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		t.Skip(skip)
	}
	script = filepath.Join(t.TempDir(), "wufix."+shell)
	require.NoError(t, os.WriteFile(script, []byte(mustScript(t, shell)), 0o644))
	return asWufix(t), script
}

// shellWords quotes the words of a command line for a shell array; a line
// that ends in a blank has the cursor on a new, empty word.
func shellWords(line string) string {
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	for i, w := range words {
		words[i] = "'" + w + "'"
	}
	return strings.Join(words, " ")
}

// runWith runs cmd in env and returns what it printed, failing the test
// when it fails.
func runWith(t *testing.T, cmd *exec.Cmd, env []string) string {
	t.Helper()
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

// TestBashCompletionRuns runs the bash script as bash does on <Tab>: the
// function with COMP_WORDS and COMP_CWORD set, then reads COMPREPLY.
func TestBashCompletionRuns(t *testing.T) {
	env, script := shellWithScript(t, "bash", "bash is not installed")
	cases := []struct {
		line string // the words; the cursor is at the end
		want string
	}{
		{"wufix ", "build check verify explain targets steps report completion help"},
		{"wufix bu", "build"},
		{"wufix build --target win8", "win8 win81"},
		{"wufix build --ta", "--target"},
		{"wufix completion p", "powershell"},
		{"wufix build --out ", ""},
	}
	for _, tc := range cases {
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c",
			`source "$1"; COMP_WORDS=(`+shellWords(tc.line)+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _wufix; echo "${COMPREPLY[*]}"`,
			"bash", script)
		assert.Equal(t, tc.want, strings.TrimSpace(runWith(t, cmd, env)), tc.line)
	}
}

// TestFishCompletionRuns asks fish what it would offer (complete -C).
func TestFishCompletionRuns(t *testing.T) {
	env, script := shellWithScript(t, "fish", "fish is not installed: only the script's text is checked")
	cases := []struct{ line, want string }{
		{"wufix bu", "build"},
		{"wufix build --target win8", "win8 win81"},
		{"wufix explain 0x8007000", "0x80070001 0x80070002 0x80070003 0x80070005 0x8007000D 0x8007000E"},
	}
	for _, tc := range cases {
		cmd := exec.Command("fish", "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, script, tc.line)
		assert.Equal(t, tc.want, strings.Join(strings.Fields(runWith(t, cmd, env)), " "), tc.line)
	}
	// Where wufix offers nothing, fish offers files.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "payload-here"), nil, 0o644))
	cmd := exec.Command("fish", "--no-config", "-c", `source $argv[1]; cd $argv[2]; complete -C 'wufix build --payload pay'`, script, dir)
	assert.Equal(t, "payload-here", strings.TrimSpace(runWith(t, cmd, env)))
}

// TestZshCompletionRuns runs the zsh function outside the completion
// system: compadd and _files are stand-ins that print what they are
// given, and words and CURRENT are set as zsh sets them on <Tab>.
func TestZshCompletionRuns(t *testing.T) {
	env, script := shellWithScript(t, "zsh", "zsh is not installed: only the script's text is checked")
	cases := []struct{ line, want string }{
		{"wufix ", "build check verify explain targets steps report completion help"},
		{"wufix build --target win1", "win10 win11"},
		{"wufix --catalog x build --t", "--target"},
		{"wufix build --payload ", "FILES"},
	}
	for _, tc := range cases {
		cmd := exec.Command("zsh", "-f", "-c",
			`compdef() { :; }; compadd() { shift; print -r -- "$*"; }; _files() { print FILES; }; source "$1"; `+
				`words=(`+shellWords(tc.line)+`); CURRENT=${#words}; _wufix`, "zsh", script)
		assert.Equal(t, tc.want, strings.TrimSpace(runWith(t, cmd, env)), tc.line)
	}
}
