//go:build linux

// Command fleet measures wufix report on a fleet's worth of reports,
// against jq -s doing the same counts on the same files in the same run
// (the newest run of each machine, machines counted by exit code). It
// also reads a tenth of the reports, for the same machines, to show that
// memory follows the machines, not the number of files. Run it with
// `make bench-fleet` (never in CI: it writes about 200 MB).
//
//	go run ./bench/fleet [-reports 100000] [-machines 5000] [-runs 3]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	reports := flag.Int("reports", 100000, "reports to generate")
	machines := flag.Int("machines", 5000, "machines they come from")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	flag.Parse()
	if err := run(*reports, *machines, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench-fleet:", err)
		os.Exit(1)
	}
}

func run(reports, machines, runs int) error {
	tmp, err := os.MkdirTemp("", "wufix-bench-fleet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "wufix")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/wufix").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	all, tenth := filepath.Join(tmp, "all"), filepath.Join(tmp, "tenth")
	size, err := generate(all, reports, machines)
	if err != nil {
		return err
	}
	if _, err := generate(tenth, reports/10, machines); err != nil {
		return err
	}
	fmt.Printf("%d reports from %d machines, %.0f MB, under %s\n", reports, machines, float64(size)/1e6, tmp)
	jq := `group_by(.computer) | map(max_by(.finished)) | group_by(.exit_code) | map({exit: .[0].exit_code, machines: length})`
	m := medians(runs, [][]string{
		{"sh", "-c", "find " + all + " -name '*.json' -print0 | xargs -0 cat | jq -s '" + jq + "' >/dev/null"},
		{bin, "report", "--format", "json", all},
		{bin, "report", "--format", "json", tenth},
	})
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("load average: %s", load)
	fmt.Printf("%-48s %8s %8s %10s\n", "", "wall", "CPU", "peak RSS")
	names := []string{"jq -s (baseline)", "wufix report", "wufix report, a tenth of the files"}
	for i, x := range m {
		fmt.Printf("%-48s %6.2f s %6.2f s %6.0f MiB\n", names[i], x.wall.Seconds(), x.cpu.Seconds(), x.rss)
	}
	fmt.Printf("wufix against the baseline: %.2fx the wall time, %.2fx the CPU time\n",
		m[1].wall.Seconds()/m[0].wall.Seconds(), m[1].cpu.Seconds()/m[0].cpu.Seconds())
	return nil
}

// generate writes n reports as bundles write them, from the given number
// of machines, each machine's runs numbered in turn, and returns their size.
func generate(dir string, n, machines int) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	bundles := []string{"win7", "win81", "win10", "win11", "server2016", "server2025"}
	steps := []string{"clock-check", "service-health", "component-reset", "proxy-reset-winhttp", "dll-reregister",
		"service-security", "wsus-client-reset", "winsock-reset", "offline-install-msu", "offline-install-cab", "system-files-dism"}
	var size int64
	for i := range n {
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
		name := filepath.Join(dir, fmt.Sprintf("PC%05d-%s-%04d.json", pc, bundle, run))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return 0, err
		}
		size += int64(b.Len())
	}
	return size, nil
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
