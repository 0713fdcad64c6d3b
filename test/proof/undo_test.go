package proof

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// /undo passes over runs that changed nothing: after a repair, a run that
// found nothing to repair (as every later /auto, Intune or Group Policy
// run may) leaves an empty state file, and the undo that follows must
// undo the repair, not that empty run.
func TestUndoPassesOverRunsThatChangedNothing(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		seedEvents(t, p)
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		require.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))

		r = p.Run(dir, "run.cmd", "/auto")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		require.Contains(t, r.Stdout, "nothing to repair")
		require.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win10-0002.state`), "the empty run has a state file of its own")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "undoing run win10-0001")
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the repair's backup is back in place")
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution\Download\a1\update.cab`))

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "nothing to undo: every run of this bundle here is undone already, or changed nothing")
		return false
	})
}

// A run cut off before its end (a power cut) leaves what it changed only
// for its own sake: on XP, the setup source pointed at a stick. The next
// run puts that back from the cut-off run's state file, and only that;
// a run that ended (its report is there) is left alone.
func TestNextRunPutsBackWhatACutOffRunChangedForItself(t *testing.T) {
	t.Parallel()
	const key = `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		regAdd(t, p, key, "SourcePath", `Z:\stick\i386`)
		seedFile(t, p, `C:\windows\Logs\wufix\xp-0001.state`,
			`00002|system-files-sfc-xp|regentry|`+key+`|SourcePath*REG_SZ*C:\original\i386`,
			`00001|component-reset|rename|C:\windows\SoftwareDistribution|SoftwareDistribution.wufix-9`)
		seedFile(t, p, `C:\windows\Logs\wufix\xp-0001.log`, "cut off")

		r := p.Run(dir, "run.cmd", "0x80070103")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "run xp-0001 ended without a report (cut off?): putting back what it changed only for the run")
		_, data, err := p.Query(key, "SourcePath")
		require.NoError(t, err)
		assert.Equal(t, `C:\original\i386`, data, "the setup source is Windows' own again")
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution`), "the rest of the cut-off run is left for /undo")

		// The next run finds a report for run 2: nothing to put back.
		regAdd(t, p, key, "SourcePath", `Z:\stick\i386`)
		r = p.Run(dir, "run.cmd", "0x80070103")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "ended without a report")
		_, data, err = p.Query(key, "SourcePath")
		require.NoError(t, err)
		assert.Equal(t, `Z:\stick\i386`, data)
		return false
	})
}

// An undo that failed half-way (a folder could not be put back) is run
// again for the rest: what it put back the first time is passed over, not
// failed on as a backup that is gone.
func TestAnUndoThatFailedHalfWayFinishesWhenRunAgain(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		catroot := p.HostPath(`C:\windows\system32\catroot2.wufix-1`)
		require.DirExists(t, catroot)
		aside := p.HostPath(`C:\catroot2.away`)
		require.NoError(t, os.Rename(catroot, aside))

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 1, r.Code, "catroot2's backup is missing\n%s", r.Stdout)
		require.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution\Download\a1`), "SoftwareDistribution is back")

		require.NoError(t, os.Rename(aside, catroot))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "undoing run win7-0001")
		assert.Contains(t, r.Stdout, "was put back by an earlier undo")
		assert.FileExists(t, p.HostPath(`C:\windows\system32\catroot2\edb.log`))
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undone`))
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undoing`))
		return false
	})
}
