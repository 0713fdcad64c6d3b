//go:build unix

package payload_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/payload"
)

// An unchanged .zip is neither inflated nor hashed again: its package is
// linked from the previous build. A changed one is inflated anew, and a
// loose file taking the member's name is not mistaken for it.
func TestRebuildTakesAnUnchangedZipsPackages(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	msu := "MSCF" + strings.Repeat("wmf", 1<<18)
	put(t, filepath.Join(src, wmfZip), string(zipBytes(t, zm{name: wmfPs1, data: "x"}, zm{name: wmfMsu, data: msu})), at)
	staged := filepath.Join(out, "win7", payload.Folder, wmfMsu)

	first, read := rebuild(t, src, out, "s1")
	assert.Equal(t, int64(len(msu)), read, "the first build inflates the package")
	ino := inode(t, staged)

	again, read := rebuild(t, src, out, "s2")
	assert.Equal(t, int64(0), read, "nothing is inflated or hashed")
	assert.Equal(t, first, again)
	assert.Equal(t, ino, inode(t, staged))
	record, err := os.ReadFile(filepath.Join(out, payload.DigestsName))
	require.NoError(t, err)
	assert.Contains(t, string(record), filepath.Join(src, wmfZip)+"!/"+wmfMsu+"\t")

	newer := "MSCF" + strings.Repeat("v2", 1<<18)
	put(t, filepath.Join(src, wmfZip), string(zipBytes(t, zm{name: wmfMsu, data: newer})), at.Add(time.Minute))
	entries, read := rebuild(t, src, out, "s3")
	assert.Equal(t, int64(len(newer)), read)
	assert.Equal(t, sum(newer), entries["win7"][0].SHA256)

	// The same name, now loose beside a .zip that no longer holds it: the
	// loose file comes from another source, so it is read.
	put(t, filepath.Join(src, wmfZip), string(zipBytes(t, zm{name: "windows6.1-kb2-x64.msu", data: "MSCF 2"})), at.Add(2*time.Minute))
	put(t, filepath.Join(src, wmfMsu), newer, at.Add(2*time.Minute))
	entries, read = rebuild(t, src, out, "s4")
	assert.Equal(t, int64(len(newer)+len("MSCF 2")), read)
	assert.Equal(t, sum(newer), entries["win7"][0].SHA256)
}
