package bundle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
)

// One set of template clones renders target after target, each time
// bound to the target at hand: every bundle must come out as it does from
// clones made for it alone (a clone still bound to the previous target
// would print its tools, features and labels).
func TestSharedClonesRenderLikeFreshOnes(t *testing.T) {
	c, err := catalog.Load(wufix.Catalog, render.Placeholders())
	require.NoError(t, err)
	shared := render.NewClones()
	for _, tg := range c.Targets {
		b, err := plan.For(c, tg, plan.Options{})
		require.NoError(t, err)
		got, err := bundle.Build(shared, c, b)
		require.NoError(t, err)
		want, err := bundle.Build(nil, c, b)
		require.NoError(t, err)
		require.Equal(t, len(want), len(got), tg.ID.Value)
		for name, data := range want {
			assert.Equal(t, string(data), string(got[name]), "%s/%s", tg.ID.Value, name)
		}
	}
}
