package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/wufix/wufix/generator/deploy"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/generator/verify"
)

// Write is WriteContext without a way to stop it.
func (o *Output) Write(dir string) error {
	return o.WriteContext(context.Background(), dir)
}

// WriteContext puts the build under dir, one folder per target and the
// top-level files beside them, so that dir never holds half a build:
// payloads are copied first (hashed on the way) and the manifests sealed
// over them, everything is written in full to a staging folder inside
// dir, and only then swapped in, whole or not at all (see swap). It
// replaces only what earlier builds recorded in dir's owner record and
// refuses a folder holding anything else; folders of targets not in this
// build stay, and top-level entries an earlier build wrote and this one
// does not (an intune folder) are removed, so the entry points always
// match the bundles. When ctx ends before the swap (an interrupt), the
// staging folder is removed and dir is left as it was.
func (o *Output) WriteContext(ctx context.Context, dir string) error {
	if err := refuseProtected(dir); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	prev, err := checkOutput(dir)
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	stage, err := newStaging(dir)
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return o.writeStaged(ctx, dir, stage, prev)
}

// checkOutput returns dir's owner record, refusing a dir that holds
// anything no build wrote. A missing dir is an empty one.
func checkOutput(dir string) (record, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	prev, err := readRecord(dir)
	if err != nil {
		return nil, err
	}
	return prev, refuseForeign(dir, prev)
}

// writeStaged fills the staging folder and swaps it in. The staging folder
// is removed whatever happens, unless a failed rollback left the previous
// output's entries in it. Errors of the payload stage keep its own prefix.
func (o *Output) writeStaged(ctx context.Context, dir, stage string, prev record) error {
	if err := clearStale(dir, stage); err != nil {
		return fmt.Errorf("write: %w", errors.Join(err, removeStaging(stage)))
	}
	files, err := o.fillInterruptible(ctx, stage)
	if err != nil {
		return errors.Join(err, payload.RestoreMoved(dir, stage), removeStaging(stage))
	}
	// An interrupt from here on is not acted on: the swap takes
	// milliseconds, and finishing or undoing it is the clean way out.
	if err := o.swapIn(dir, stage, prev, files); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// swapIn records the new files and swaps the staged build in.
func (o *Output) swapIn(dir, stage string, prev record, files []string) error {
	retire := o.retired()
	next := prev.merged(files, append(o.Entries(), retire...))
	// The record covers the old and the new files while the swap runs, so
	// a build stopped half-way is neither refused nor loses a file.
	if err := prev.union(next).write(dir, stage); err != nil {
		return errors.Join(err, removeStaging(stage))
	}
	if err := swap(stage, dir, o.Entries(), retire); err != nil {
		// A rollback that failed leaves the old entries in the staging
		// folder, for the next build to put back: keep it and the wider
		// record then.
		if m, mErr := readMarker(stage); mErr == nil && len(m.Swap)+len(m.Retire) == 0 {
			err = errors.Join(err, prev.restore(dir, stage), payload.RestoreMoved(dir, stage), removeStaging(stage))
		}
		return err
	}
	// The build is in place from here on; what fails now only leaves the
	// wider record, the previous payload digests (which no longer match
	// the staged files, so they are hashed again) or the staging folder,
	// which the next build handles.
	if err := errors.Join(next.write(dir, stage), moveDigests(dir, stage), removeStaging(stage)); err != nil {
		return fmt.Errorf("the build is in place, but cleaning up after it failed (the next build finishes it): %w", err)
	}
	return nil
}

// retired are the top-level names a build may write that this one does
// not: an earlier build's are moved out with the old entries.
func (o *Output) retired() []string {
	var out []string
	for _, name := range deploy.Owned {
		if !slices.Contains(o.Top, name) {
			out = append(out, name)
		}
	}
	return out
}

// moveDigests puts the build's payload digests beside the owner record,
// or removes the previous build's when this one staged no payloads.
func moveDigests(dir, stage string) error {
	staged := filepath.Join(stage, verify.DigestsName)
	if exists(staged) {
		return os.Rename(staged, filepath.Join(dir, verify.DigestsName))
	}
	err := os.Remove(filepath.Join(dir, verify.DigestsName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
