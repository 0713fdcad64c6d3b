package generator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wufix/wufix/generator/payload"
)

// grace is how long an interrupted build lets the copy reach a point where
// it waits (the next progress report) before removing the staging folder.
const grace = 200 * time.Millisecond

// gate lets an interrupt stop the filling of the staging folder at points
// where no file is half made: once shut, whoever passes it waits for the
// process to end and never touches the staging folder again.
type gate struct {
	mu   sync.Mutex
	shut bool
}

// do runs f unless the gate is shut, and holds the gate while it runs.
func (g *gate) do(f func()) {
	g.mu.Lock()
	if g.shut {
		g.mu.Unlock()
		select {} // the build was interrupted: wait for the process to end
	}
	defer g.mu.Unlock()
	f()
}

func (g *gate) close() {
	g.mu.Lock()
	g.shut = true
	g.mu.Unlock()
}

// fillInterruptible fills the staging folder unless ctx ends first. The
// payload copy cannot be cancelled from outside: on an interrupt, its
// progress reports and the writes of the generated files stop at the
// gate, and the staging folder is removed under them.
func (o *Output) fillInterruptible(ctx context.Context, stage string) ([]string, error) {
	type result struct {
		files []string
		err   error
	}
	g := &gate{}
	done := make(chan result, 1)
	go func() {
		files, err := o.fill(stage, g)
		done <- result{files, err}
	}()
	select {
	case r := <-done:
		if r.err != nil || ctx.Err() == nil {
			return r.files, r.err
		}
		// Interrupted as the last file was written: still before the swap.
	case <-ctx.Done():
		g.close()
		time.Sleep(grace)
		// A copy between two files may still make its next folder, and
		// with it the staging folder again: look twice more.
		for range 3 {
			if removeStaging(stage) != nil {
				break // the caller tries once more and reports it
			}
			if time.Sleep(grace / 10); !exists(stage) {
				break
			}
		}
	}
	return nil, fmt.Errorf("write: interrupted before anything was replaced: %w", context.Cause(ctx))
}

// fill writes the whole build into the staging folder and returns its
// files as slash paths.
func (o *Output) fill(stage string, g *gate) ([]string, error) {
	files, err := o.stagePayloads(stage, g)
	if err != nil {
		return nil, err
	}
	for name, data := range o.Files {
		p := filepath.Join(stage, filepath.FromSlash(name))
		g.do(func() {
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, data, 0o644)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("write: %w", err)
		}
		files = append(files, name)
	}
	return files, nil
}

// stagePayloads copies the payloads into the staging folder and seals
// each bundle, and then the top level, over them. It returns the files it
// placed.
func (o *Output) stagePayloads(stage string, g *gate) ([]string, error) {
	if len(o.Payloads) == 0 {
		return nil, nil
	}
	progress := o.Progress
	// The staging folder is made inside the output folder, where the
	// previous build's files are.
	opt := payload.StageOptions{Previous: filepath.Dir(stage), Progress: func(n int64) {
		g.do(func() {
			if progress != nil {
				progress(n)
			}
		})
	}}
	if o.sign != nil {
		opt.Sign = func(path string) (changed bool, err error) {
			g.do(func() {})
			changed, err = o.sign.Cab(path)
			g.do(func() {})
			return changed, err
		}
	}
	entries, err := payload.Stage(o.Payloads, stage, opt)
	if err != nil {
		return nil, err
	}
	var placed []string
	for t, list := range entries {
		for _, e := range list {
			placed = append(placed, t+"/"+e.Path)
		}
	}
	return placed, o.seal(entries)
}
