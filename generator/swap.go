package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// rename is os.Rename; tests replace it to make a chosen rename fail.
var rename = os.Rename

// The swap puts a fully staged build in place of the old entries, whole
// or not at all. Neither Linux nor Windows can replace a non-empty folder
// with another in one step (rename(2) refuses a non-empty target,
// MoveFileEx cannot replace a folder; Linux's RENAME_EXCHANGE has no
// Windows counterpart), and a generation folder behind a link is no
// answer either: Windows links need a privilege, and the output is a
// plain folder people copy to a stick or a share. So each entry takes two
// renames inside one folder (the old one aside into the staging folder,
// the staged one in), which are atomic on both systems, and any failure
// undoes every rename done so far. The staging folder's marker lists the
// names before the first rename, so a build killed in the middle is
// rolled back by the next one (clearStale) from what it finds on disk.

// swap swaps each of names from stage into dir and moves retire (entries
// an earlier build wrote that this one does not) aside. On failure it
// rolls back and returns the error, and says so if the rollback failed.
func swap(stage, dir string, names, retire []string) error {
	m, err := readMarker(stage)
	if err != nil {
		return err
	}
	m.Swap, m.Retire = names, retire
	if err := writeMarker(stage, m); err != nil {
		return err
	}
	err = swapAll(stage, dir, names, retire)
	if err != nil {
		if rbErr := rollback(stage, dir, names, retire); rbErr != nil {
			// The marker still lists the names: the next build rolls back.
			return fmt.Errorf("%w; putting the previous output back failed too (the next build tries again), and its missing entries are in %s: %w", err, stage, rbErr)
		}
		err = fmt.Errorf("%w (the previous output is unchanged)", err)
	}
	// Done or undone: nothing is left for the next build to roll back.
	m.Swap, m.Retire = nil, nil
	return errors.Join(err, writeMarker(stage, m))
}

func swapAll(stage, dir string, names, retire []string) error {
	for _, name := range names {
		if err := aside(stage, dir, name); err != nil {
			return err
		}
		if err := rename(filepath.Join(stage, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	for _, name := range retire {
		if err := aside(stage, dir, name); err != nil {
			return err
		}
	}
	return nil
}

// aside moves dir/name, when it exists, to stage/.old-name.
func aside(stage, dir, name string) error {
	if !exists(filepath.Join(dir, name)) {
		return nil
	}
	return rename(filepath.Join(dir, name), filepath.Join(stage, ".old-"+name))
}

// rollback undoes a swap from the state on disk, last name first: a
// staged entry no longer in stage was moved in and goes back there; an
// entry moved aside comes back. Run twice, the second run finds nothing
// to do, so a failed rollback can be run again by the next build.
func rollback(stage, dir string, names, retire []string) error {
	var errs []error
	for _, name := range slices.Backward(retire) {
		errs = append(errs, back(stage, dir, name))
	}
	for _, name := range slices.Backward(names) {
		staged, placed := filepath.Join(stage, name), filepath.Join(dir, name)
		if !exists(staged) && exists(placed) {
			if err := rename(placed, staged); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		errs = append(errs, back(stage, dir, name))
	}
	return errors.Join(errs...)
}

// back returns stage/.old-name to dir/name.
func back(stage, dir, name string) error {
	old := filepath.Join(stage, ".old-"+name)
	if !exists(old) {
		return nil
	}
	return rename(old, filepath.Join(dir, name))
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
