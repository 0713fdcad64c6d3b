package wine

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// stubSource is the recording stub; see the comment at its top.
//
//go:embed stub/stub.c
var stubSource []byte

// stubCompiler is Debian's gcc-mingw-w64-x86-64-win32. Go-built Windows
// programs do not run on Wine 8 (bcryptprimitives.dll is missing), so the
// stub is C.
const stubCompiler = "x86_64-w64-mingw32-gcc"

var (
	stubOnce sync.Once
	stubPath string
	stubErr  error
	stubGone bool // the compiler is not installed: skip, not fail
)

// stubExe builds the stub once per process, cached by source hash.
func stubExe(t testing.TB) string {
	t.Helper()
	stubOnce.Do(func() { stubPath, stubErr = buildStub() })
	if stubErr != nil && stubGone {
		missing(t, stubErr)
	}
	if stubErr != nil {
		t.Fatal(stubErr)
	}
	return stubPath
}

func buildStub() (string, error) {
	gcc, err := exec.LookPath(stubCompiler)
	if err != nil {
		stubGone = true
		return "", errors.New("mingw-w64 not installed (" + stubCompiler + ")")
	}
	sum := sha256.Sum256(stubSource)
	path := filepath.Join(cacheRoot(), fmt.Sprintf("stub-%x.exe", sum[:8]))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	// Compile to a private name, then rename: parallel test processes may
	// build at the same time, and none must run a half-written file.
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	cmd := exec.Command(gcc, "-Os", "-s", "-municode", "-Wall", "-o", tmp, "-x", "c", "-")
	cmd.Stdin = bytes.NewReader(stubSource)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building the recording stub: %w\n%s", err, out)
	}
	return path, os.Rename(tmp, path)
}

// InstallStub replaces C:\windows\system32\NAME.exe with the recording stub
// and returns that Windows path. Generated scripts call tools by absolute
// path (%SystemRoot%\System32\sfc.exe), so the stub has to sit there; Wine
// would still run its own built-in sc.exe, reg.exe... over a file in
// system32, so the prefix's runs also get the DLL override NAME.exe=n.
func (p *Prefix) InstallStub(name string) string {
	p.t.Helper()
	name = strings.TrimSuffix(strings.ToLower(name), ".exe")
	data, err := os.ReadFile(stubExe(p.t))
	if err != nil {
		p.t.Fatal(err)
	}
	win := `C:\windows\system32\` + name + ".exe"
	host := p.HostPath(win)
	// The file may be a hard link into the template: replace, never write.
	if err := os.Remove(host); err != nil && !os.IsNotExist(err) {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(host, data, 0o755); err != nil {
		p.t.Fatal(err)
	}
	p.overrides = append(p.overrides, name+".exe=n")
	return win
}

// StubCall is one recorded call of a stub.
type StubCall struct {
	Name        string   // lower-case base name: "sfc"
	CommandLine string   // the raw command line, as the program received it
	Args        []string // the arguments after the program name, parsed by the C runtime
}

// StubCalls returns the calls recorded so far in this prefix, oldest first.
func (p *Prefix) StubCalls() []StubCall {
	p.t.Helper()
	data, err := os.ReadFile(p.HostPath(harnessDir + `\stub.log`))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		p.t.Fatal(err)
	}
	var calls []StubCall
	for _, rec := range strings.Split(string(data), "\x1e\n") {
		if rec == "" {
			continue
		}
		fields := strings.Split(rec, "\x1f")
		if len(fields) < 2 {
			p.t.Fatalf("stub log: malformed record %q", rec)
		}
		calls = append(calls, StubCall{Name: fields[0], CommandLine: fields[1], Args: fields[2:]})
	}
	return calls
}
