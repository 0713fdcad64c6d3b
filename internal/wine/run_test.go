package wine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNotStartedMatchesOnlyWineFailingToStartTheWrapper(t *testing.T) {
	line := `"C:\windows\system32\sc.exe" "start" "wuauserv"`
	// As Wine printed it on a loaded CI machine.
	failed := Result{Code: 9009, Stderr: `Can't recognize 'cmd /c ""C:\windows\system32\sc.exe" "start" "wuauserv""' as an internal or external command, or batch script.` + "\n"}
	assert.True(t, notStarted(failed, line))

	missing := Result{Code: 9009, Stderr: `Can't recognize '"C:\windows\system32\sc.exe" "start" "wuauserv"' as an internal or external command, or batch script.` + "\n"}
	assert.False(t, notStarted(missing, line), "the command itself missing is a result, not a start failure")

	ran := failed
	ran.Stdout = "[SC] StartService FAILED 1056\n"
	assert.False(t, notStarted(ran, line), "output means the command ran")

	other := failed
	other.Code = 1
	assert.False(t, notStarted(other, line))

	more := failed
	more.Stderr += "second line\n"
	assert.False(t, notStarted(more, line))

	assert.False(t, notStarted(failed, `"run.cmd" "/undo"`), "another command line")
}

func TestFlake(t *testing.T) {
	assert.True(t, Flake(Result{Code: -1, Lost: true}), "lost output")
	assert.True(t, Flake(Result{Code: 9009, Stderr: "Can't recognize 'CMD.EXE /C \"\"reg.exe\" query x\"' as an internal or external command, or batch script.\n"}))
	assert.True(t, Flake(Result{Code: 0, Stdout: "Can't recognize 'CMD.EXE /C \"\"C:\\windows\\System32\\wbem\\wmic.exe\" os get LocalDateTime <nul 2>nul\"' as an internal or external command, or batch script.\n"}),
		"Wine's cmd writes it to stdout when the command's stderr went to nul")
	assert.True(t, Flake(Result{Code: 0, Stdout: "finished with exit code 0\n",
		Stderr: "Inconsistency detected by ld.so: dl-fini.c: 87: _dl_fini: Assertion `ns != LM_ID_BASE || i == nloaded' failed!\n"}))
	assert.False(t, Flake(Result{Code: 1, Stdout: "Can't recognize '\"C:\\windows\\wufix\\xp\\packages\\WindowsXP-KB4012598-x86-Custom-ENU.exe\" /quiet /norestart' as an internal or external command, or batch script.\n"}),
		"a stand-in package that is no program, started by the bundle")
	assert.False(t, Flake(Result{Code: 1, Stderr: "run.cmd: unknown switch\n"}))
}

func TestWrapperNotStarted(t *testing.T) {
	// As Wine printed it in CI, for "wine cmd /c wrapper".
	failed := Result{Stdout: "Application could not be started, or no application associated with the specified file.\nShellExecuteEx failed: Internal error.\n\n\n"}
	assert.True(t, wrapperNotStarted(failed))
	ran := failed
	ran.Stdout = "wufix win7: plan windows_update\n" + failed.Stdout
	assert.False(t, wrapperNotStarted(ran), "output of the command means it ran")
	withErr := failed
	withErr.Stderr = "run.cmd: this bundle is damaged\n"
	assert.False(t, wrapperNotStarted(withErr))
}
