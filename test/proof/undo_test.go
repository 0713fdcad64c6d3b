package proof

import (
	"os"
	"strings"
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

// An undo that failed half-way (here the Winsock catalog's export could
// not be read) is run again for the rest: what it put back the first time
// is passed over, not failed on as a backup that is gone.
func TestAnUndoThatFailedHalfWayFinishesWhenRunAgain(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/with:winsock-reset", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		export := p.HostPath(`C:\windows\Logs\wufix\win7-0001-winsock-reset.reg`)
		require.FileExists(t, export)
		aside := p.HostPath(`C:\winsock.away`)
		require.NoError(t, os.Rename(export, aside))

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 1, r.Code, "the export is missing\n%s", r.Stdout)
		require.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution\Download\a1\update.cab`), "the component reset is undone")

		require.NoError(t, os.Rename(aside, export))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "undoing run win7-0001")
		assert.Contains(t, r.Stdout, "was put back already")
		assert.NotContains(t, r.Stdout, "is gone")
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undone`))
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undoing`))
		return false
	})
}

// A backup removed as old (two are kept) will not come back: /undo says
// so, puts back the rest and is done with the run, where it used to fail
// on it at every try and never reach the runs before.
func TestAnUndoPassesOverABackupThatIsGone(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		require.NoError(t, os.RemoveAll(p.HostPath(`C:\windows\system32\catroot2.wufix-1`)))

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, `backup C:\windows\System32\catroot2.wufix-1 is gone (only the two newest backups of a name are kept)`)
		assert.FileExists(t, p.HostPath(`C:\windows\SoftwareDistribution\Download\a1\update.cab`), "the rest is put back")
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undone`))
		return false
	})
}

// A Group Policy startup of a version that finished here still puts back
// what a cut-off run before it paused (a technician's run, say, stopped by
// a power cut), in a log of its own; the startup after it leaves nothing.
func TestAGroupPolicyStartupOfAFinishedVersionPutsBackACutOffRun(t *testing.T) {
	t.Parallel()
	const key = `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		version := strings.TrimPrefix(stageDir(t, dir, "xp"), `C:\windows\wufix\xp-`)
		regAdd(t, p, `HKLM\SOFTWARE\wufix`, "xp", version)
		regAdd(t, p, key, "SourcePath", `Z:\stick\i386`)
		seedFile(t, p, `C:\windows\Logs\wufix\xp-0001.state`, `00001|system-files-sfc-xp|regentry|`+key+`|SourcePath*REG_SZ*C:\original\i386`)
		seedFile(t, p, `C:\windows\Logs\wufix\xp-0001.log`, "cut off")

		// A restart pending (software that queues one at every start) does
		// not hold this back: it only puts back.
		seedFile(t, p, `C:\windows\WinSxS\pending.xml`, "<PendingTransaction/>")
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		_, data, err := p.Query(key, "SourcePath")
		require.NoError(t, err)
		assert.Equal(t, `C:\original\i386`, data)
		log := runLog(p, "xp-0002")
		assert.Contains(t, log, "run xp-0001 ended without a report (cut off?)")
		assert.Contains(t, log, "this bundle version already ran here")
		rep := readReport(t, p, "xp-0002")
		assert.Equal(t, 0, rep.ExitCode, "the run ends with a report, as any run")

		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\xp-0003.log`))
		return false
	})
}

// A run whose every change its own cleanup put back at its end (on XP, the
// setup source SFC was pointed at) leaves nothing for /undo: the undo that
// follows passes over it and undoes the run before, which reset the
// update components.
func TestUndoPassesOverRunsWhoseCleanupPutEverythingBack(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		for _, arch := range []string{"i386", "amd64"} {
			seedFile(t, p, `C:\wufix\`+arch+`\txtsetup.sif`, "[Version]")
		}
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		require.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))

		r = p.Run(dir, "run.cmd", "0x800F081F")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		state, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\xp-0002.state`))
		require.NoError(t, err)
		require.Contains(t, string(state), "|system-files-sfc-xp|regentry|", "the run pointed SFC at the bundle's source")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "undoing run xp-0001")
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`), "the component reset is undone")
		return false
	})
}

// An undo cut off after it put back every record, but before it marked the
// run undone (a power cut, a service that would not start again), is the
// one a second /undo takes: it passes over what was put back and marks the
// run undone, rather than pass over the whole run for an older one.
func TestAnUndoCutOffAfterItsLastRecordIsFinishedByTheNext(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		state, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.state`))
		require.NoError(t, err)
		var done []string
		for _, line := range strings.Split(strings.TrimSpace(string(state)), "\n") {
			f := strings.Split(strings.TrimSpace(line), "|")
			require.GreaterOrEqual(t, len(f), 2, line)
			done = append(done, f[1]+"|"+f[0])
		}
		seedFile(t, p, `C:\windows\Logs\wufix\win7-0001.undoing`, done...)

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "undoing run win7-0001")
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.undone`))
		return false
	})
}
