package generator

import (
	"fmt"
	"strings"

	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/deploy"
)

// sealAll is the seal stage of Build: every bundle's manifests, then the
// top-level ones over the bundles' SHA256SUMS.
func (o *Output) sealAll() error {
	for _, t := range o.Targets {
		if err := o.sealBundle(t, nil); err != nil {
			return err
		}
	}
	if err := deploy.Seal(o.Files, o.Targets); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	o.Top = deploy.TopEntries(o.Files, o.Targets)
	return nil
}

// seal rewrites the manifests of the bundles that hold payloads, whose
// digests only the copy (or Check) learns, then the top-level ones.
func (o *Output) seal(entries map[string][]bundle.Entry) error {
	for _, t := range o.Targets {
		if len(entries[t]) == 0 {
			continue
		}
		if err := o.sealBundle(t, entries[t]); err != nil {
			return err
		}
	}
	return deploy.Seal(o.Files, o.Targets)
}

// sealBundle (re)writes one bundle's manifest.json and SHA256SUMS in the
// registry, over its files there and the payloads kept on disk.
func (o *Output) sealBundle(t string, onDisk []bundle.Entry) error {
	files := bundle.Files{}
	prefix := t + "/"
	for name, data := range o.Files {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			files[rest] = data
		}
	}
	if err := bundle.Seal(o.bundles[t], files, onDisk); err != nil {
		return err
	}
	for _, name := range []string{bundle.ManifestName, bundle.SumsName} {
		o.Files[prefix+name] = files[name]
	}
	return nil
}
