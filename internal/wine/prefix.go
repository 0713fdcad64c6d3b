package wine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Timeout bounds every Wine process the harness starts. Scripts get no
// standard input, so pause and set /p return at once; this catches the rest.
// It detects a hang, it does not bound speed: one full-strength bundle run
// took 42 s here at a load of 7 and 79 s at a load of 20, so the former
// 2 minutes failed the longest runs on a loaded machine.
var Timeout = 10 * time.Minute

// harnessDir is the harness's own folder inside each prefix (wrappers,
// exports, the stub log), kept apart from anything a script touches.
const harnessDir = `C:\wufix-test`

// Prefix is one test's own copy of the template prefix, with its own
// persistent wineserver for the lifetime of the test.
type Prefix struct {
	Dir string // the WINEPREFIX folder on the host

	env       *Env
	t         testing.TB
	overrides []string // DLL overrides, e.g. "sc.exe=n" for stubs
	vars      []string // extra NAME=value for scripts
	seq       *int     // numbers harness files, so runs never share one
	shared    []sharedFile
	template  string
}

// NewPrefix copies the template for t, starts its wineserver and stops it
// when t ends. Timings go to the test log (go test -v shows them).
func (e *Env) NewPrefix(t testing.TB) *Prefix {
	t.Helper()
	tmpl := e.template()
	if tmpl.err != nil {
		t.Fatal(tmpl.err)
	}
	dir, err := e.newPrefixDir(t.Name())
	if err != nil {
		t.Fatal(err)
	}
	p := &Prefix{Dir: dir, env: e, t: t, seq: new(int)}
	start := time.Now()
	t.Cleanup(p.stop)
	shared, err := copyPrefix(tmpl.dir, p.Dir)
	if err != nil {
		t.Fatalf("wine prefix: copy %s: %v", tmpl.dir, err)
	}
	p.shared, p.template = shared, tmpl.dir
	if err := os.MkdirAll(p.HostPath(harnessDir), 0o755); err != nil {
		t.Fatal(err)
	}
	copied := time.Since(start)
	if err := p.start(); err != nil {
		t.Fatalf("wine prefix: %v", err)
	}
	how := "cached"
	if tmpl.built {
		how = "built"
	}
	t.Logf("wine prefix: template %s in %v, copied in %v, started in %v", how,
		tmpl.took.Round(time.Millisecond), copied.Round(time.Millisecond), (time.Since(start) - copied).Round(time.Millisecond))
	return p
}

// For returns the prefix reporting to t, a subtest of the test that made
// it, so that scenarios can share one prefix one after another: each
// failure is reported in its own subtest, and the prefix still stops when
// the test that made it ends. Settings made through the returned prefix
// (Setenv, InstallStub) apply to it alone.
func (p *Prefix) For(t testing.TB) *Prefix {
	q := *p
	q.t = t
	q.overrides = slices.Clip(p.overrides)
	q.vars = slices.Clip(p.vars)
	return &q
}

// start runs a persistent wineserver, which keeps one wine run at ~0.1 s
// instead of ~0.5 s, and a first, empty program, which starts Wine's own
// services (services.exe, winedevice...). Neither gets the harness's pipes:
// both leave processes behind that would hold them open, and every later
// Run would then wait for them. The first program is started up to three
// times: on a busy machine Wine's first start in a prefix fails now and
// then (exit status 1, nothing printed), and the next one works.
func (p *Prefix) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	run := func(args ...string) error {
		cmd := command(ctx, args[0], args[1:]...)
		cmd.Env = p.environ()
		cmd.Dir = p.Dir
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", strings.Join(args, " "), err)
		}
		return nil
	}
	if err := run(p.env.Wineserver, "-p"); err != nil {
		return err
	}
	var err error
	for range 3 {
		if err = run(p.env.Wine, "cmd", "/c", "exit"); err == nil {
			return nil
		}
	}
	return err
}

// stop kills the prefix's server and every Windows process still running
// in it (services started by scripts, for one), removes the server's
// socket folder, which lives outside the prefix, and then the prefix.
func (p *Prefix) stop() {
	start := time.Now()
	defer func() { p.t.Logf("wine prefix: stopped in %v", time.Since(start).Round(time.Millisecond)) }()
	if err := killServer(p.env.Wineserver, p.Dir); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) { // exit 1: no server was running
			p.t.Logf("wine prefix: wineserver -k: %v", err)
		}
	}
	removeServerDir(p.Dir)
	if err := checkShared(p.shared, p.template); err != nil {
		p.t.Error(err)
	}
	if err := os.RemoveAll(p.Dir); err != nil {
		p.t.Logf("wine prefix: %v", err)
	}
}

// command is exec.CommandContext for a Wine program, started in its own
// process group: when ctx ends, the whole group is killed, the wine
// launcher and whatever it started outside the wineserver's control, and a
// terminal's SIGINT reaches only the test process, whose watchdog then
// stops the prefixes in order (see live.go).
func command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// removeServerDir removes the socket folder Debian's Wine makes for a
// prefix in $TMPDIR; the prefix's file "wineserver" names it. Only call it
// once the prefix's server is gone.
func removeServerDir(prefix string) {
	name, err := os.ReadFile(filepath.Join(prefix, "wineserver"))
	if n := strings.TrimSpace(string(name)); err == nil && strings.HasPrefix(n, "wine-") && !strings.ContainsRune(n, '/') {
		os.RemoveAll(filepath.Join(os.TempDir(), n))
	}
}

// Setenv sets a variable for every later Run, e.g. WUFIX_STUB_EXIT_SFC.
func (p *Prefix) Setenv(name, value string) {
	p.vars = append(p.vars, name+"="+value)
}

