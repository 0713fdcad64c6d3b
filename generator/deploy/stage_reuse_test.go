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

		calls := len(p.StubCalls())
		if _, flake := againFromTheCopy(t, p, dir, filepath.Join(local, "run.cmd")); flake {
			return true
		}
		var compared []string
		for _, c := range p.StubCalls()[calls:] {
			if c.Name == "fc" {
				compared = append(compared, strings.Join(c.Args, " "))
			}
		}
		assert.Contains(t, compared, "/b "+p.WinPath(dir)+`\run.cmd run.cmd`, "the copy against the bundle")

		// fc finds a difference: the copy is removed and made again, in a
		// folder of its own, which is removed in turn when it fails the
		// check (refused here, as the stub finds every file different).
		p.Setenv("WUFIX_STUB_EXIT_FC", "1")
		require.NoError(t, os.WriteFile(filepath.Join(local, "README.txt"), []byte("cut sh"), 0o644))
		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "is there already")
		assert.Contains(t, r.Stderr, "differs from the bundle")
		left, err := filepath.Glob(p.HostPath(`C:\windows\wufix\xp-*`))
		require.NoError(t, err)
		assert.Empty(t, left, "no copy is left that failed the check")
		return false
	})
}

// Two runs started from a stick at the same moment (a double click) each
// copy the bundle into a folder of their own (the same %RANDOM% numbers
// included: cmd seeds them from the second it starts in); one names its
// copy, the other continues from that one, and nothing half-made is left.
func TestTwoRunsFromAStickAtOnceShareOneCopy(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, _ := pc(t, 7601, "WinNT", "win7")
		dir, version := offDrive(t, "win7")
		run := p.WinPath(filepath.Join(dir, "run.cmd"))
		script := "@echo off\r\n" +
			`start "" /b cmd /d /c "call C:\t\one.cmd 1"` + "\r\n" +
			`start "" /b cmd /d /c "call C:\t\one.cmd 2"` + "\r\n" +
			"set \"N=0\"\r\n:wait\r\n\"C:\\windows\\system32\\ping.exe\" -n 2 127.0.0.1 >nul\r\n" +
			"set /a \"N+=1\"\r\nif %N% GEQ 120 exit /b 1\r\n" +
			"if not exist C:\\t\\rc1 goto wait\r\nif not exist C:\\t\\rc2 goto wait\r\nexit /b 0\r\n"
		one := "@echo off\r\ncmd /d /c \"\"" + run + "\" /undo\" >C:\\t\\out%1.txt 2>&1\r\n" +
			">C:\\t\\rc%1 echo %ERRORLEVEL%\r\n"
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\t`), 0o755))
		require.NoError(t, os.WriteFile(p.HostPath(`C:\t\both.cmd`), []byte(script), 0o644))
		require.NoError(t, os.WriteFile(p.HostPath(`C:\t\one.cmd`), []byte(one), 0o644))
		r := p.Run(p.HostPath(`C:\t`), "both.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, "both runs ended: "+r.Stdout+r.Stderr)
		reused := 0
		for _, n := range []string{"1", "2"} {
			rc, err := os.ReadFile(p.HostPath(`C:\t\rc` + n))
			require.NoError(t, err)
			out, err := os.ReadFile(p.HostPath(`C:\t\out` + n + ".txt"))
			require.NoError(t, err)
			if strings.Contains(string(out), "Can't recognize '") {
				return true // Wine failed to start a program
			}
			assert.Contains(t, []string{"3", "8"}, strings.TrimSpace(string(rc)), "run %s:\n%s", n, out)
			assert.NotContains(t, string(out), "run.cmd: ", "run %s refused nothing", n)
			if strings.Contains(string(out), "is there already and matches: the run continues from it") {
				reused++
			}
		}
		assert.Equal(t, 1, reused, "one run made the copy, the other continued from it")
		left, err := filepath.Glob(p.HostPath(`C:\windows\wufix\win7-*`))
		require.NoError(t, err)
		require.Len(t, left, 1, "one copy, nothing half-made: %v", left)
		assert.Equal(t, "win7-"+version, filepath.Base(left[0]))
		assert.FileExists(t, filepath.Join(left[0], "run.cmd"))
		return false
	})
}

// againFromTheCopy ages the protected copy's run.cmd, runs /undo from dir
// once more, and checks that the copy was run as it is: said so on the
// console, and not written. It returns that run, or that Wine flaked.
func againFromTheCopy(t *testing.T, p *wine.Prefix, dir, runCmd string) (r wine.Result, flake bool) {
	t.Helper()
	long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(runCmd, long, long))
	r = p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) {
		return r, true
	}
	assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
	r.AssertNoErrors(t)
	assert.Contains(t, r.Stdout, "is there already and matches: the run continues from it")
	info, err := os.Stat(runCmd)
	require.NoError(t, err)
	assert.True(t, info.ModTime().Equal(long), "run.cmd was not written: %v", info.ModTime())
	return r, false
}
