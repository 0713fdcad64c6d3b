package generator_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/verify"
)

// goldenDir holds the full bundle of every target, byte for byte.
// `make golden` (WUFIX_UPDATE_GOLDEN=1) rewrites it; read the diff before
// committing it.
const goldenDir = "../golden"

func TestGoldenBundles(t *testing.T) {
	out := buildAll(t)
	if os.Getenv("WUFIX_UPDATE_GOLDEN") == "1" {
		updateGolden(t, out)
	}
	diffs, err := out.Check(goldenDir)
	require.NoError(t, err)
	for _, d := range diffs {
		t.Errorf("golden/%s", d)
	}
	entries, err := os.ReadDir(goldenDir)
	require.NoError(t, err)
	for _, e := range entries {
		if !slices.Contains(out.Entries(), e.Name()) {
			t.Errorf("golden/%s: no target builds this folder any more (make golden removes it)", e.Name())
		}
	}
}

// updateGolden rewrites golden/ from scratch (git holds the old one), so
// the folder is exactly one build: no stale folders, and not the owner
// record a build keeps for the next one, which is no part of the build.
func updateGolden(t *testing.T, out *generator.Output) {
	entries, err := os.ReadDir(goldenDir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.RemoveAll(filepath.Join(goldenDir, e.Name())))
	}
	require.NoError(t, out.Write(goldenDir))
	require.NoError(t, os.Remove(filepath.Join(goldenDir, verify.RecordName)))
}
