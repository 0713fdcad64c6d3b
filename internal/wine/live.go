package wine

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Every prefix lives in a run folder of this process under
// $cache/live/run-*, next to the template (so its binaries can be hard
// links), never in t.TempDir: a test process that dies (a panic, go test's
// timeout, SIGINT, SIGKILL) runs no cleanup, and its prefixes' wineservers
// and services would otherwise run on for hours and load every later run.
// Two things stop them instead:
//   - a watchdog, a shell started in its own process group (so a terminal's
//     SIGINT does not reach it), waits for this process to end, however it
//     ends, and runs wineserver -k in every prefix left in the run folder;
//   - every process holds a lock on its run folder; the next test process
//     that finds a folder whose lock is free (its owner and watchdog are
//     gone) does the same.

// run is this process's run folder, made on first use.
type run struct {
	dir  string
	lock *os.File // held until the process ends; the kernel releases it
	err  error
}

var (
	runOnce sync.Once
	runVal  run
	liveSeq struct {
		sync.Mutex
		n int
	}
)

// liveRoot holds the run folders of every test process.
func liveRoot() string { return filepath.Join(cacheRoot(), "live") }

// runDir returns this process's run folder, reaping stale ones and
// starting the watchdog on first use.
func (e *Env) runDir() (string, error) {
	runOnce.Do(func() {
		e.reapStale()
		runVal = e.newRun()
	})
	return runVal.dir, runVal.err
}

// newPrefixDir returns a fresh, not yet existing prefix path named after
// the test, inside the run folder.
func (e *Env) newPrefixDir(test string) (string, error) {
	dir, err := e.runDir()
	if err != nil {
		return "", err
	}
	liveSeq.Lock()
	liveSeq.n++
	n := liveSeq.n
	liveSeq.Unlock()
	name := unsafeName.ReplaceAllString(test, "_")
	if len(name) > 60 {
		name = name[:60]
	}
	return filepath.Join(dir, fmt.Sprintf("%03d-%s", n, name)), nil
}

// newRun makes the run folder under a temporary name, locks it, and only
// then gives it the run- name the reapers look at: a reaper never sees a
// live folder unlocked.
func (e *Env) newRun() run {
	if err := os.MkdirAll(liveRoot(), 0o755); err != nil {
		return run{err: fmt.Errorf("wine run folder: %w", err)}
	}
	tmp, err := os.MkdirTemp(liveRoot(), "new-")
	if err != nil {
		return run{err: fmt.Errorf("wine run folder: %w", err)}
	}
	lock, err := os.Create(filepath.Join(tmp, "lock"))
	if err == nil {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return run{err: fmt.Errorf("wine run folder: lock: %w", err)}
	}
	dir := filepath.Join(liveRoot(), "run-"+strings.TrimPrefix(filepath.Base(tmp), "new-"))
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return run{err: fmt.Errorf("wine run folder: %w", err)}
	}
	if err := e.watch(dir); err != nil {
		return run{dir: dir, lock: lock, err: fmt.Errorf("wine watchdog: %w", err)}
	}
	return run{dir: dir, lock: lock}
}

// watchdogScript waits for EOF on its stdin, a pipe whose only writer is
// the test process (Go opens every file close-on-exec, so no Wine process
// inherits it), then stops every prefix left in the run folder ($0) with
// wineserver ($1), kills what still runs in it (see killOrphans) and
// removes the folder.
const watchdogScript = `cat >/dev/null
for p in "$0"/*/; do
  [ -d "$p" ] || continue
  WINEPREFIX="${p%/}" timeout 60 "$1" -k
  for f in /proc/[0-9]*/environ; do
    grep -qzx "WINEPREFIX=${p%/}" "$f" 2>/dev/null && kill -9 "$(basename "$(dirname "$f")")"
  done
done
rm -rf "$0" 2>/dev/null || { chattr -R -i "$0"; rm -rf "$0"; }`

// watch starts the watchdog of the run folder dir.
func (e *Env) watch(dir string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", watchdogScript, dir, e.Wineserver)
	cmd.Stdin = r
	cmd.Env = baseEnv("", "")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return err
	}
	r.Close()
	// The write end stays open, unreferenced, until the process ends; the
	// watchdog is never waited for: it outlives this process by design.
	watchdogPipe = w
	return cmd.Process.Release()
}

// watchdogPipe keeps the watchdog's pipe (and so the watchdog) waiting.
var watchdogPipe *os.File

// reapStale stops the prefixes of every run folder whose owner is gone:
// those whose lock this process can take.
func (e *Env) reapStale() {
	dirs, _ := filepath.Glob(filepath.Join(liveRoot(), "run-*"))
	for _, dir := range dirs {
		lock, err := os.Open(filepath.Join(dir, "lock"))
		if err != nil {
			continue // being removed by its watchdog
		}
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			e.reap(dir)
		}
		lock.Close()
	}
}

// reap stops every prefix in a stale run folder and removes the folder.
func (e *Env) reap(dir string) {
	prefixes, _ := filepath.Glob(filepath.Join(dir, "*", "system.reg"))
	for _, reg := range prefixes {
		prefix := filepath.Dir(reg)
		fmt.Fprintf(os.Stderr, "NOTICE: stopping the Wine prefix %s, left running by a test process that ended without cleaning up\n", prefix)
		killServer(e.Wineserver, prefix)
		killOrphans(prefix)
		removeServerDir(prefix)
	}
	if os.RemoveAll(dir) != nil {
		// A test may have left a folder immutable (chattr +i).
		exec.Command("chattr", "-R", "-i", dir).Run()
		os.RemoveAll(dir)
	}
}

// killOrphans kills the processes still running with WINEPREFIX=prefix:
// Windows processes whose wineserver was killed by other means than
// wineserver -k, which then cannot reach them. The prefix path is unique
// to its test process, so nothing else matches.
func killOrphans(prefix string) {
	want := []byte("WINEPREFIX=" + prefix + "\x00")
	environs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, f := range environs {
		env, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(f))); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// killServer runs wineserver -k in a prefix: it kills every Windows
// process of the prefix and the server itself (-k9 would leave services
// running without a server, see NOTES.md).
func killServer(wineserver, prefix string) error {
	cmd := exec.Command(wineserver, "-k")
	cmd.Env = baseEnv(prefix, "")
	cmd.Dir = prefix
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return fmt.Errorf("wineserver -k: still running after a minute")
	}
}
