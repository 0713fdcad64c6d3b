package proof

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/wine"
)

// Every plan of every bundle, with every aggressive and opt-in step
// switched on, runs to a documented exit code and is undone to the
// registry and the update folders it started from. Under Wine some steps
// fail for want of what Windows has (sc sdshow, a WIMMount key, a CBS.log
// that SFC writes to); a failed step is a result like any other, so the
// run may end with 1, but its report must say so and the undo must still
// put everything back.
func TestEveryPlanAtFullStrengthIsUndone(t *testing.T) {
	out, c := bundles(t)
	for _, id := range out.Targets {
		tg := target(t, id)
		for _, p := range c.Plans {
			b, err := plan.For(c, tg, plan.Options{Plans: []string{p.ID.Value}})
			if err != nil {
				continue // the plan is not for this version
			}
			args := []string{"run.cmd", p.Codes[0].Value, "/aggressive"}
			for _, s := range b.Steps {
				if s.Step.Level == "optin" {
					args = append(args, "/with:"+s.Step.ID.Value)
				}
			}
			t.Run(id+"/"+p.ID.Value, func(t *testing.T) {
				t.Parallel()
				wine.Retry(t, func() bool { return fullStrength(t, id, args) })
			})
		}
	}
}

func fullStrength(t *testing.T, id string, args []string) (flake bool) {
	tg := target(t, id)
	p := machine(t, id)
	dir := install(t, id, p.HostPath(`C:\wufix`))
	firstState := updateState(t, p, tg)
	firstRegistry := registry(t, p)

	r := p.Run(dir, args...)
	if wine.Flake(r) {
		return true
	}
	require.Contains(t, []int{0, 1, 3010}, r.Code, "%v\n%s%s", args, r.Stdout, r.Stderr)
	r.AssertNoErrors(t)
	rep := readReport(t, p, id+"-0001")
	assert.Equal(t, r.Code, rep.ExitCode, "the report and the exit code agree")
	failed := false
	for _, s := range rep.Steps {
		failed = failed || s.Status == "failed"
	}
	assert.Equal(t, r.Code == 1, failed, "exit code 1 exactly when a step failed")

	r = p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) {
		return true
	}
	require.Contains(t, []int{0, 3010}, r.Code, "undo\n%s%s", r.Stdout, r.Stderr)
	r.AssertNoErrors(t)
	after := updateState(t, p, tg)
	for _, name := range keys(firstState) {
		assert.Equal(t, firstState[name], after[name], "restored: %s", name)
	}
	for _, name := range keys(after) {
		if _, ok := firstState[name]; !ok {
			assert.True(t, strings.Contains(name, ".wufix-"), "only backups are new: %s", name)
		}
	}
	sameRegistry(t, firstRegistry, registry(t, p), strings.Join(args[1:], " ")+" then /undo")
	return false
}
