package fleet

import (
	"fmt"
	"io"
	"sync"
)

// item is one file found: its name for people and how to open it, or
// why it cannot be read, or that it is no .json file (other).
type item struct {
	seq     int
	name    string
	open    func() (io.ReadCloser, error)
	problem error
	other   bool
}

// result is what reading one item gave.
type result struct {
	seq    int
	name   string
	report *Report
	err    error
	other  bool
}

// Read reads every .json file under the given folders and .zip files and
// hands each report, or the reason a file is not one, to the collector,
// in the order the files were found. Files are read and parsed by a few workers at
// once; the collector is called from this goroutine only.
func Read(paths []string, workers int, c *Collector) error {
	items := make(chan item, 64)
	results := make(chan result, 64)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, MaxSize+1)
			for it := range items {
				if it.other || it.problem != nil {
					results <- result{seq: it.seq, name: it.name, err: it.problem, other: it.other}
					continue
				}
				r, err := load(it, buf)
				results <- result{seq: it.seq, name: it.name, report: r, err: err}
			}
		}()
	}
	var walkErr error
	var zips []io.Closer
	seq := 0
	send := func(it item) { it.seq, seq = seq, seq+1; items <- it }
	go func() {
		defer close(items)
		for _, p := range paths {
			if walkErr = walk(p, send, &zips); walkErr != nil {
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	// Results are taken in the order the files were found (lexical, as
	// WalkDir goes), so which of two copies counts is the same every time.
	// pending holds the results that overtook a slower file: a few, as no
	// file read is larger than MaxSize.
	pending, next := map[int]result{}, 0
	for r := range results {
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			c.take(r)
		}
	}
	for _, z := range zips {
		z.Close()
	}
	return walkErr
}

// take hands one result to the collector.
func (c *Collector) take(r result) {
	switch {
	case r.other:
		c.Other()
	case r.err != nil:
		c.Problem(r.name, r.err.Error())
	case r.report.Mode == "diagnose":
		// run.cmd /diagnose's findings: no run, nothing changed, so not a
		// machine's newest outcome.
		c.Other()
	default:
		c.Add(r.name, r.report)
	}
}

// load reads one file, at most MaxSize+1 bytes of it, into the worker's
// buffer, and parses it. Reading straight into a buffer kept across files
// makes a report two read calls, with nothing to allocate.
func load(it item, buf []byte) (*Report, error) {
	f, err := it.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err == io.EOF || m == 0 && err == nil {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if n > MaxSize {
		return nil, fmt.Errorf("larger than %d KiB: not a wufix report", MaxSize>>10)
	}
	return Parse(buf[:n])
}
