package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// XP and 2003 cannot hash: the copy that is there is compared with the
// bundle byte for byte (fc /b, the recording stub here: Wine's fc finds
// no difference), and run as it is when it matches.
func TestRunOffTheSystemDriveOnXPRunsAMatchingCopyAsItIs(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 2600, "WinNT", "xp")
		p.InstallStub("fc")
		p.InstallStub("ping") // fc is asked again after a pause
		dir, version := offDrive(t, "xp")
		local := p.HostPath(`C:\windows\wufix\xp-` + version)
		r := p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "is there already")

		runCmd := filepath.Join(local, "run.cmd")
		long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		require.NoError(t, os.Chtimes(runCmd, long, long))
		calls := len(p.StubCalls())
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Contains(t, r.Stdout, "is there already and matches: the run continues from it")
		info, err := os.Stat(runCmd)
		require.NoError(t, err)
		assert.True(t, info.ModTime().Equal(long), "run.cmd was not written: %v", info.ModTime())
		var compared []string
		for _, c := range p.StubCalls()[calls:] {
			if c.Name == "fc" {
				compared = append(compared, strings.Join(c.Args, " "))
			}
		}
		assert.Contains(t, compared, "/b "+p.WinPath(dir)+`\run.cmd run.cmd`, "the copy against the bundle")

		// fc finds a difference: the copy is made again (and checked, and
		// refused here, as the stub finds every file different).
		p.Setenv("WUFIX_STUB_EXIT_FC", "1")
		readme := filepath.Join(local, "README.txt")
		require.NoError(t, os.WriteFile(readme, []byte("cut sh"), 0o644))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "is there already")
		assert.Contains(t, r.Stderr, "differs from the bundle")
		want, err := os.ReadFile(filepath.Join(dir, "README.txt"))
		require.NoError(t, err)
		got, err := os.ReadFile(readme)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "copied again")
		return false
	})
}
