package payload

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Link gives a staged file a second name. It is os.Link; tests replace it
// to stand in for a file system without hard links (FAT32, exFAT: most USB
// sticks).
var Link = os.Link

// MovedName is the file in the staging folder that lists, one slash path
// a line, the files moved into it from the output folder at the same
// path. Where the file system has no hard links, a file the previous
// build staged is moved, not copied; if the build then fails or is
// stopped, RestoreMoved moves each back, so the output folder keeps its
// previous build whole.
const MovedName = ".wufix-moved"

// moves appends to the staging folder's MovedName, one move at a time.
type moves struct {
	mu    sync.Mutex
	stage string
}

// move renames dir/rel to stage/rel, listing it first: a build killed
// between the two leaves a line with nothing to move back, which is
// harmless.
func (m *moves) move(dir, rel string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(m.stage, MovedName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(rel + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	dst := filepath.Join(m.stage, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.Rename(filepath.Join(dir, filepath.FromSlash(rel)), dst)
}

// RestoreMoved moves back into dir the files listed in stage's MovedName
// that are still in stage and missing from dir: after a failed or stopped
// build, or a swap rolled back. Once the staged build is in place, the
// files are in dir already and nothing is moved. Running it twice does
// nothing the second time.
func RestoreMoved(dir, stage string) error {
	f, err := os.Open(filepath.Join(stage, MovedName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var errs []error
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rel := sc.Text()
		if !fs.ValidPath(rel) || strings.Contains(rel, "\\") {
			continue
		}
		from, to := filepath.Join(stage, filepath.FromSlash(rel)), filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Lstat(from); err != nil {
			continue
		}
		if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, os.Rename(from, to))
	}
	return errors.Join(append(errs, sc.Err())...)
}
