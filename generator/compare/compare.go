// Package compare checks a build against files on disk and explains each
// difference in words a person can act on: which files are missing or
// extra, and for a changed file either a line diff or the plain statement
// that only line endings or a byte-order mark differ.
package compare

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"
)

// Difference is one file that does not match.
type Difference struct {
	Path   string
	Kind   string // "missing", "extra" or "changed"
	Detail string
}

func (d Difference) String() string {
	if d.Detail == "" {
		return d.Path + ": " + d.Kind
	}
	return d.Path + ": " + d.Kind + "\n" + d.Detail
}

// Dir compares want (slash paths relative to dir) with the files under the
// given subfolders of dir. Files on disk under those subfolders that want
// does not have are reported as extra.
func Dir(want map[string][]byte, dir string, subdirs []string) ([]Difference, error) {
	var diffs []Difference
	seen := map[string]bool{}
	for _, sub := range subdirs {
		root := filepath.Join(dir, sub)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			if err != nil || e.IsDir() {
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			seen[rel] = true
			if _, ok := want[rel]; !ok {
				diffs = append(diffs, Difference{Path: rel, Kind: "extra"})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("compare: %w", err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, Difference{Path: name, Kind: "missing"})
		case err != nil:
			return nil, fmt.Errorf("compare: %w", err)
		case !bytes.Equal(got, want[name]):
			diffs = append(diffs, Difference{Path: name, Kind: "changed", Detail: Explain(want[name], got)})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Path < diffs[j].Path })
	return diffs, nil
}

// Explain says how got differs from want: the line endings, the BOM, or
// the first lines that differ.
func Explain(want, got []byte) string {
	wt, wbom := decode(want)
	gt, gbom := decode(got)
	if wbom != gbom && wt == gt {
		return fmt.Sprintf("only the byte-order mark differs (want %s, have %s)", wbom, gbom)
	}
	if wt != gt && normalize(wt) == normalize(gt) {
		return fmt.Sprintf("only line endings differ (want %s, have %s)", endings(wt), endings(gt))
	}
	return Lines(normalize(wt), normalize(gt))
}

// decode reads UTF-16LE (the .reg files) and UTF-8, noting the BOM.
func decode(b []byte) (string, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		return string(utf16.Decode(u)), "UTF-16LE BOM"
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return string(b[3:]), "UTF-8 BOM"
	}
	return string(b), "no BOM"
}

func normalize(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func endings(s string) string {
	crlf := strings.Count(s, "\r\n")
	lf := strings.Count(s, "\n") - crlf
	switch {
	case lf == 0:
		return "CRLF"
	case crlf == 0:
		return "LF"
	}
	return fmt.Sprintf("mixed: %d CRLF, %d LF", crlf, lf)
}
