package generator_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// The standalone installers are run in the order an administrator runs
// them: the service pack before the .msu updates (every one of which needs
// it), the updates before Internet Explorer (IE11's prerequisites are .msu
// files), each with the switches Microsoft's deployment guides give. Only
// the targets whose facts say such installers exist get the steps, and
// nowhere else does a bundle run them.
func TestServicePackAndInternetExplorerOrder(t *testing.T) {
	c := loadAll(t)
	out, err := generator.Build(wufix.Catalog, generator.Options{})
	require.NoError(t, err)
	for _, tg := range c.Targets {
		id := tg.ID.Value
		steps := planSteps(lines(t, out, id+"/run.cmd"), ":plan_windows_update")
		require.Contains(t, steps, "clock-check", "%s: the plan's steps are read", id)
		sp, ie := slices.Index(steps, "offline-install-sp"), slices.Index(steps, "offline-install-ie")
		updates := max(slices.Index(steps, "offline-install-msu"), slices.Index(steps, "offline-install-xp"))
		text := strings.Join(lines(t, out, id+"/run.cmd"), "\n")
		if tg.HasFeature("service-pack-exe") {
			require.True(t, sp >= 0 && updates >= 0, "%s: %v", id, steps)
			assert.Less(t, sp, updates, "%s: the service pack before the other updates", id)
			assert.Contains(t, text, "\n\"%PKG%\" /quiet /norestart\n", id)
		} else {
			assert.Equal(t, -1, sp, id)
		}
		if !tg.HasFeature("ie-installer-exe") {
			assert.Equal(t, -1, ie, id)
			continue
		}
		require.True(t, ie >= 0 && updates >= 0, "%s: %v", id, steps)
		assert.Less(t, updates, ie, "%s: Internet Explorer after its prerequisites", id)
		assert.Contains(t, text, "\n\"%PKG%\" /quiet /norestart /update-no\n", id)
		assert.Contains(t, text, "if defined SP_PENDING goto offline_install_ie_wait", id)
	}
}

// planSteps lists the step ids a plan's section runs, in order.
func planSteps(text []string, label string) []string {
	var out []string
	in := false
	for _, l := range text {
		switch {
		case l == label:
			in = true
		case in && l == "goto :eof":
			return out
		case in && strings.HasPrefix(l, "call :run_step "):
			out = append(out, strings.Fields(l)[2])
		}
	}
	return out
}
