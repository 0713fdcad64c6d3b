package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
)

// Write puts the build under dir, one folder per target and the top-level
// files beside them, so that dir never holds half a build: payloads are
// copied first (hashed on the way) and the manifests sealed over them,
// everything is written in full to a staging folder beside the old files,
// and only when all is written is each entry swapped in for the old one.
// Folders of targets not in this build are left alone; top-level entries
// an earlier build wrote and this one does not (an intune folder) are
// removed, so the entry points always match the bundles.
func (o *Output) Write(dir string) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	stage, err := os.MkdirTemp(dir, ".wufix-staging-")
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	defer func() {
		if rmErr := os.RemoveAll(stage); err == nil && rmErr != nil {
			err = fmt.Errorf("write: %w", rmErr)
		}
	}()
	if err := o.stagePayloads(stage); err != nil {
		return err
	}
	for name, data := range o.Files {
		p := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for _, name := range o.Entries() {
		if err := swap(filepath.Join(stage, name), filepath.Join(dir, name), stage); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for _, name := range deploy.Owned {
		if slices.Contains(o.Top, name) {
			continue
		}
		if err := retire(filepath.Join(dir, name), stage); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}

// stagePayloads copies the payloads into the staging folder and seals
// each bundle, and then the top level, over them.
func (o *Output) stagePayloads(stage string) error {
	if len(o.Payloads) == 0 {
		return nil
	}
	opt := payload.StageOptions{Progress: o.Progress}
	if o.sign != nil {
		opt.Sign = o.sign.Cab
	}
	entries, err := payload.Stage(o.Payloads, stage, opt)
	if err != nil {
		return err
	}
	return o.seal(entries)
}

// seal rewrites the manifests of the bundles that hold payloads, then the
// top-level ones.
func (o *Output) seal(entries map[string][]bundle.Entry) error {
	for _, t := range o.Targets {
		if len(entries[t]) == 0 {
			continue
		}
		files := bundle.Files{}
		prefix := t + "/"
		for name, data := range o.Files {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				files[rest] = data
			}
		}
		if err := bundle.Seal(o.bundles[t], files, entries[t]); err != nil {
			return err
		}
		for name, data := range files.Prefixed(t) {
			o.Files[name] = data
		}
	}
	return deploy.Seal(o.Files, o.Targets)
}

// swap replaces dst with the staged src; the old dst is moved into the
// staging folder, which is removed afterwards.
func swap(src, dst, stage string) error {
	if err := retire(dst, stage); err != nil {
		return err
	}
	return os.Rename(src, dst)
}

// retire moves dst, when it exists, into the staging folder.
func retire(dst, stage string) error {
	if _, err := os.Lstat(dst); err != nil {
		return nil
	}
	return os.Rename(dst, filepath.Join(stage, ".old-"+filepath.Base(dst)))
}

// Check compares the build with what dir holds for the same targets and
// top-level entries. Payloads are compared by digest: their sources are
// hashed (read once), never loaded.
func (o *Output) Check(dir string) ([]compare.Difference, error) {
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
