//go:build linux

// Command payload measures how wufix stages update packages, against the
// same machine's cp -r and sha256sum in the same run and against the
// least time any staging that hashes needs here (SHA-256 of every file,
// one file a core, with no copy), how long a rebuild
// takes after one payload file changed against the first build, and how
// long a build of every target takes against cp -r of its output. Run it with
// `make bench-payload` (never in CI: it writes several GiB). Every figure is
// the median of -runs runs, each on a warm page cache after sync, so the
// ratios compare the programs rather than the disk's cold reads. With
// -cold (root only) the staging runs start from an empty page cache
// instead, as a stick or a disk the payload was never read from does:
// the ratios then compare what each program makes of the disk.
//
//	go run ./bench/payload [-size 2048] [-files 8] [-runs 3] [-cold]
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"
)

func main() {
	sizeMiB := flag.Int("size", 2048, "payload size in MiB")
	files := flag.Int("files", 8, "number of payload files")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	keep := flag.Bool("keep", false, "keep the temporary folder")
	flag.BoolVar(&cold, "cold", false, "stage from an empty page cache (drops it before each staging run; root only)")
	flag.Parse()
	if err := run(*sizeMiB, *files, *runs, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench-payload:", err)
		os.Exit(1)
	}
}

func run(sizeMiB, files, runs int, keep bool) error {
	tmp, err := os.MkdirTemp("", "wufix-bench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "wufix")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/wufix").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(tmp, "payload")
	fmt.Printf("payload: %d MiB in %d files under %s\n", sizeMiB, files, src)
	if err := generate(src, sizeMiB, files); err != nil {
		return err
	}
	dst := filepath.Join(tmp, "out")
	// The three are measured in turns, round after round, so that load
	// from elsewhere on the machine weighs on each alike.
	dropping = cold
	m, err := medians(runs, dst, [][]string{
		{"cp", "-r", src, dst},
		{"sh", "-c", `cp -r "$0" "$1" && sha256sum "$1"/* >/dev/null`, src, dst},
		{bin, "build", "--target", "win7", "--payload", src, "--out", dst},
	})
	dropping = false
	if err != nil {
		return err
	}
	cpOnly, baseline, wufix, rss := m[0].time, m[1].time, m[2].time, m[2].rss
	load, _ := os.ReadFile("/proc/loadavg")
	cache := "warm"
	if cold {
		cache = "cold"
	}
	fmt.Printf("\nstaging %d MiB of payload, %s page cache (median of %d)\n", sizeMiB, cache, runs)
	fmt.Printf("  (load average before: %s)\n", bytes.TrimSpace(load))
	fmt.Printf("  cp -r                      %8.2f s   cpu %.2f s\n", cpOnly.Seconds(), m[0].cpu.Seconds())
	fmt.Printf("  cp -r, then sha256sum      %8.2f s   cpu %.2f s   (baseline)\n", baseline.Seconds(), m[1].cpu.Seconds())
	fmt.Printf("  wufix build --payload      %8.2f s   cpu %.2f s   %.2fx the baseline, %.2fx cp -r; peak RSS %d MiB\n",
		wufix.Seconds(), m[2].cpu.Seconds(), ratio(wufix, baseline), ratio(wufix, cpOnly), rss>>20)

	floor, err := hashFloor(src, runs)
	if err != nil {
		return err
	}
	fmt.Printf("  hashing alone, %d at a time %8.2f s   %.2fx cp -r: SHA-256 (Go's, as wufix hashes) of every file\n",
		runtime.NumCPU(), floor.Seconds(), ratio(floor, cpOnly))
	fmt.Printf("                                        in place, one file a core, no copy: the floor of any staging\n")
	fmt.Printf("                                        that hashes what it copies, on %d cores\n", runtime.NumCPU())

	if err := incremental(bin, src, filepath.Join(tmp, "inc"), sizeMiB, files, runs); err != nil {
		return err
	}

	built := filepath.Join(tmp, "built")
	if err := exec.Command(bin, "build", "--out", built).Run(); err != nil {
		return err
	}
	m, err = medians(runs, dst, [][]string{{bin, "build", "--out", dst}, {"cp", "-r", built, dst}})
	if err != nil {
		return err
	}
	all, allRSS, cpBuilt := m[0].time, m[0].rss, m[1].time
	fmt.Printf("\nbuilding every target, no payload (median of %d)\n", runs)
	fmt.Printf("  wufix build                %8.3f s   %.1fx cp -r of its output (%.3f s); peak RSS %d MiB\n",
		all.Seconds(), ratio(all, cpBuilt), cpBuilt.Seconds(), allRSS>>20)
	return nil
}

