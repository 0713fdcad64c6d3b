package wine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wufix/wufix/internal/regread"
)

// exitMarker starts the line on which the wrapper reports the script's
// full exit code; Linux sees only its low 8 bits (3010 arrives as 194).
const exitMarker = "WUFIX-EXIT:"

var exitLine = regexp.MustCompile(exitMarker + `(-?[0-9]+)\n$`)

// Result is what one script run produced.
type Result struct {
	Code    int    // the full %ERRORLEVEL% the script exited with
	Stdout  string // decoded from Windows-1252, CRLF turned into LF
	Stderr  string // the same, without the harness's exit-code line
	Elapsed time.Duration
	// Lost is set when Wine's process ended without the wrapper's exit
	// code, either printing nothing at all or while another process still
	// held its output open: what ran, if anything, is unknown (Code is
	// -1). Flake counts it.
	Lost bool
}

// Run runs argv[0] (a .cmd relative to dir, an absolute host path, or a
// Windows path such as C:\windows\system32\sc.exe) with the remaining
// arguments through cmd /c, in the host folder dir ("" for the prefix).
//
// The command goes through a wrapper batch file that runs "cmd /c" on it
// and then prints %ERRORLEVEL% to stderr: "call" would lose the exit code
// under Wine, and "exit 3010" without /b ends the cmd that runs it, which
// the wrapper survives. Arguments are passed quoted, with %, ^ and the
// operators escaped, so "a&b" arrives as one argument; a double quote
// cannot be passed to a batch file reliably and fails the test. Like any
// cmd /c command line, %NAME% in an argument is expanded when NAME exists.
func (p *Prefix) Run(dir string, argv ...string) Result {
	p.t.Helper()
	if len(argv) == 0 {
		p.t.Fatal("Run: no script given")
	}
	line, err := p.commandLine(argv)
	if err != nil {
		p.t.Fatalf("Run: %v", err)
	}
	wrapper := p.harnessFile("run", ".cmd")
	body := "@echo off\r\ncmd /c \"" + line + "\"\r\n>&2 echo " + exitMarker + "%ERRORLEVEL%\r\n"
	if err := os.WriteFile(p.HostPath(wrapper), []byte(body), 0o644); err != nil {
		p.t.Fatal(err)
	}
	// Under load Wine now and then fails to start the wrapper's child cmd
	// ("Can't recognize 'cmd /c ...'", 9009). Nothing of the command has
	// run then, so starting the wrapper again is safe.
	for attempt := 1; ; attempt++ {
		out, err := p.exec(p.env.Wine, dir, "cmd", "/c", wrapper)
		lost := errors.Is(err, exec.ErrWaitDelay)
		if err != nil && !lost {
			p.t.Fatalf("Run %v: %v\nstdout: %s\nstderr: %s", argv, err, out.stdout, out.stderr)
		}
		r := Result{Stdout: decode(out.stdout), Stderr: decode(out.stderr), Elapsed: out.took}
		m := exitLine.FindStringSubmatchIndex(r.Stderr)
		if m == nil && (lost || r.Stdout+r.Stderr == "") {
			p.t.Logf("Run %v: Wine's process ended (exit %d) with no exit code from the wrapper and no output: %v", argv, out.code, err)
			r.Code, r.Lost = -1, true
			return r
		}
		if m == nil && wrapperNotStarted(r) {
			if attempt < startAttempts {
				p.t.Logf("Run %v: Wine did not start cmd for the wrapper; starting it again:\n%s", argv, r.Stdout)
				continue
			}
			r.Code, r.Lost = -1, true
			return r
		}
		if m == nil {
			p.t.Fatalf("Run %v: no exit-code line from the wrapper (wine exit %d)\nstdout:\n%s\nstderr:\n%s", argv, out.code, r.Stdout, r.Stderr)
		}
		r.Code, _ = strconv.Atoi(r.Stderr[m[2]:m[3]])
		r.Stderr = r.Stderr[:m[0]]
		if notStarted(r, line) && attempt < startAttempts {
			p.t.Logf("Run %v: Wine did not start the wrapper's cmd; starting it again", argv)
			continue
		}
		p.t.Logf("Run %v: exit code %d in %v", argv, r.Code, r.Elapsed.Round(time.Millisecond))
		if Flake(r) {
			p.t.Logf("Run %v: Wine failed to start a program:\n%s", argv, r.Stderr)
		}
		return r
	}
}

