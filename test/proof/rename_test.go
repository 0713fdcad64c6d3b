package proof

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// A run repeated within 14 days does not set aside another copy of a
// folder it set aside: the backups a machine keeps are bounded.
func TestRepeatedRunKeepsOneRecentBackup(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))
		typ, data, err := p.Query(`HKLM\SOFTWARE\wufix\Backups`, `C:\windows\SoftwareDistribution`)
		require.NoError(t, err, "each backup is recorded with its day")
		assert.Equal(t, "REG_SZ", typ)
		assert.Regexp(t, `^@24[0-9]{5}@SoftwareDistribution\.wufix-1@$`, data, "a Julian day number and the backup's name")

		rebuilt := p.HostPath(`C:\windows\SoftwareDistribution\Download\b2\new.cab`)
		require.NoError(t, os.MkdirAll(filepath.Dir(rebuilt), 0o755))
		require.NoError(t, os.WriteFile(rebuilt, []byte("new"), 0o644))
		r = p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2`))
		assert.FileExists(t, rebuilt, "the rebuilt cache stays where it is")
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0002.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), `was set aside as SoftwareDistribution.wufix-1 less than 14 days ago: not set aside again`)

		// The same record 20 days older: the folder is set aside again.
		day := strings.Split(data, "@")[1]
		older := "@" + itoa(atoi(t, day)-20) + "@SoftwareDistribution.wufix-1@"
		regAdd(t, p, `HKLM\SOFTWARE\wufix\Backups`, `C:\windows\SoftwareDistribution`, older)
		r = p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2\Download\b2\new.cab`))
		return false
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// Of the backups of a folder, the two newest are kept: the one a run just
// made and the one before it. A run every month for a year would otherwise
// keep twelve copies of SoftwareDistribution.
func TestOnlyTheTwoNewestBackupsAreKept(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		for i, age := range []int{40, 30} {
			old := p.HostPath(`C:\windows\SoftwareDistribution.wufix-` + itoa(i+1))
			require.NoError(t, os.MkdirAll(filepath.Join(old, "Download"), 0o755))
			when := time.Now().AddDate(0, 0, -age)
			require.NoError(t, os.Chtimes(old, when, when))
		}
		live := p.HostPath(`C:\windows\SoftwareDistribution\Download\b2\new.cab`)
		require.NoError(t, os.MkdirAll(filepath.Dir(live), 0o755))
		require.NoError(t, os.WriteFile(live, []byte("new"), 0o644))

		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-3\Download\b2\new.cab`), "this run's backup")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2`), "the one before it")
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the oldest")
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), `removed the old backup C:\windows\SoftwareDistribution.wufix-1: wufix keeps the two newest of a folder`)
		return false
	})
}
