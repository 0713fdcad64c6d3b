package generator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/plan"
)

// TestANewTargetIsOneFile proves that versions are data: a copy of win11
// with its own id, name and a build range of its own builds from one new
// YAML file, gets the same plans and steps as win11 (it has the same
// facts), changes no byte of any other bundle, and changes nothing else
// but the files that list every bundle (wufix.cmd, gpo/, intune/, the
// top-level manifest.json and SHA256SUMS).
func TestANewTargetIsOneFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, wufix.Catalog))
	before, err := generator.Build(os.DirFS(dir), generator.Options{})
	require.NoError(t, err)

	src, err := os.ReadFile(filepath.Join(dir, "targets", "win11.yaml"))
	require.NoError(t, err)
	ltsc := string(src)
	for old, new := range map[string]string{
		"id: win11\n":                      "id: win11-ltsc\n",
		"name: Windows 11\n":               "name: Windows 11 LTSC (test copy)\n",
		"builds: {min: 22000, max: 29999}": "builds: {min: 30000, max: 39999}",
		"  - {name: Windows 11 Enterprise LTSC 2024, builds: {min: 26100, max: 26100}}\n": "",
	} {
		require.Contains(t, ltsc, old, "test setup: win11.yaml changed shape")
		ltsc = strings.Replace(ltsc, old, new, 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "targets", "win11-ltsc.yaml"), []byte(ltsc), 0o644))

	after, err := generator.Build(os.DirFS(dir), generator.Options{})
	require.NoError(t, err, "a new target file builds with no other change")
	assert.Contains(t, after.Targets, "win11-ltsc")

	c, err := generator.Load(os.DirFS(dir))
	require.NoError(t, err)
	shape := func(id string) (plans, steps []string, notes string) {
		for _, tg := range c.Targets {
			if tg.ID.Value != id {
				continue
			}
			b, err := plan.For(c, tg, plan.Options{})
			require.NoError(t, err)
			for _, p := range b.Plans {
				plans = append(plans, p.Plan.ID.Value)
			}
			for _, s := range b.Steps {
				steps = append(steps, s.Step.ID.Value)
			}
			notes = strings.Join(plan.Notes(c, b, plan.Options{}), "\n")
			notes = strings.ReplaceAll(notes, id+": ", "")
			return plans, steps, strings.ReplaceAll(notes, tg.Name, "NAME")
		}
		t.Fatalf("no target %s", id)
		return nil, nil, ""
	}
	wantPlans, wantSteps, wantNotes := shape("win11")
	gotPlans, gotSteps, gotNotes := shape("win11-ltsc")
	assert.Equal(t, wantPlans, gotPlans)
	assert.Equal(t, wantSteps, gotSteps)
	assert.Equal(t, wantNotes, gotNotes)
	require.NotEmpty(t, wantSteps)

	var changed []string
	for _, name := range union(before.Files, after.Files) {
		if strings.HasPrefix(name, "win11-ltsc/") {
			continue
		}
		if !bytes.Equal(before.Files[name], after.Files[name]) {
			changed = append(changed, name)
		}
	}
	t.Logf("changed besides win11-ltsc/: %s", strings.Join(changed, ", "))
	for _, name := range changed {
		assert.True(t, dispatcher(name), "%s changed, but only the new folder and the dispatcher's files may", name)
	}
	assert.Contains(t, changed, "wufix.cmd", "wufix.cmd learns the new target")
	assert.NotEmpty(t, after.Files["win11-ltsc/run.cmd"])
}

// dispatcher reports whether a build file lists every bundle, so that a
// new target changes it: the files beside the target folders.
func dispatcher(name string) bool {
	top, _, nested := strings.Cut(name, "/")
	if !nested {
		return slices.Contains([]string{"wufix.cmd", "manifest.json", "SHA256SUMS", "INDEX.txt", "INDEX.ru.txt"}, top)
	}
	return slices.Contains([]string{"gpo", "intune"}, top)
}

func union(a, b map[string][]byte) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
