package wine

import (
	"strings"
	"testing"
)

// Flake reports Wine's own failure to start a program inside a script,
// seen about once in a hundred runs on a loaded machine: the child cmd of
// a for /f ("Can't recognize 'CMD.EXE /C ...'") or a tool that is there
// ("sc start: exit code 9009"). Every program the bundles call exists in
// the test prefix or is a stub, so a missing one, a real bug, fails again
// when the scenario is retried. A run whose output was Lost counts too.
func Flake(r Result) bool {
	return r.Lost || strings.Contains(r.Stderr, "Can't recognize '")
}

// Retry runs a scenario, which makes its own fresh prefix and reports
// whether a run in it was a Flake, once more when it was; a second flake
// fails the test.
func Retry(t *testing.T, scenario func() (flake bool)) {
	t.Helper()
	if !scenario() {
		return
	}
	t.Log("Wine failed to start a program; running the scenario again on a fresh prefix")
	if scenario() {
		t.Fatal("Wine failed to start a program twice")
	}
}

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
