package proof

import (
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
