package wine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTemplate is a two-file stand-in for a prefix: a read-only binary,
// which copies share, and a registry file, which they copy.
func fakeTemplate(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "template")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "drive_c"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "drive_c", "a.dll"), []byte("binary"), 0o444))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "system.reg"), []byte("registry"), 0o644))
	return dir
}

func TestCopyPrefixLinksOnlyReadOnlyFiles(t *testing.T) {
	src := fakeTemplate(t)
	dst := filepath.Join(t.TempDir(), "copy")
	shared, err := copyPrefix(src, dst)
	require.NoError(t, err)
	require.Len(t, shared, 1)
	assert.Equal(t, filepath.Join(dst, "drive_c", "a.dll"), shared[0].path)

	reg, err := os.Stat(filepath.Join(dst, "system.reg"))
	require.NoError(t, err)
	orig, err := os.Stat(filepath.Join(src, "system.reg"))
	require.NoError(t, err)
	assert.False(t, os.SameFile(reg, orig), "registry files must be copied, not linked")

	// Replacing a shared file, as InstallStub does, leaves the template alone.
	require.NoError(t, os.Remove(shared[0].path))
	require.NoError(t, os.WriteFile(shared[0].path, []byte("stub"), 0o755))
	assert.NoError(t, checkShared(shared, src))
	assert.DirExists(t, src)
}

func TestCheckSharedCatchesWritesThroughLinks(t *testing.T) {
	src := fakeTemplate(t)
	shared, err := copyPrefix(src, filepath.Join(t.TempDir(), "copy"))
	require.NoError(t, err)
	// Root ignores the read-only bit, as Wine running as root does.
	require.NoError(t, os.Chmod(shared[0].path, 0o644))
	require.NoError(t, os.WriteFile(shared[0].path, []byte("overwritten"), 0o644))

	err = checkShared(shared, src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.dll")
	assert.NoDirExists(t, src, "a damaged template must leave the cache")
}
