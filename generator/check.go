package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/compare"
	"github.com/wufix/wufix/generator/deploy"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/generator/verify"
)

// Check compares the build with what dir holds for the same targets and
// top-level entries. Payloads are compared by digest: their sources are
// hashed (read once), never loaded.
func (o *Output) Check(dir string) ([]compare.Difference, error) {
	diffs, err := o.check(dir)
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, leftovers(dir)...)
	slices.SortFunc(diffs, func(a, b compare.Difference) int { return strings.Compare(a.Path, b.Path) })
	return diffs, nil
}

// leftovers are the staging folders builds left in dir, each one
// difference, as verify reports them: a fresh build would not leave them.
func leftovers(dir string) []compare.Difference {
	entries, _ := os.ReadDir(dir)
	var out []compare.Difference
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), verify.StagingPrefix) {
			out = append(out, compare.Difference{Path: e.Name(), Kind: "extra", Detail: verify.StagingDetail})
		}
	}
	return out
}

// check compares the build's own entries.
func (o *Output) check(dir string) ([]compare.Difference, error) {
	if len(o.Payloads) == 0 {
		return compare.Dir(o.Files, dir, o.checked())
	}
	if o.sign != nil {
		return nil, errors.New("check: a signed .cab payload cannot be predicted without signing it; check a signed build with wufix verify")
	}
	entries, err := payload.Digests(o.Payloads)
	if err != nil {
		return nil, err
	}
	if err := o.seal(entries); err != nil {
		return nil, err
	}
	diffs, err := compare.Dir(o.Files, dir, o.checked())
	if err != nil {
		return nil, err
	}
	want := map[string]bundle.Entry{}
	for t, list := range entries {
		for _, e := range list {
			want[t+"/"+e.Path] = e
		}
	}
	diffs = slices.DeleteFunc(diffs, func(d compare.Difference) bool { _, ok := want[d.Path]; return ok && d.Kind == "extra" })
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if d := checkPayload(dir, name, want[name]); d != nil {
			diffs = append(diffs, *d)
		}
	}
	slices.SortFunc(diffs, func(a, b compare.Difference) int { return strings.Compare(a.Path, b.Path) })
	return diffs, nil
}

// checkPayload compares one payload file on disk with its digest.
func checkPayload(dir, name string, e bundle.Entry) *compare.Difference {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return &compare.Difference{Path: name, Kind: "missing"}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return &compare.Difference{Path: name, Kind: "changed", Detail: err.Error()}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return &compare.Difference{Path: name, Kind: "changed", Detail: "sha256 " + got + ", the payload's is " + e.SHA256}
	}
	return nil
}

// checked are the entries Check looks at: this build's, and the top-level
// names a build owns, so a stale one shows as extra.
func (o *Output) checked() []string {
	names := o.Entries()
	for _, name := range deploy.Owned {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}
