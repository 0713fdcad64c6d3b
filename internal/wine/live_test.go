package wine

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv makes the test binary, run again by the tests below, act as a
// test process that starts a prefix and is then killed.
const childEnv = "WUFIX_WINE_TEST_CHILD"

// TestChildHoldingAPrefix is the killed process: it prints its prefix and
// waits to be killed. It does nothing in a normal run.
func TestChildHoldingAPrefix(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestKilledProcessLeavesNoWine")
	}
	p := NewPrefix(t)
	os.Stdout.WriteString("PREFIX " + p.Dir + "\n")
	time.Sleep(10 * time.Minute)
}

// startChild runs the test binary as a test process holding one prefix and
// returns the process and the prefix, once Wine runs in it.
func startChild(t *testing.T) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildHoldingAPrefix$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if prefix, ok := strings.CutPrefix(lines.Text(), "PREFIX "); ok {
			go func() { // keep reading, so the child never blocks on a full pipe
				for lines.Scan() {
				}
			}()
			if len(wineProcesses(prefix)) == 0 {
				t.Fatalf("no Wine process runs in %s", prefix)
			}
			return cmd, prefix
		}
	}
	t.Fatalf("the child process ended without a prefix: %v", lines.Err())
	return nil, ""
}

// wineProcesses lists the pids of the processes started with
// WINEPREFIX=prefix: the wineserver and every Windows process.
func wineProcesses(prefix string) []string {
	var pids []string
	want := []byte("WINEPREFIX=" + prefix + "\x00")
	environs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, f := range environs {
		if env, err := os.ReadFile(f); err == nil && bytes.Contains(env, want) {
			pids = append(pids, filepath.Base(filepath.Dir(f)))
		}
	}
	return pids
}

// waitGone waits until no Wine process runs in prefix and the prefix is
// removed.
func waitGone(t *testing.T, prefix string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		_, err := os.Stat(prefix)
		if len(wineProcesses(prefix)) == 0 && os.IsNotExist(err) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("a minute after its test process died, prefix %s still has processes %v", prefix, wineProcesses(prefix))
}

func TestKilledProcessLeavesNoWine(t *testing.T) {
	Require(t)
	cmd, prefix := startChild(t)
	// SIGKILL: no deferred call, no cleanup, no signal handler runs.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	waitGone(t, prefix)
}

func TestStalePrefixIsStoppedAtTheNextStart(t *testing.T) {
	e := Require(t)
	cmd, prefix := startChild(t)
	// The watchdog and the wineserver die too, as when something kills
	// every process named like Wine's: the next test process to start a
	// prefix finds the run folder's lock free, and the prefix's Windows
	// processes, which no wineserver -k reaches now, still running.
	run := filepath.Dir(prefix)
	for _, pid := range append(watchdogs(run), wineservers(prefix)...) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(wineProcesses(prefix)) == 0 {
		t.Fatal("the prefix stopped without its watchdog: nothing left to prove")
	}
	e.reapStale()
	waitGone(t, prefix)
	if _, err := os.Stat(run); !os.IsNotExist(err) {
		t.Errorf("the stale run folder %s is still there", run)
	}
}

// watchdogs returns the pids of the watchdog shells of run folder dir.
func watchdogs(dir string) []int {
	var pids []int
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range cmdlines {
		data, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(data, []byte(watchdogScript)) || !bytes.Contains(data, []byte("\x00"+dir+"\x00")) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(f))); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// wineservers returns the pids of the wineserver of prefix.
func wineservers(prefix string) []int {
	var pids []int
	for _, p := range wineProcesses(prefix) {
		cmdline, _ := os.ReadFile("/proc/" + p + "/cmdline")
		if pid, err := strconv.Atoi(p); err == nil && bytes.Contains(cmdline, []byte("wineserver")) {
			pids = append(pids, pid)
		}
	}
	return pids
}