// notStarted reports a run in which Wine failed to start the wrapper's
// child cmd for the command line: exit 9009, no output, and the one error
// line naming that command line.
func notStarted(r Result, line string) bool {
	msg := "Can't recognize 'cmd /c \"" + line + "\"' as an internal or external command"
	return r.Code == 9009 && r.Stdout == "" && strings.HasPrefix(r.Stderr, msg) && strings.Count(r.Stderr, "\n") <= 1
}

// wrapperNotStarted reports a run in which Wine could not start cmd.exe
// for the wrapper at all: its loader fell back to ShellExecuteEx, which
// failed ("Application could not be started, or no application associated
// with the specified file. ShellExecuteEx failed: Internal error."), so
// nothing of the command ran.
func wrapperNotStarted(r Result) bool {
	return strings.HasPrefix(r.Stdout, "Application could not be started") && strings.Contains(r.Stdout, "ShellExecuteEx failed") &&
		strings.Count(strings.TrimSpace(r.Stdout), "\n") <= 1 && strings.TrimSpace(r.Stderr) == ""
}

// startAttempts is how often Run starts a command whose cmd Wine failed
// to start before it returns that failure.
const startAttempts = 3

// commandLine quotes the script and its arguments for the wrapper's
// cmd /c "..." line. Inside that line each quoted argument is, for the
// batch parser reading the wrapper, outside quotes (the quotes pair up the
// other way round), so operators there need a caret and % is doubled.
func (p *Prefix) commandLine(argv []string) (string, error) {
	script := argv[0]
	if filepath.IsAbs(script) {
		script = p.WinPath(script)
	}
	parts := make([]string, len(argv))
	for i, arg := range append([]string{strings.ReplaceAll(script, "/", `\`)}, argv[1:]...) {
		if strings.ContainsAny(arg, "\"\r\n\x00") {
			return "", fmt.Errorf("argument %q holds a double quote or line break, which cmd cannot pass on", arg)
		}
		var b strings.Builder
		for _, r := range arg {
			switch {
			case r == '%':
				b.WriteString("%%")
			case strings.ContainsRune("^&|<>()", r):
				b.WriteRune('^')
				b.WriteRune(r)
			default:
				b.WriteRune(r)
			}
		}
		parts[i] = `"` + b.String() + `"`
	}
	return strings.Join(parts, " "), nil
}

// harnessFile returns a fresh Windows path in the harness folder.
func (p *Prefix) harnessFile(kind, ext string) string {
	*p.seq++
	return fmt.Sprintf(`%s\%s-%d%s`, harnessDir, kind, *p.seq, ext)
}

// decode turns Wine's console bytes into Go text. cmd writes in the ANSI
// code page (1252 under the C.UTF-8 locale the harness sets), whatever
// code page the .cmd file itself was read in (437).
func decode(b []byte) string {
	return strings.ReplaceAll(regread.Decode1252(b), "\r\n", "\n")
}

// regError matches the error lines of Wine's reg.exe, which go to stdout
// rather than stderr.
var regError = regexp.MustCompile(`^reg: `)

// AssertNoErrors checks that the run printed no error: every stderr line,
// and every stdout line in which Wine's reg reports an error, must match
// one of the allow regular expressions. It reports through t and returns
// whether the check passed.
func (r Result) AssertNoErrors(t testing.TB, allow ...string) bool {
	t.Helper()
	var unexpected []string
	check := func(line string) {
		for _, pattern := range allow {
			if regexp.MustCompile(pattern).MatchString(line) {
				return
			}
		}
		unexpected = append(unexpected, line)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n") {
		if line != "" {
			check(line)
		}
	}
	for _, line := range strings.Split(r.Stdout, "\n") {
		if regError.MatchString(line) {
			check(line)
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("unexpected error output (exit code %d):\n  %s\nstdout:\n%s", r.Code, strings.Join(unexpected, "\n  "), r.Stdout)
		return false
	}
	return true
}
