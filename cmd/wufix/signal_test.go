//go:build !windows

package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ctrl+C or a service stop in the middle of a payload copy: the build
// removes its staging folder and leaves the previous output as it was.
func TestSignalDuringTheCopyLeavesTheOutputAlone(t *testing.T) {
	// While this test runs, a signal never ends the test process.
	guard := make(chan os.Signal, 4)
	signal.Notify(guard, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(guard)

	payloads := t.TempDir()
	msu := filepath.Join(payloads, "windows6.1-kb947821-v34-x64.msu")
	require.NoError(t, os.WriteFile(msu, []byte("MSCF"), 0o644))
	require.NoError(t, os.Truncate(msu, 4<<30)) // sparse: read fast, written slowly
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := built(t, "win7")
			before := snapshot(t, dir)
			stop, sent := make(chan struct{}), make(chan bool, 1)
			go func() { sent <- signalWhenCopying(dir, sig, stop) }()
			code, out, errOut := runCLI("build", "--out", dir, "--target", "win7", "--payload", payloads)
			close(stop)
			require.True(t, <-sent, "the payload copy was not seen running: %d %s", code, errOut)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "wufix: write: interrupted before anything was replaced: "+sig.String()+" signal received\n", errOut)
			assert.Equal(t, before, snapshot(t, dir), "the previous output is whole and no staging folder is left")
		})
	}
}

// signalWhenCopying sends sig to this process once a payload file is
// being written into the staging folder, and says whether it did before
// stop.
func signalWhenCopying(dir string, sig syscall.Signal, stop chan struct{}) bool {
	for {
		files, _ := filepath.Glob(filepath.Join(dir, ".wufix-staging-*", "win7", "packages", "*.msu"))
		if len(files) > 0 {
			if st, err := os.Stat(files[0]); err == nil && st.Size() > 0 {
				return syscall.Kill(os.Getpid(), sig) == nil
			}
		}
		select {
		case <-stop:
			return false
		case <-time.After(2 * time.Millisecond):
		}
	}
}
