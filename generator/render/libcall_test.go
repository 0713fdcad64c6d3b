package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A call of a label above the calling line goes through the file; one
// below, a dynamic one, a comment and a name that is no label stay.
func TestCallsThroughFile(t *testing.T) {
	script := ":log\n" +
		"exit /b 0\n" +
		"call :log\n" +
		"if errorlevel 1 call :LOG & call :later\n" +
		"for %%F in (a b) do call :log %%F >nul 2>&1\n" +
		"rem call :log\n" +
		"call :log_x\n" +
		"call :do_%~2\n" +
		"call :later\n" +
		":later\n" +
		"call :later\n" +
		"call :log\n"
	want := ":log\n" +
		"exit /b 0\n" +
		"call %WUFIX_LIB% :log\n" +
		"if errorlevel 1 call %WUFIX_LIB% :LOG & call :later\n" +
		"for %%F in (a b) do call %WUFIX_LIB% :log %%F >nul 2>&1\n" +
		"rem call :log\n" +
		"call :log_x\n" +
		"call :do_%~2\n" +
		"call :later\n" +
		":later\n" +
		"call %WUFIX_LIB% :later\n" +
		"call %WUFIX_LIB% :log"
	assert.Equal(t, want+"\n", callsThroughFile(script))
	assert.Equal(t, want, callsThroughFile(script[:len(script)-1]), "no newline at the end")
}

// Reach follows calls (through the file too), gotos, handler variables and
// running on, and stops at the labels it is told to.
func TestReach(t *testing.T) {
	script := "@echo off\r\ngoto main\r\n\r\n:log\r\nrem says MSG\r\necho.%MSG%\r\ngoto :eof\r\n\r\n:journal\r\nexit /b 0\r\n\r\n" +
		":main\r\ncall %WUFIX_LIB% :log\r\ncall :do_%~1\r\n\r\n:do_a\r\nset \"H=undo_a\"\r\n\r\n:undo_a\r\ncall %WUFIX_LIB% :journal\r\nexit /b 0\r\n\r\n:do_b\r\nexit /b 0\r\n"
	names := func(ps []Paragraph) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	assert.Equal(t, []string{"", "log", "main"}, names(Reach(script, []string{""}, []string{"do_a", "do_b"})))
	assert.Equal(t, []string{"", "log", "journal", "main", "do_a", "undo_a", "do_b"}, names(Reach(script, []string{""}, nil)))
	got := Reach(script, []string{"do_a"}, nil)
	assert.Equal(t, []string{"journal", "do_a", "undo_a"}, names(got))
	assert.Equal(t, ":log\necho.%MSG%\ngoto :eof\n", Reach(script, []string{"log"}, nil)[0].Code, "no comment, no blank line")
}

func TestReadsCallArgs(t *testing.T) {
	for line, want := range map[string]bool{
		`echo %0`:                        true,
		`set "HERE=%~dp0"`:               true,
		`cmd /c ""%~f0" %*"`:             true,
		`echo %1 %~2 %~nx3`:              false,
		`set "DIAG_C=%DIAG_D%0x8"`:       false,
		`set /a "N=X %% 10"`:             false,
		`for %%F in (a) do echo %%~nF`:   false,
		`echo 100%% done, %WUFIX_HOME%0`: false,
		`if "%~1"=="" echo %~10`:         false,
	} {
		assert.Equal(t, want, readsCallArgs(line), line)
	}
}

// A routine reached by a call through the file may not read %0 or %*,
// nor may one it jumps to; one reached only by goto may.
func TestCheckFileCalls(t *testing.T) {
	ok := "@echo off\n\n:relaunch\ncmd /d /c \"\"%~f0\" %*\"\nexit /b\n\n:log\necho.%MSG%\ngoto :eof\n\n:main\ncall %WUFIX_LIB% :log\ngoto relaunch\n"
	assert.NoError(t, checkFileCalls(ok))
	bad := ":where\ngoto where_say\n\n:where_say\nset \"HERE=%~dp0\"\ngoto :eof\n\n:main\ncall %WUFIX_LIB% :where\n"
	assert.EqualError(t, checkFileCalls(bad), `run.cmd:5: routine :where_say is called through the file, where %0 and %* are not the caller's: set "HERE=%~dp0"`)
}
