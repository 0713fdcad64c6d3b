//go:build cgo && grammar

package grammar

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenRoot is the committed generator output, one folder per target.
const goldenRoot = "../../golden"

// TestGoldenBundlesParse runs every committed .cmd and .ps1 through the
// grammars, so a template change that breaks a script fails here even though
// no Windows machine runs the tests.
func TestGoldenBundlesParse(t *testing.T) {
	requireGolden(t)
	problems, err := CheckTree(goldenRoot)
	require.NoError(t, err)
	for _, p := range problems {
		t.Error(p)
	}
}

// BenchmarkCheckTreeGolden measures checking all committed bundles, and
// reports the cost per script.
func BenchmarkCheckTreeGolden(b *testing.B) {
	requireGolden(b)
	scripts := 0
	err := filepath.WalkDir(goldenRoot, func(path string, d fs.DirEntry, err error) error {
		if ext := filepath.Ext(path); ext == ".cmd" || ext == ".ps1" {
			scripts++
		}
		return err
	})
	require.NoError(b, err)
	for b.Loop() {
		if _, err := CheckTree(goldenRoot); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*max(scripts, 1)), "µs/script")
}

// requireGolden skips while the generator has not written its goldens yet;
// CI sets WUFIX_REQUIRE_GRAMMAR=1 so that a missing folder fails there.
func requireGolden(tb testing.TB) {
	tb.Helper()
	_, err := os.Stat(goldenRoot)
	if !errors.Is(err, fs.ErrNotExist) {
		return
	}
	if os.Getenv("WUFIX_REQUIRE_GRAMMAR") == "1" {
		tb.Fatalf("%s does not exist and WUFIX_REQUIRE_GRAMMAR=1", goldenRoot)
	}
	tb.Skipf("%s does not exist yet: nothing to check until the generator writes its goldens", goldenRoot)
}

// TestInlinePowerShellParses checks the PowerShell that run.cmd hands to
// powershell.exe -Command "..." (Defender's switch, the owner and ACL
// checks of the protected copy) as a script of its own: it must parse and
// use only what PowerShell 2.0, Windows 7's, has.
func TestInlinePowerShellParses(t *testing.T) {
	requireGolden(t)
	scripts, err := filepath.Glob(filepath.Join(goldenRoot, "*", "run.cmd"))
	require.NoError(t, err)
	inline := regexp.MustCompile(`-Command "([^"]*)"`)
	seen := map[string]bool{}
	for _, script := range scripts {
		src, err := os.ReadFile(script)
		require.NoError(t, err)
		for _, m := range inline.FindAllSubmatch(src, -1) {
			code := string(m[1])
			if seen[code] {
				continue
			}
			seen[code] = true
			for _, p := range CheckPS1(script+" (-Command)", []byte("\ufeff"+code+"\r\n"), "2.0") {
				t.Errorf("%v\n%s", p, code)
			}
		}
	}
	require.NotEmpty(t, seen, "run.cmd hands no PowerShell to powershell.exe any more: this test has nothing to check")
	acl := 0
	for code := range seen {
		if strings.Contains(code, "GetAccessRules(") {
			acl++
		}
	}
	require.Equal(t, 1, acl, "one ACL check of the bundle's folder, the same in every bundle that has it")
}
