//go:build linux

// Command fleet measures wufix report on a fleet's worth of reports,
// against jq -s doing the same counts on the same files in the same run
// (the newest run of each machine, machines counted by exit code). The
// number of machines is fixed; more reports are more runs of each, as a
// fleet's share fills over months. wufix reads 10,000, 100,000 and 200,000
// reports in turn, and the largest number again from one folder as a
// share holds them, to show that its memory follows the machines, not the
// number of files: the peak RSS of the command, and the heap the
// aggregation still holds once everything is read (measured in this
// process). Run it with `make bench-fleet` (never in CI: it writes about
// 330 MB).
//
//	go run ./bench/fleet [-sizes 10000,100000,200000] [-baseline 100000] [-machines 5000] [-runs 3] [-wufix BIN]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wufix/wufix/generator/fleet"
)

// part is how many reports each folder holds; a size reads the first
// size/part folders.
const part = 10000

func main() {
	sizes := flag.String("sizes", "10000,100000,200000", "report counts to read, multiples of 10000")
	baseline := flag.Int("baseline", 100000, "report count jq -s reads (one of -sizes)")
	machines := flag.Int("machines", 5000, "machines the reports come from")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	bin := flag.String("wufix", "", "wufix binary to measure (default: build ./cmd/wufix)")
	keep := flag.String("dir", "", "write the reports under `DIR` and keep them (default: a temporary folder)")
	flag.Parse()
	counts, err := parseSizes(*sizes, *baseline)
	if err == nil {
		err = run(counts, *baseline, *machines, *runs, *bin, *keep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-fleet:", err)
		os.Exit(1)
	}
}

func parseSizes(list string, baseline int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n%part != 0 {
			return nil, fmt.Errorf("-sizes %s: give multiples of %d", list, part)
		}
		out = append(out, n)
	}
	if !slices.Contains(out, baseline) {
		return nil, fmt.Errorf("-baseline %d: give one of -sizes", baseline)
	}
	return out, nil
}

