package wine

import (
	"strings"
	"testing"
)

// Flake reports Wine's own failure to start a program inside a script,
// seen about once in a hundred runs on a loaded machine: the child cmd of
// a for /f ("Can't recognize 'CMD.EXE /C ...'", on either stream: Wine's
// cmd writes it where the failing command's output went) or a tool that is
// there ("sc start: exit code 9009"). Every program the bundles call
// exists in the test prefix or is a stub, so a missing one, a real bug,
// fails again when the scenario is retried. On stdout only the for /f
// child counts: a test's stand-in package that is no program prints
// "Can't recognize '"...\packages\X.exe" /quiet'" there on purpose. A
// run whose output was Lost counts too, and one in which a Wine process
// failed glibc's check at its exit (wineCrash), which no Windows program
// can cause.
func Flake(r Result) bool {
	return r.Lost || strings.Contains(r.Stderr, "Can't recognize '") || strings.Contains(r.Stdout, "Can't recognize 'CMD.EXE /C ") ||
		strings.Contains(r.Stderr, wineCrash)
}

// wineCrash starts the line the dynamic loader prints when a Unix process
// of Wine's fails an assertion as it exits (seen once in CI after an undo
// that had finished: "Inconsistency detected by ld.so: dl-fini.c: 87:
// _dl_fini: Assertion ... failed!").
const wineCrash = "Inconsistency detected by ld.so:"

// Retry runs a scenario, which makes its own fresh prefix and reports
// whether a run in it was a Flake, again when it was, up to
// retryAttempts times in all; a flake in every attempt fails the test. A
// long scenario starts hundreds of programs, so on a loaded machine two
// flakes in a row happen; three in a row, or a real missing program, is a
// failure.
func Retry(t *testing.T, scenario func() (flake bool)) {
	t.Helper()
	for attempt := 1; attempt <= retryAttempts; attempt++ {
		if !scenario() {
			return
		}
		if attempt < retryAttempts {
			t.Logf("Wine failed to start a program (attempt %d of %d); running the scenario again on a fresh prefix", attempt, retryAttempts)
		}
	}
	t.Fatalf("Wine failed to start a program in each of %d attempts", retryAttempts)
}

// retryAttempts is how often Retry runs a scenario that flakes.
const retryAttempts = 3

// RunAgain is Run for a command that may safely run twice, such as
// reg add /f: when the first run is a Flake it runs once more, in the same
// prefix, and returns that run.
func (p *Prefix) RunAgain(dir string, argv ...string) Result {
	p.t.Helper()
	r := p.Run(dir, argv...)
	if !Flake(r) {
		return r
	}
	p.t.Logf("Run %v: Wine failed to start a program; running it again", argv)
	return p.Run(dir, argv...)
}
