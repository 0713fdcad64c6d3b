package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPruneCmd(t *testing.T) {
	libs := []string{
		":used\ncall :helper\ngoto :eof\n\n:helper\nexit /b 0",
		":unused\ncall :only_for_unused\ngoto :eof\n\n:only_for_unused\nexit /b 0\n\n:handler\nexit /b 0",
		":falls\nset \"X=1\"\n\n:entered\nexit /b 0\n\n:MixedCase\ngoto :eof",
	}
	script := "@echo off\ncall :used\nset \"H=handler\"\ncall :mixedcase\nexit /b 0\n\nrem Shared routines\n\n" +
		strings.Join(libs, "\n\n") + "\n\n:main_tail\nexit /b 0\n"

	got := prune(script, libs)

	want := "@echo off\ncall :used\nset \"H=handler\"\ncall :mixedcase\nexit /b 0\n\nrem Shared routines\n\n" +
		":used\ncall :helper\ngoto :eof\n\n:helper\nexit /b 0\n\n" +
		":handler\nexit /b 0\n\n" +
		// :falls is named by nothing and goes; :entered, which the code
		// before it runs on into, stays: doubt keeps a routine.
		":entered\nexit /b 0\n\n:MixedCase\ngoto :eof" +
		"\n\n:main_tail\nexit /b 0\n"
	assert.Equal(t, want, got)
}

func TestPruneCmdLastRoutine(t *testing.T) {
	libs := []string{":kept\ngoto :eof\n\n:gone\ngoto :eof"}
	script := "call :kept\nexit /b\n\n" + libs[0] + "\nrem end\n"
	assert.Equal(t, "call :kept\nexit /b\n\n:kept\ngoto :eof\nrem end\n", prune(script, libs))
}