// incremental measures a rebuild into the same output after one payload
// file changed, against the first build into that output in the same run:
// the rebuild should copy and hash that file only, and link the others.
func incremental(bin, src, out string, sizeMiB, files, runs int) error {
	build := []string{bin, "build", "--target", "win7", "--payload", src, "--out", out}
	syscall.Sync()
	first, err := timed(build)
	if err != nil {
		return err
	}
	var times []time.Duration
	for i := range runs {
		if err := change(src, i); err != nil {
			return err
		}
		syscall.Sync()
		d, err := timed(build)
		if err != nil {
			return err
		}
		times = append(times, d)
	}
	slices.Sort(times)
	again := times[len(times)/2]
	fmt.Printf("\nrebuilding after one of %d files changed (%d MiB in all; median of %d)\n", files, sizeMiB, runs)
	fmt.Printf("  first build                %8.2f s\n", first.Seconds())
	fmt.Printf("  rebuild, one file changed  %8.2f s   %.3fx the first build\n", again.Seconds(), ratio(again, first))
	return nil
}

// change rewrites the first payload file's bytes after its first 4 KiB,
// as a newer download of the same package would, and gives it a time a
// minute later than before, still in the past.
func change(src string, i int) error {
	p := filepath.Join(src, fmt.Sprintf("windows6.1-kb%d-x64.msu", 4000000))
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(bytes.Repeat([]byte{byte(i + 1)}, 1<<20), 4096)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	at := st.ModTime().Add(time.Minute)
	return os.Chtimes(p, at, at)
}

// timed runs argv and returns its wall time.
func timed(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %w", argv, err)
	}
	return time.Since(start), nil
}

// generate writes size MiB of incompressible bytes in n files named like
// Windows 7 packages, so wufix places them all in the win7 bundle.
func generate(dir string, sizeMiB, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rand.NewChaCha8([32]byte{'w', 'u', 'f', 'i', 'x'})
	buf := make([]byte, 1<<20)
	for i := range n {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("windows6.1-kb%d-x64.msu", 4000000+i)))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		for j := range sizeMiB / n {
			r.Read(buf)
			if j == 0 {
				copy(buf, "MSCF") // a cabinet's first bytes, which the build checks
			}
			if _, err := w.Write(buf); err != nil {
				f.Close()
				return err
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		// A download finished an hour ago: a build records the digests of
		// files whose times are not from the last few seconds only.
		hourAgo := time.Now().Add(-time.Hour)
		if err := os.Chtimes(f.Name(), hourAgo, hourAgo); err != nil {
			return err
		}
	}
	return nil
}

// measure is the median wall time and CPU time (user and system) of one
// command, and its largest peak RSS.
type measure struct {
	time, cpu time.Duration
	rss       int64
}

// medians runs each command runs times, in turns, each into a fresh dst
// after a sync.
func medians(runs int, dst string, cmds [][]string) ([]measure, error) {
	times := make([][]time.Duration, len(cmds))
	cpus := make([][]time.Duration, len(cmds))
	out := make([]measure, len(cmds))
	for range runs {
		for i, argv := range cmds {
			m, err := once(dst, argv)
			if err != nil {
				return nil, err
			}
			times[i] = append(times[i], m.time)
			cpus[i] = append(cpus[i], m.cpu)
			out[i].rss = max(out[i].rss, m.rss)
		}
	}
	for i := range cmds {
		slices.Sort(times[i])
		slices.Sort(cpus[i])
		out[i].time = times[i][len(times[i])/2]
		out[i].cpu = cpus[i][len(cpus[i])/2]
	}
	return out, nil
}

// cold is -cold; dropping is set while the staging runs are measured.
var cold, dropping bool

// once runs argv into a fresh dst and measures it, from an empty page
// cache while dropping.
func once(dst string, argv []string) (measure, error) {
	if err := os.RemoveAll(dst); err != nil {
		return measure{}, err
	}
	syscall.Sync()
	if dropping {
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0); err != nil {
			return measure{}, fmt.Errorf("-cold: %w", err)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return measure{}, fmt.Errorf("%v: %w", argv, err)
	}
	m := measure{time: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss << 10 // Linux reports KiB
	}
	syscall.Sync()
	return m, nil
}

// hashFloor is the median time this process takes to hash every file in
// dir with SHA-256, as many files at a time as there are cores, reading
// them in place (the page cache is warm from the runs before): what any
// staging that hashes its copy needs at least, before a byte is copied.
func hashFloor(dir string, runs int) (time.Duration, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var times []time.Duration
	for range runs {
		next := make(chan string, len(entries))
		for _, e := range entries {
			next <- filepath.Join(dir, e.Name())
		}
		close(next)
		errs := make(chan error, runtime.NumCPU())
		start := time.Now()
		for range runtime.NumCPU() {
			go func() {
				buf := make([]byte, 1<<20)
				for p := range next {
					if err := hashOne(p, buf); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range runtime.NumCPU() {
			if err := <-errs; err != nil {
				return 0, err
			}
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

func hashOne(p string, buf []byte) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyBuffer(sha256.New(), f, buf)
	return err
}

func ratio(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }
