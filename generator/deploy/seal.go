package deploy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/bundle"
)

// manifest is the top-level manifest.json: which bundles this build holds
// and the top-level files. Each bundle's own SHA256SUMS is listed, so the
// top-level SHA256SUMS vouches for every file of the build through them.
type manifest struct {
	Generated string         `json:"generated"`
	Targets   []string       `json:"targets"`
	Files     []bundle.Entry `json:"files"`
}

// Seal (re)writes the top-level manifest.json and SHA256SUMS of a whole
// build (paths "<target>/<file>" and top-level ones) from the bundles'
// final SHA256SUMS, so it runs after every bundle is sealed.
func Seal(files bundle.Files, targets []string) error {
	delete(files, bundle.ManifestName)
	delete(files, bundle.SumsName)
	top := bundle.Files{}
	for name, data := range files {
		dir, rest, nested := strings.Cut(name, "/")
		if nested && slices.Contains(targets, dir) {
			if rest == bundle.SumsName {
				top[name] = data
			}
			continue
		}
		top[name] = data
	}
	m := manifest{Generated: bundle.Header, Targets: append([]string{}, targets...), Files: bundle.Entries(top)}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	top[bundle.ManifestName] = append(data, '\n')
	files[bundle.ManifestName] = top[bundle.ManifestName]
	files[bundle.SumsName] = bundle.Sums(top)
	return nil
}

// TopEntries are the names directly under the output folder that a build
// with these files owns besides the target folders: files such as
// wufix.cmd and folders such as gpo, sorted.
func TopEntries(files bundle.Files, targets []string) []string {
	var out []string
	for name := range files {
		first, _, _ := strings.Cut(name, "/")
		if !slices.Contains(targets, first) && !slices.Contains(out, first) {
			out = append(out, first)
		}
	}
	slices.Sort(out)
	return out
}

// Owned are the top-level names a build may write: an earlier build's
// entry of one of these names that this build does not write is removed,
// so the folder never mixes two builds' entry points.
var Owned = []string{"wufix.cmd", "INDEX.txt", "INDEX.ru.txt", "gpo", "intune", bundle.ManifestName, bundle.SumsName}