// environ is the environment of a Wine process in this prefix. Wine passes
// the Unix environment on to Windows programs, so the variables set here
// are what the scripts see, beside Wine's own (SystemRoot, PATH...).
func (p *Prefix) environ() []string {
	env := baseEnv(p.Dir, ";"+strings.Join(p.overrides, ";"))
	env = append(env, "WUFIX_STUB_LOG="+harnessDir+`\stub.log`)
	return append(env, p.vars...)
}

// output is what a finished Wine process left behind.
type output struct {
	stdout, stderr []byte
	code           int // the low 8 bits only: that is all Linux sees
	took           time.Duration
}

// exec runs a host program (wine, wineserver) against this prefix in dir
// ("" for the prefix itself). A non-zero exit is not an error here; not
// starting, running past Timeout, or leaving the output pipes held open by
// another process (exec.ErrWaitDelay, the output may be incomplete) is.
func (p *Prefix) exec(prog, dir string, args ...string) (output, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := command(ctx, prog, args...)
	cmd.Env = p.environ()
	cmd.Dir = dir
	if dir == "" {
		cmd.Dir = p.Dir
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A Windows child may keep the pipes open after cmd exits.
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	out := output{stdout: stdout.Bytes(), stderr: stderr.Bytes(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s %s: still running after %v", filepath.Base(prog), strings.Join(args, " "), Timeout)
	case errors.As(err, &exit):
		out.code = exit.ExitCode()
	case err != nil:
		return out, fmt.Errorf("%s: %w", filepath.Base(prog), err)
	}
	return out, nil
}

// wine runs "wine args..." in the prefix and fails the test if Wine
// itself could not run. Every caller runs a command that may safely run
// twice (winecfg, reg add, import, export, query), so one that failed
// without a word, or whose output another process held open, runs once
// more (see NOTES.md: Wine's own failures under load).
func (p *Prefix) wine(dir string, args ...string) output {
	p.t.Helper()
	out, err := p.exec(p.env.Wine, dir, args...)
	// Wine's loader failing to start the program (wrapperNotStarted's
	// message) ran nothing either.
	notRun := err == nil && out.code != 0 && wrapperNotStarted(Result{Stdout: decode(out.stdout), Stderr: decode(out.stderr)})
	if errors.Is(err, exec.ErrWaitDelay) || notRun || (err == nil && out.code != 0 && len(out.stdout)+len(out.stderr) == 0) {
		p.t.Logf("wine %s: exit %d with no output, or not started (%v); running it again", strings.Join(args, " "), out.code, err)
		out, err = p.exec(p.env.Wine, dir, args...)
	}
	if err != nil {
		p.t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out.stdout, out.stderr)
	}
	return out
}

// SetVersion makes the prefix report a Windows version: winxp, vista, win7,
// win8, win81, win10, win11, and the server names winecfg knows. A 64-bit
// prefix has no plain "winxp", so that means winxp64 (5.2.3790). Wine 8
// knows no Windows 11: "win11" is win10 with CurrentBuild(Number) set to
// 22631, which is what scripts read; GetVersionEx and ver still say 18362.
func (p *Prefix) SetVersion(version string) {
	p.t.Helper()
	v := version
	switch version {
	case "winxp":
		v = "winxp64"
	case "win11":
		v = "win10"
	}
	if out := p.wine("", "winecfg", "/v", v); out.code != 0 {
		p.t.Fatalf("wine winecfg /v %s: exit %d: unknown version %q?", v, out.code, version)
	}
	if version == "win11" {
		const key = `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`
		for _, name := range []string{"CurrentBuild", "CurrentBuildNumber"} {
			if out := p.wine("", "reg", "add", key, "/v", name, "/d", "22631", "/f"); out.code != 0 {
				p.t.Fatalf("wine reg add %s /v %s: exit %d: %s", key, name, out.code, out.stdout)
			}
		}
	}
}

// WinPath is the Windows name of a host path: C:\... inside the prefix's
// drive_c, Z:\... (Wine's view of /) anywhere else.
func (p *Prefix) WinPath(hostPath string) string {
	abs, err := filepath.Abs(hostPath)
	if err != nil {
		p.t.Fatal(err)
	}
	driveC := filepath.Join(p.Dir, "drive_c")
	if rel, err := filepath.Rel(driveC, abs); err == nil && !strings.HasPrefix(rel, "..") {
		if rel == "." {
			return `C:\`
		}
		return `C:\` + strings.ReplaceAll(rel, "/", `\`)
	}
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// HostPath is the host path of a Windows path on C: or Z:. Windows names
// are case-insensitive and Wine's files are lower-case (C:\windows), so an
// existing entry is matched ignoring case: HostPath(`C:\Windows\System32`)
// is .../drive_c/windows/system32. Missing components keep their spelling.
func (p *Prefix) HostPath(winPath string) string {
	p.t.Helper()
	if len(winPath) < 2 || winPath[1] != ':' {
		p.t.Fatalf("HostPath(%q): want a drive-letter path", winPath)
	}
	var dir string
	switch strings.ToUpper(winPath[:1]) {
	case "C":
		dir = filepath.Join(p.Dir, "drive_c")
	case "Z":
		dir = "/"
	default:
		p.t.Fatalf("HostPath(%q): only C: and Z: are mapped", winPath)
	}
	for _, part := range strings.Split(winPath[2:], `\`) {
		if part != "" {
			dir = filepath.Join(dir, matchCase(dir, part))
		}
	}
	return dir
}

// matchCase returns the entry of dir named name ignoring case, or name.
func matchCase(dir, name string) string {
	if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
		return name
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return e.Name()
		}
	}
	return name
}
