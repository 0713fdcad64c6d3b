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
)

// prngSource is the bcryptprimitives.dll stand-in; see its comment.
//
//go:embed stub/bcryptprimitives.c
var prngSource []byte

var (
	prngOnce sync.Once
	prngPath string
	prngErr  error
	prngGone bool // the compiler is not installed: skip, not fail
)

// InstallGoRuntime lets Go-built Windows programs run in the prefix: it
// places the bcryptprimitives.dll stand-in in C:\windows\system32, where
// Go's runtime looks for it (LOAD_LIBRARY_SEARCH_SYSTEM32: a copy beside
// the program is not found).
func (p *Prefix) InstallGoRuntime() {
	p.t.Helper()
	prngOnce.Do(func() { prngPath, prngErr = buildPrng() })
	if prngErr != nil && prngGone {
		missing(p.t, prngErr)
	}
	if prngErr != nil {
		p.t.Fatal(prngErr)
	}
	data, err := os.ReadFile(prngPath)
	if err != nil {
		p.t.Fatal(err)
	}
	host := p.HostPath(`C:\windows\system32\bcryptprimitives.dll`)
	if err := os.WriteFile(host, data, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// buildPrng compiles the DLL once per source, cached like the stub.
func buildPrng() (string, error) {
	gcc, err := exec.LookPath(stubCompiler)
	if err != nil {
		prngGone = true
		return "", errors.New("mingw-w64 not installed (" + stubCompiler + ")")
	}
	sum := sha256.Sum256(prngSource)
	path := filepath.Join(cacheRoot(), fmt.Sprintf("bcryptprimitives-%x.dll", sum[:8]))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	cmd := exec.Command(gcc, "-Os", "-s", "-shared", "-Wall", "-o", tmp, "-x", "c", "-", "-ladvapi32")
	cmd.Stdin = bytes.NewReader(prngSource)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building the bcryptprimitives.dll stand-in: %w\n%s", err, out)
	}
	return path, os.Rename(tmp, path)
}
