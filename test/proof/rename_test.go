package proof

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// A run repeated soon after another resets again: what Windows rebuilt
// in between is set aside too, and the backups stay bounded by number
// (TestOnlyTheTwoNewestBackupsAreKept), not by age.
func TestARepeatedRunResetsAgain(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\Download\a1\update.cab`))

		rebuilt := p.HostPath(`C:\windows\SoftwareDistribution\Download\b2\new.cab`)
		require.NoError(t, os.MkdirAll(filepath.Dir(rebuilt), 0o755))
		require.NoError(t, os.WriteFile(rebuilt, []byte("new"), 0o644))
		r = p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoFileExists(t, rebuilt, "the rebuilt cache is set aside")
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2\Download\b2\new.cab`))
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1\Download\a1\update.cab`), "the first run's backup stays")
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0002.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), `renamed C:\windows\SoftwareDistribution to SoftwareDistribution.wufix-2`)

		// With .wufix-1 gone (pruned), the next backup still takes a new
		// number: run 1's /undo must not find this run's backup under its
		// own name.
		require.NoError(t, os.RemoveAll(p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`)))
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\windows\SoftwareDistribution.wufix-7.old`), 0o755))
		require.NoError(t, os.MkdirAll(filepath.Dir(rebuilt), 0o755))
		r = p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-3`), "the number after the highest; a name that is no number does not count")
		return false
	})
}

// Of the backups of a folder, the two newest are kept: the one a run just
// made and the one before it. A run every month for a year would otherwise
// keep twelve copies of SoftwareDistribution. Newest by number, which only
// grows, not by date: .wufix-1 here was made while the clock ran 30 days
// ahead. A name without a plain number is nobody's backup and stays.
func TestOnlyTheTwoNewestBackupsAreKept(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\windows\SoftwareDistribution.wufix-1.copy`), 0o755))
		for i, age := range []int{10, 40} {
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
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1.copy`))
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), `removed the old backup C:\windows\SoftwareDistribution.wufix-1: wufix keeps the two newest of a name`)
		return false
	})
}

// The BITS queue files a reset sets aside are bounded as the folders are:
// the number after the highest, and the two newest backups of each name
// kept. A run every month would otherwise keep every queue it ever saw.
func TestQueueFileBackupsAreBoundedToo(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		queue := `C:\ProgramData\Microsoft\Network\Downloader\`
		require.FileExists(t, p.HostPath(queue+`qmgr0.dat`), "the machine has a BITS queue")
		for _, n := range []string{"1", "3"} {
			seedFile(t, p, queue+`qmgr0.dat.wufix-`+n, "old queue "+n)
		}
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(queue+`qmgr0.dat.wufix-4`), "this run's, after the highest")
		assert.FileExists(t, p.HostPath(queue+`qmgr0.dat.wufix-3`), "the one before it")
		assert.NoFileExists(t, p.HostPath(queue+`qmgr0.dat.wufix-1`), "the oldest")
		assert.NoFileExists(t, p.HostPath(queue+`qmgr0.dat.wufix-2`))
		assert.Contains(t, runLog(p, "win7-0001"), `removed the old backup C:\ProgramData\Microsoft\Network\Downloader\qmgr0.dat.wufix-1: wufix keeps the two newest of a name`)
		return false
	})
}

// Only the BITS queue's file backups are pruned: spupdsvc.exe's, set aside
// in System32 by its own opt-in step, are never deleted.
func TestSpupdsvcBackupsAreNeverPruned(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		for _, name := range []string{"spupdsvc.exe", "spupdsvc.exe.wufix-1", "spupdsvc.exe.wufix-2"} {
			seedFile(t, p, `C:\windows\system32\`+name, "MZ "+name)
		}
		r := p.Run(dir, "run.cmd", "/with:spupdsvc-rename", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\system32\spupdsvc.exe.wufix-3`), "this run's backup\n%s", runLog(p, "win10-0001"))
		assert.FileExists(t, p.HostPath(`C:\windows\system32\spupdsvc.exe.wufix-1`), "never deleted")
		return false
	})
}
