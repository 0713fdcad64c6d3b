//go:build cgo

package grammar

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenRoot is the committed generator output, one folder per target.
const goldenRoot = "../../golden"

// TestGoldenBundlesParse runs every committed .cmd and .ps1 through the
// grammars, so a template change that breaks a script fails here even though
// no Windows machine runs the tests.
func TestGoldenBundlesParse(t *testing.T) {
	if _, err := os.Stat(goldenRoot); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist yet: nothing to check until the generator writes its goldens", goldenRoot)
	}
	problems, err := CheckTree(goldenRoot)
	require.NoError(t, err)
	for _, p := range problems {
		t.Error(p)
	}
}
