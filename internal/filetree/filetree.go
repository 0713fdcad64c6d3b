// Package filetree lays out folders of files for tests: a payload folder,
// a build's output, a tree to archive.
package filetree

import (
	"os"
	"path/filepath"
	"testing"
)

// Write creates every file of files (a slash-separated path under dir to
// its contents) with the folders it needs, and returns dir.
func Write(t testing.TB, dir string, files map[string]string) string {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
