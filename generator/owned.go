package generator

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/verify"
)

// recordHeader opens the owner record; it says what the file is to
// whoever finds it in the output folder.
const recordHeader = "# wufix: the files a build wrote in this folder; the next build replaces only these\n"

// shownMax bounds how many foreign paths a refusal names.
const shownMax = 12

// The payload digests (verify.DigestsName) live beside the record under
// the same rules: bookkeeping a build replaces whole, never foreign.

// record is the set of files (slash paths under the output folder) that
// wufix builds wrote there.
type record map[string]bool

// readRecord reads dir's owner record; a folder without one has a nil
// (empty) record.
func readRecord(dir string) (record, error) {
	name := filepath.Join(dir, verify.RecordName)
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := record{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !fs.ValidPath(line) || line == "." {
			return nil, fmt.Errorf("%s:%d:1: %q is not a path inside the folder", name, n, line)
		}
		r[line] = true
	}
	return r, sc.Err()
}

// has reports whether the record holds p or, for a folder, a file under it.
func (r record) has(p string, dir bool) bool {
	if !dir {
		return r[p]
	}
	for f := range r {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

// merged is the record after a build that writes files and replaces the
// top-level names in replaced: the earlier builds' other entries stay.
func (r record) merged(files []string, replaced []string) record {
	out := record{}
	for f := range r {
		top, _, _ := strings.Cut(f, "/")
		if !slices.Contains(replaced, top) {
			out[f] = true
		}
	}
	for _, f := range files {
		out[f] = true
	}
	return out
}

// union is every file of r and of o.
func (r record) union(o record) record {
	out := record{}
	for f := range r {
		out[f] = true
	}
	for f := range o {
		out[f] = true
	}
	return out
}

// write replaces dir's record through a file written in the staging
// folder and a rename, so the record on disk is always a whole one and no
// half-written one is ever left in dir.
func (r record) write(dir, stage string) error {
	var b strings.Builder
	b.WriteString(recordHeader)
	for _, f := range slices.Sorted(maps.Keys(r)) {
		b.WriteString(f + "\n")
	}
	name := filepath.Join(dir, verify.RecordName)
	tmp := filepath.Join(stage, verify.RecordName)
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// restore puts r back as dir's record: none at all when r is nil.
func (r record) restore(dir, stage string) error {
	if r != nil {
		return r.write(dir, stage)
	}
	err := os.Remove(filepath.Join(dir, verify.RecordName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// foreign lists what dir holds that no build recorded, as slash paths: a
// folder with nothing recorded under it is named once ("notes/"). The
// record itself and wufix's staging folders (which carry a marker) are
// not foreign.
func foreign(dir string, r record) ([]string, error) {
	// --out may be a link to a folder; the walk must go into it.
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case (rel == verify.RecordName || rel == verify.DigestsName) && d.Type().IsRegular():
		case d.IsDir() && isStaging(root, rel):
			return fs.SkipDir
		case d.IsDir() && !r.has(rel, true):
			out = append(out, rel+"/")
			return fs.SkipDir
		case d.IsDir():
		case !d.Type().IsRegular():
			out = append(out, rel+" (not a regular file)")
		case !r[rel]:
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

// isStaging reports whether rel, directly under dir, is a staging folder
// wufix made: its name and its marker say so.
func isStaging(dir, rel string) bool {
	if path.Dir(rel) != "." || !strings.HasPrefix(rel, verify.StagingPrefix) {
		return false
	}
	_, err := readMarker(filepath.Join(dir, rel))
	return err == nil
}

// refuseForeign refuses an output folder that holds anything no wufix
// build wrote, naming what: a build replaces whole entries, and must
// never take a user's folder or file with them.
func refuseForeign(dir string, r record) error {
	found, err := foreign(dir, r)
	if err != nil || len(found) == 0 {
		return err
	}
	shown := found
	if len(found) > shownMax {
		shown = found[:shownMax]
	}
	more := ""
	if len(found) > shownMax {
		more = fmt.Sprintf(" and %d more", len(found)-shownMax)
	}
	return fmt.Errorf("%s holds what no wufix build wrote there: %s%s; a build replaces only the files an earlier build listed in %s: move these away or choose another --out",
		dir, strings.Join(shown, ", "), more, verify.RecordName)
}

// refuseProtected refuses, as an output folder, the root of a drive, the
// home folder and the working tree's root: a build into any of them would
// share the folder with everything else there.
func refuseProtected(dir string) error {
	abs, err := canonical(dir)
	if err != nil {
		return err
	}
	if filepath.Dir(abs) == abs {
		return fmt.Errorf("--out %s is the root of a drive: choose a folder of its own", dir)
	}
	if home, err := os.UserHomeDir(); err == nil && same(abs, home) {
		return fmt.Errorf("--out %s is the home folder: choose a folder of its own", dir)
	}
	if wd, err := os.Getwd(); err == nil {
		for _, mark := range []string{"go.mod", ".git"} {
			if root := above(wd, mark); root != "" && same(abs, root) {
				return fmt.Errorf("--out %s is the root of the working tree (it holds %s): choose a folder of its own, such as dist", dir, mark)
			}
		}
	}
	return nil
}

// canonical is dir made absolute, with links resolved where it exists.
func canonical(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// same reports whether the canonical path abs names the folder other.
func same(abs, other string) bool {
	o, err := canonical(other)
	if err != nil {
		return false
	}
	if os.PathSeparator == '\\' {
		return strings.EqualFold(abs, o) // Windows names ignore case
	}
	return abs == o
}

// above is the nearest folder at or above dir holding mark, or "".
func above(dir, mark string) string {
	for {
		if _, err := os.Lstat(filepath.Join(dir, mark)); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
