// Package wine runs generated scripts under Wine so tests can prove what
// they do: .cmd files through Wine's cmd, .reg files through Wine's
// registry. It is test support: only _test.go files import it.
//
// A Wine prefix costs about 11 s and 700 MB to create, so each test process
// builds one template (cached across runs, keyed by the Wine version) and
// every test gets its own cheap copy with its own wineserver. NOTES.md
// records what this Wine does differently from Windows.
package wine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// RequireEnv names the variable that turns a missing Wine or MinGW from a
// skip into a failure. CI sets it so that a broken install cannot pass as
// a run with every Wine test skipped.
const RequireEnv = "WUFIX_REQUIRE_WINE"

// ProofEnv names the variable that runs the long Wine proofs: every
// bundle's life, every plan at full strength, the deploy scripts, several
// minutes on two cores. make test (and so CI) sets it. Without it, go test
// ./... runs only the harness's own tests under Wine (a minute at most),
// which prove the harness and the cmd escaping, and skips the proofs.
const ProofEnv = "WUFIX_WINE_PROOF"

// Proof returns the Wine installation for a long proof: it skips t unless
// WUFIX_WINE_PROOF=1, then behaves as Require.
func Proof(t testing.TB) *Env {
	t.Helper()
	if os.Getenv(ProofEnv) != "1" {
		proofOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "NOTICE: the Wine proofs are skipped; set %s=1 (make test does) to run them\n", ProofEnv)
		})
		t.Skipf("the Wine proofs run only with %s=1 (make test sets it)", ProofEnv)
	}
	return Require(t)
}

var proofOnce sync.Once

// Env is the Wine installation the tests use.
type Env struct {
	Wine       string // path of the wine launcher
	Wineserver string // path of wineserver
	Version    string // output of wine --version, e.g. "wine-8.0 (Debian 8.0~repack-4)"
}

var (
	envOnce sync.Once
	envVal  *Env
	envErr  error

	// noticeOnce prints the skip notice once per process on stderr, where
	// go test -v and a failing package show it even when t.Skip is quiet.
	noticeOnce sync.Once
)

// Require returns the Wine installation, or skips the test (fails it when
// WUFIX_REQUIRE_WINE=1) when wine or wineserver is not installed.
func Require(t testing.TB) *Env {
	t.Helper()
	envOnce.Do(func() { envVal, envErr = findWine() })
	if envErr != nil {
		missing(t, envErr)
	}
	return envVal
}

// NewPrefix is Require(t).NewPrefix(t): a fresh prefix for one test.
func NewPrefix(t testing.TB) *Prefix {
	t.Helper()
	return Require(t).NewPrefix(t)
}

func findWine() (*Env, error) {
	var e Env
	var err error
	if e.Wine, err = exec.LookPath("wine"); err != nil {
		return nil, errors.New("wine not installed")
	}
	if e.Wineserver, err = exec.LookPath("wineserver"); err != nil {
		return nil, errors.New("wine not installed (wineserver missing)")
	}
	// --version answers without a prefix and without starting a server.
	out, err := exec.Command(e.Wine, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("wine not usable: wine --version: %w", err)
	}
	e.Version = strings.TrimSpace(string(out))
	return &e, nil
}

// missing skips or fails the test for a missing tool, naming the variable
// that decides which.
func missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%v: %s=1 requires it; install it with .ci/setup-wine", err, RequireEnv)
	}
	noticeOnce.Do(func() {
		fmt.Fprintf(os.Stderr, "NOTICE: %v: skipping the tests that need it; set %s=1 to fail instead\n", err, RequireEnv)
	})
	t.Skipf("%v: skipping %s; set %s=1 to fail instead", err, t.Name(), RequireEnv)
}
