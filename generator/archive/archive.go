// Package archive writes reproducible .zip files of a written build: the
// same files give the same bytes, whenever and wherever they are zipped.
// Entries are sorted by path, every entry has the same time (the catalog's
// date) and mode, no directory entries, users or hosts are recorded, and
// every file is stored, not deflated: update packages are compressed
// already, and stored bytes depend on no compressor, so the archive stays
// byte-identical across Go releases too. Files are streamed, never held in
// memory.
package archive

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Write zips the entries (files or folders directly under dir, by name)
// into dst, replacing it only once the archive is complete. Paths inside
// the archive are relative to dir, with '/'.
func Write(dst, dir string, entries []string, modified time.Time) (err error) {
	files, err := collect(dir, entries)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".wufix-zip-")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	buf := make([]byte, 1<<20)
	for _, name := range files {
		if err := add(zw, dir, name, modified, buf); err != nil {
			return fmt.Errorf("archive: %s: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// collect lists the regular files under the entries, as sorted slash
// paths relative to dir. A link or device is an error: a build has none.
func collect(dir string, entries []string) ([]string, error) {
	var files []string
	for _, e := range entries {
		err := filepath.WalkDir(filepath.Join(dir, e), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return fmt.Errorf("%s: not a regular file", filepath.ToSlash(rel))
			}
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}

func add(zw *zip.Writer, dir, name string, modified time.Time, buf []byte) error {
	h := &zip.FileHeader{Name: name, Method: zip.Store, Modified: modified}
	h.SetMode(0o644)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyBuffer(w, f, buf)
	return err
}
