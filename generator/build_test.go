package generator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
)

// buildAll builds every bundle of the embedded catalog.
func buildAll(t *testing.T) *generator.Output {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, generator.Options{})
	require.NoError(t, err)
	return out
}

// loadAll loads the embedded catalog, which the tests take their
// expectations from.
func loadAll(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := generator.Load(wufix.Catalog)
	require.NoError(t, err)
	return c
}

func TestBuildIsDeterministic(t *testing.T) {
	a := buildAll(t)
	b := buildAll(t)
	require.Equal(t, len(a.Files), len(b.Files))
	for name, data := range a.Files {
		assert.Equal(t, data, b.Files[name], name)
	}
}

func TestCheckOfFreshBuildIsClean(t *testing.T) {
	out := buildAll(t)
	dir := t.TempDir()
	require.NoError(t, out.Write(dir))
	diffs, err := out.Check(dir)
	require.NoError(t, err)
	assert.Empty(t, diffs)
	// Writing the same build again is a fixed point.
	require.NoError(t, out.Write(dir))
	diffs, err = out.Check(dir)
	require.NoError(t, err)
	assert.Empty(t, diffs)
}

// BenchmarkBuildAll is the whole pipeline for every target, in memory:
// load and validate the catalog, plan, render, encode, manifest, sums.
func BenchmarkBuildAll(b *testing.B) {
	for b.Loop() {
		if _, err := generator.Build(wufix.Catalog, generator.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCatalog is the part of a build spent reading the catalog,
// the baseline the build's figure is compared with.
func BenchmarkLoadCatalog(b *testing.B) {
	for b.Loop() {
		if _, err := generator.Load(wufix.Catalog); err != nil {
			b.Fatal(err)
		}
	}
}
