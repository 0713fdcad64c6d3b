package wine

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// sharedFile is a prefix file hard-linked to the template, with the size
// and modification time it had when linked.
type sharedFile struct {
	path     string // in the test's prefix
	template string
	size     int64
	mtime    time.Time
}

// copyPrefix copies the template into dst. Read-only files (the Windows
// binaries, see prepareTemplate) are hard-linked, which turns a 1.4 s,
// 700 MB copy into a 0.1 s, 70 MB one; everything else, above all the
// registry files wineserver rewrites, is copied. It returns the links.
func copyPrefix(src, dst string) ([]sharedFile, error) {
	var shared []sharedFile
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().Perm()&0o222 == 0:
			// Across file systems a link fails: copy instead.
			if os.Link(path, target) == nil {
				shared = append(shared, sharedFile{target, path, info.Size(), info.ModTime()})
				return nil
			}
		}
		return copyFile(path, target, info.Mode().Perm())
	})
	return shared, err
}

func copyFile(src, dst string, perm fs.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, perm)
}

// checkShared reports shared files a script wrote to. Replacing or
// deleting one is harmless (the link goes, the template stays); writing
// into one changes the template for every later test, so the template is
// removed from the cache and the test fails, naming the file.
func checkShared(shared []sharedFile, templateDir string) error {
	var written []string
	for _, f := range shared {
		mine, err1 := os.Stat(f.path)
		orig, err2 := os.Stat(f.template)
		if err1 != nil || err2 != nil || !os.SameFile(mine, orig) {
			continue
		}
		if mine.Size() != f.size || !mine.ModTime().Equal(f.mtime) {
			written = append(written, f.path)
		}
	}
	if len(written) == 0 {
		return nil
	}
	// Rename first: a removal in progress must not look like a template.
	doomed := templateDir + ".damaged-" + fmt.Sprint(os.Getpid())
	if os.Rename(templateDir, doomed) == nil {
		os.RemoveAll(doomed)
	}
	return fmt.Errorf("the script wrote into %s, shared with the cached template prefix, "+
		"which is now removed (the next run rebuilds it); other tests running now may fail too",
		strings.Join(written, ", "))
}
