package main

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/plan"
)

// TestStepsNamesWhatATargetDoesNotGet: the build note names the step,
// the condition the target fails and the step that serves instead.
func TestStepsNamesWhatATargetDoesNotGet(t *testing.T) {
	code, out, errOut := runCLI("steps", "--target", "win7")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "note: win7: no system-files-dism (needs tool dism-restorehealth, which Windows 7 / Server 2008 R2 lacks): system-files-surt serves instead\n")
	assert.Contains(t, out, "note: win7: no driver-updates-exclude (needs NT >=10.0, and Windows 7 / Server 2008 R2 is NT 6.1)\n")
	assert.NotContains(t, out, "note: win7: no component-reset")

	code, out, errOut = runCLI("targets")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "  features: backup-libraries hide-update-control-panel ie-installer-exe service-pack-exe update-readiness-tool wimmount windows10-upgrade-offer windowsupdate-log wow64 wu-dll-selfreg\n")

	code, out, errOut = runCLI("build", "--out", t.TempDir(), "--target", "xp")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "note: xp: no plan backup (needs feature backup-libraries, which Windows XP SP3 lacks)\n")
	assert.Contains(t, out, "note: xp: no proxy-reset-winhttp (needs tool netsh-winhttp, which Windows XP SP3 lacks): proxy-reset-proxycfg serves instead\n")

	// With one plan chosen, the notes are about that plan's steps, and a
	// target the plan is not for is named with the reason.
	code, out, errOut = runCLI("build", "--out", t.TempDir(), "--target", "xp", "--target", "win7", "--error", "0x81000037")
	require.Equal(t, 0, code, errOut)
	lines := strings.SplitAfter(out, "\n")
	assert.True(t, strings.HasSuffix(lines[0], ": win7\n"), lines[0])
	assert.Equal(t, "note: xp: no plan backup (needs feature backup-libraries, which Windows XP SP3 lacks)\n"+
		"note: xp: no backup-reparse-points (needs feature backup-libraries, which Windows XP SP3 lacks)\n"+
		"note: xp: no backup-restore-folders (needs feature backup-libraries, which Windows XP SP3 lacks)\n",
		strings.Join(lines[1:], ""))
}

// TestNotesCoverEveryStep: on every target of the catalog, each step is
// either in the bundle or named by exactly one note, never both.
func TestNotesCoverEveryStep(t *testing.T) {
	cat, err := generator.Load(wufix.Catalog)
	require.NoError(t, err)
	noted := regexp.MustCompile(`^[a-z0-9-]+: no ([a-z0-9-]+) \(`)
	for _, tg := range cat.Targets {
		b, err := plan.For(cat, tg, plan.Options{})
		require.NoError(t, err)
		var have []string
		for _, s := range b.Steps {
			have = append(have, s.Step.ID.Value)
		}
		for _, note := range plan.Notes(cat, b, plan.Options{}) {
			if strings.Contains(note, ": no plan ") {
				continue
			}
			m := noted.FindStringSubmatch(note)
			require.NotNil(t, m, note)
			assert.NotContains(t, have, m[1], "%s: a step both in the bundle and noted", tg.ID.Value)
			have = append(have, m[1])
		}
		slices.Sort(have)
		assert.Equal(t, slices.Sorted(maps.Keys(cat.Steps)), have, tg.ID.Value)
	}
}

// TestOptionalStepWithoutItsToolIsLeftOutWithANote: a target that lacks a
// tool an optional step requires builds without the step, and says why.
func TestOptionalStepWithoutItsToolIsLeftOutWithANote(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, wufix.Catalog))
	p := filepath.Join(dir, "targets", "win10.yaml")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	edited := regexp.MustCompile(`(?m)^  takeown: .*\n`).ReplaceAll(data, nil)
	require.NotEqual(t, data, edited, "test setup: win10.yaml lists no takeown")
	require.NoError(t, os.WriteFile(p, edited, 0o644))

	code, out, errOut := runCLI("--catalog", dir, "build", "--out", t.TempDir(), "--target", "win10")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "note: win10: no spupdsvc-rename (needs tool takeown, which Windows 10 lacks)\n")
}
