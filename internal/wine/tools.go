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
	"sync"
	"testing"
)

// compiler is Debian's gcc-mingw-w64-x86-64-win32. Go-built Windows
// programs do not run on Wine 8 (bcryptprimitives.dll is missing), so the
// harness's own Windows programs are C.
const compiler = "x86_64-w64-mingw32-gcc"

// tool is a Windows program or DLL the harness compiles from C, once per
// process and cached across runs by the hash of its source.
type tool struct {
	what   string   // for errors: "the recording stub"
	name   string   // cache file name before the hash: "stub"
	ext    string   // ".exe" or ".dll"
	source []byte   // the C source
	flags  []string // beyond -Os -s -Wall, e.g. -municode
	libs   []string // after the source, e.g. -ladvapi32

	once sync.Once
	path string
	err  error
	gone bool // the compiler is not installed: skip, not fail
}

//go:embed stub/stub.c
var stubSource []byte

//go:embed stub/bcryptprimitives.c
var prngSource []byte

//go:embed stub/regsave.c
var regsaveSource []byte

var (
	stubTool    = &tool{what: "the recording stub", name: "stub", ext: ".exe", source: stubSource, flags: []string{"-municode"}}
	prngTool    = &tool{what: "the bcryptprimitives.dll stand-in", name: "bcryptprimitives", ext: ".dll", source: prngSource, flags: []string{"-shared"}, libs: []string{"-ladvapi32"}}
	regsaveTool = &tool{what: "regsave", name: "regsave", ext: ".exe", source: regsaveSource, flags: []string{"-municode"}}
)

// get returns the host path of the compiled file, skipping t (failing it
// with WUFIX_REQUIRE_WINE=1) when MinGW is not installed.
func (c *tool) get(t testing.TB) string {
	t.Helper()
	c.once.Do(func() { c.path, c.err = c.build() })
	if c.err != nil && c.gone {
		missing(t, c.err)
	}
	if c.err != nil {
		t.Fatal(c.err)
	}
	return c.path
}

func (c *tool) build() (string, error) {
	gcc, err := exec.LookPath(compiler)
	if err != nil {
		c.gone = true
		return "", errors.New("mingw-w64 not installed (" + compiler + ")")
	}
	sum := sha256.Sum256(c.source)
	path := filepath.Join(cacheRoot(), fmt.Sprintf("%s-%x%s", c.name, sum[:8], c.ext))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	// Compile to a private name, then rename: parallel test processes may
	// build at the same time, and none must run a half-written file.
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	args := append([]string{"-Os", "-s", "-Wall"}, c.flags...)
	args = append(append(args, "-o", tmp, "-x", "c", "-"), c.libs...)
	cmd := exec.Command(gcc, args...)
	cmd.Stdin = bytes.NewReader(c.source)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building %s: %w\n%s", c.what, err, out)
	}
	return path, os.Rename(tmp, path)
}
