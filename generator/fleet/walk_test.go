package fleet

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A folder is walked in name order whatever order its files were made
// in, into subfolders, past links: as filepath.WalkDir goes.
func TestWalkGoesInNameOrder(t *testing.T) {
	dir := t.TempDir()
	for _, i := range rand.New(rand.NewPCG(3, 4)).Perm(3000) {
		name := fmt.Sprintf("PC%04d-win10-0001.json", i)
		write(t, dir, name, "{}")
	}
	write(t, dir, "PC1500-win10-0001.json.d/inner.json", "{}")
	require.NoError(t, os.Symlink(filepath.Join(dir, "PC0001-win10-0001.json"), filepath.Join(dir, "link.json")))

	var got []string
	var zips []io.Closer
	require.NoError(t, walk(dir, func(it item) { got = append(got, it.name) }, &zips))
	var byWalkDir []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			byWalkDir = append(byWalkDir, p)
		}
		return err
	}))
	assert.Equal(t, byWalkDir, got)
	assert.True(t, slices.IsSorted(got[:3000]), "a folder's files by name")
	assert.Len(t, got, 3001, "the link is left out")
}
