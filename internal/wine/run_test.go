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
	assert.False(t, Flake(Result{Code: 1, Stderr: "run.cmd: unknown switch\n"}))
}