func run(sizes []int, baseline, machines, runs int, bin, keep string) error {
	tmp, err := os.MkdirTemp("", "wufix-bench-fleet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	reports := filepath.Join(tmp, "reports")
	if keep != "" {
		reports = keep
	}
	if bin == "" {
		bin = filepath.Join(tmp, "wufix")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/wufix").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	parts, size, err := generate(reports, slices.Max(sizes), machines)
	if err != nil {
		return err
	}
	fmt.Printf("%d reports from %d machines, %.0f MB, under %s\n", slices.Max(sizes), machines, float64(size)/1e6, reports)
	jq := `group_by(.computer) | map(max_by(.finished)) | group_by(.exit_code) | map({exit: .[0].exit_code, machines: length})`
	cmds := [][]string{{"sh", "-c", "find " + strings.Join(parts[:baseline/part], " ") +
		" -name '*.json' -print0 | xargs -0 cat | jq -s '" + jq + "' >/dev/null"}}
	names := []string{fmt.Sprintf("jq -s (baseline), %d reports", baseline)}
	var read [][]string // the folders each wufix measurement reads
	for _, n := range sizes {
		read = append(read, parts[:n/part])
		names = append(names, fmt.Sprintf("wufix report, %d reports", n))
	}
	// A share keeps every report in one folder: the largest size again,
	// as links to the same files.
	one, err := oneFolder(filepath.Join(reports, "one-folder"), parts)
	if err != nil {
		return err
	}
	read = append(read, []string{one})
	names = append(names, fmt.Sprintf("wufix report, %d in one folder", slices.Max(sizes)))
	for _, dirs := range read {
		cmds = append(cmds, append([]string{bin, "report", "--format", "json"}, dirs...))
	}
	m := medians(runs, cmds)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("load average: %s", load)
	fmt.Printf("%-36s %8s %8s %10s %12s\n", "", "wall", "CPU", "peak RSS", "kept heap")
	for i, x := range m {
		kept := ""
		if i > 0 {
			h, err := keptHeap(read[i-1])
			if err != nil {
				return err
			}
			kept = fmt.Sprintf("%.1f MiB", h)
		}
		fmt.Printf("%-36s %6.2f s %6.2f s %6.0f MiB %12s\n", names[i], x.wall.Seconds(), x.cpu.Seconds(), x.rss, kept)
	}
	b := m[1+slices.Index(sizes, baseline)]
	fmt.Printf("wufix against the baseline at %d reports: %.2fx the wall time, %.2fx the CPU time\n",
		baseline, b.wall.Seconds()/m[0].wall.Seconds(), b.cpu.Seconds()/m[0].cpu.Seconds())
	return nil
}

// oneFolder links the files of the folders given into dir.
func oneFolder(dir string, parts []string) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, p := range parts {
		files, err := os.ReadDir(p)
		if err != nil {
			return "", err
		}
		for _, f := range files {
			if err := os.Link(filepath.Join(p, f.Name()), filepath.Join(dir, f.Name())); err != nil {
				return "", err
			}
		}
	}
	return dir, nil
}

// keptHeap reads the folders as wufix report does and returns the heap
// still in use, in MiB, once the summary is made: what the aggregation
// keeps, without the garbage collector's headroom.
func keptHeap(dirs []string) (float64, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := fleet.NewCollector()
	if err := fleet.Read(dirs, runtime.GOMAXPROCS(0), c); err != nil {
		return 0, err
	}
	s := c.Summary()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / (1 << 20), nil
}

// generate writes n reports as bundles write them, from the given number
// of machines, each machine's runs numbered in turn, part to a folder, and
// returns the folders and the reports' size.
func generate(dir string, n, machines int) ([]string, int64, error) {
	var parts []string
	rng := rand.New(rand.NewPCG(1, 2))
	bundles := []string{"win7", "win81", "win10", "win11", "server2016", "server2025"}
	steps := []string{"clock-check", "service-health", "component-reset", "proxy-reset-winhttp", "dll-reregister",
		"service-security", "wsus-client-reset", "winsock-reset", "offline-install-msu", "offline-install-cab", "system-files-dism"}
	var size int64
	for i := range n {
		if i%part == 0 {
			parts = append(parts, filepath.Join(dir, fmt.Sprintf("part-%03d", i/part)))
			if err := os.MkdirAll(parts[len(parts)-1], 0o755); err != nil {
				return nil, 0, err
			}
		}
		pc := i % machines
		run := i/machines + 1
		bundle := bundles[pc%len(bundles)]
		exit := []int{0, 0, 0, 0, 3010, 1, 6}[rng.IntN(7)]
		var b strings.Builder
		fmt.Fprintf(&b, "{\r\n  \"report_version\": 1,\r\n  \"generated\": \"wufix\",\r\n  \"bundle\": %q,\r\n  \"bundle_version\": \"26bc9cf5972e9944\",\r\n", bundle)
		fmt.Fprintf(&b, "  \"computer\": \"PC%05d\",\r\n  \"run\": \"%s-%04d\",\r\n  \"mode\": \"run\",\r\n  \"plan\": \"windows_update\",\r\n", pc, bundle, run)
		fmt.Fprintf(&b, "  \"windows_build\": \"19045\",\r\n  \"started\": \"2026-%02d-%02dT08:00:00\",\r\n  \"finished\": \"2026-%02d-%02dT08:%02d:00\",\r\n",
			1+run%12, 1+run%28, 1+run%12, 1+run%28, rng.IntN(60))
		fmt.Fprintf(&b, "  \"exit_code\": %d,\r\n  \"log\": \"C:\\\\Windows\\\\Logs\\\\wufix\\\\%s-%04d.log\",\r\n  \"steps\": [\r\n", exit, bundle, run)
		for j, s := range steps {
			status := []string{"done", "not needed", "skipped"}[rng.IntN(3)]
			if exit == 1 && j == 2 {
				status = "failed"
			}
			sep := ","
			if j == 0 {
				sep = " "
			}
			fmt.Fprintf(&b, "  %s {\"id\": %q, \"status\": %q, \"exit_code\": 0, \"before\": \"none disabled\", \"after\": \"\"}\r\n", sep, s, status)
		}
		b.WriteString("  ]\r\n}\r\n")
		name := filepath.Join(parts[len(parts)-1], fmt.Sprintf("PC%05d-%s-%04d.json", pc, bundle, run))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return nil, 0, err
		}
		size += int64(b.Len())
	}
	return parts, size, nil
}

type measure struct {
	wall time.Duration
	cpu  time.Duration // user and system time of the process and its children
	rss  float64       // MiB
}

// medians runs each command runs times, in turns, and returns the median
// wall time and the median peak RSS of each.
func medians(runs int, cmds [][]string) []measure {
	walls := make([][]time.Duration, len(cmds))
	cpus := make([][]time.Duration, len(cmds))
	rss := make([][]float64, len(cmds))
	for range runs {
		for i, c := range cmds {
			cmd := exec.Command(c[0], c[1:]...)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "%v: %v\n%s\n", c, err, out)
			}
			walls[i] = append(walls[i], time.Since(start))
			cpus[i] = append(cpus[i], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rss[i] = append(rss[i], float64(u.Maxrss)/1024)
			}
		}
	}
	out := make([]measure, len(cmds))
	for i := range cmds {
		slices.Sort(walls[i])
		slices.Sort(cpus[i])
		slices.Sort(rss[i])
		out[i] = measure{walls[i][len(walls[i])/2], cpus[i][len(cpus[i])/2], rss[i][len(rss[i])/2]}
	}
	return out
}
