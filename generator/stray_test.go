package generator_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every install step of every bundle leaves out an AppleDouble ._NAME file
// before it runs anything, whatever the extension: the check sits in the
// routine that picks each package, right after the extension test.
func TestInstallStepsNeverRunAppleDoubleFiles(t *testing.T) {
	out := buildAll(t)
	seen := 0
	for _, id := range out.Targets {
		text := lines(t, out, id+"/run.cmd")
		for i, line := range text {
			if !strings.HasPrefix(line, `if /i not "%PKG_NAME:~-4%"==".`) {
				continue
			}
			seen++
			rest := []string{}
			for _, l := range text[i+1:] {
				if !strings.HasPrefix(l, "rem ") {
					rest = append(rest, l)
					break
				}
			}
			require.NotEmpty(t, rest, "%s/run.cmd:%d", id, i+1)
			assert.Equal(t, `if "%PKG_NAME:~0,2%"=="._" exit /b 1`, rest[0], "%s/run.cmd:%d", id, i+1)
		}
	}
	assert.Greater(t, seen, 10, "the install steps' pick routines are found")
}

// The integrity check stops a run only for an unlisted file an install
// step would run, and names every other one; a bundle without certutil
// (XP) has no check at all.
func TestIntegrityCheckRefusesOnlyWhatWouldRun(t *testing.T) {
	out := buildAll(t)
	for _, id := range out.Targets {
		script := strings.Join(lines(t, out, id+"/run.cmd"), "\n")
		if !strings.Contains(script, ":check_integrity_stray\n") {
			assert.NotContains(t, script, "certutil.exe\" -hashfile", id)
			continue
		}
		stray := script[strings.Index(script, ":check_integrity_stray\n"):]
		stray = stray[:strings.Index(stray, "\n:check_integrity_say\n")]
		var refused []string
		for _, line := range strings.Split(stray, "\n") {
			if strings.HasSuffix(line, "goto check_integrity_stray_bad") {
				refused = append(refused, line)
			}
		}
		assert.Equal(t, []string{
			`if /i "%PKG_EXT%"==".msu" goto check_integrity_stray_bad`,
			`if /i "%PKG_EXT%"==".cab" goto check_integrity_stray_bad`,
			`if /i "%PKG_EXT%"==".exe" goto check_integrity_stray_bad`,
		}, refused, id)
		assert.Less(t, strings.Index(stray, `if "%PKG_NAME:~0,2%"=="._" goto check_integrity_stray_kept`),
			strings.Index(stray, `".msu" goto check_integrity_stray_bad`), "%s: ._NAME is let through before the extensions are looked at", id)
	}
}
