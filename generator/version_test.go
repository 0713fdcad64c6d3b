package generator_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/bundle"
)

// The version mark is replaced wherever it appears in a rendered bundle,
// so the catalog must never write it itself.
func TestVersionMarkIsNotInTheCatalog(t *testing.T) {
	err := fs.WalkDir(wufix.Catalog, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(wufix.Catalog, p)
		assert.False(t, bytes.Contains(data, []byte(bundle.VersionMark)), "%s holds the version mark", p)
		return err
	})
	require.NoError(t, err)
	assert.Len(t, bundle.VersionMark, 16, "the mark has the version's width, so no byte offset moves")
}

var versionLine = regexp.MustCompile(`set "WUFIX_VERSION=([0-9a-f]*)"\r\n`)

// A bundle's version is the SHA-256 over its rendered files (not the
// manifests, which list them) with the version left empty: computed here
// from the definition, independently of how the build gets it.
func TestBundleVersionIsTheDigestWithoutIt(t *testing.T) {
	out := buildAll(t)
	for _, target := range out.Targets {
		files := map[string][]byte{}
		for name, data := range out.Files {
			if rest, ok := strings.CutPrefix(name, target+"/"); ok && rest != bundle.ManifestName && rest != bundle.SumsName {
				files[rest] = data
			}
		}
		m := versionLine.FindSubmatch(files["run.cmd"])
		require.NotNil(t, m, "%s/run.cmd sets no WUFIX_VERSION", target)
		files["run.cmd"] = versionLine.ReplaceAll(files["run.cmd"], []byte("set \"WUFIX_VERSION=\"\r\n"))
		// task.xml (UTF-16LE) names the local copy's folder, version included.
		if xml, ok := files["task.xml"]; ok {
			wide := make([]byte, 0, 2*len(m[1]))
			for _, c := range m[1] {
				wide = append(wide, c, 0)
			}
			require.Equal(t, 2, bytes.Count(xml, wide), "%s/task.xml: the folder in Arguments and WorkingDirectory", target)
			files["task.xml"] = bytes.ReplaceAll(xml, wide, nil)
		}
		h := sha256.New()
		for _, name := range slices.Sorted(maps.Keys(files)) {
			fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
			h.Write(files[name])
		}
		assert.Equal(t, hex.EncodeToString(h.Sum(nil))[:16], string(m[1]), target)
	}
}

// A bundle built with payloads takes their names and sizes into its
// version: a stick rebuilt with other packages is a new version, which
// Group Policy runs again and which gets a protected copy of its own. The
// same packages give the same version, and a bundle without any keeps the
// version it had before payloads counted.
func TestPayloadsCountInTheVersion(t *testing.T) {
	version := func(files map[string]string) string {
		t.Helper()
		opts := generator.Options{Targets: []string{"win7"}}
		if files != nil {
			opts.Payload = t.TempDir()
			for name, data := range files {
				require.NoError(t, os.WriteFile(filepath.Join(opts.Payload, name), []byte(data), 0o644))
			}
		}
		out, err := generator.Build(wufix.Catalog, opts)
		require.NoError(t, err)
		m := versionLine.FindSubmatch(out.Files["win7/run.cmd"])
		require.NotNil(t, m)
		return string(m[1])
	}
	const a, b = "windows6.1-kb2533552-x64.msu", "windows6.1-kb3020369-x64.msu"
	none := version(nil)
	one := version(map[string]string{a: "MSCF one"})
	assert.NotEqual(t, none, one, "a package counts in")
	assert.Equal(t, one, version(map[string]string{a: "MSCF one"}), "the same package, the same version")
	assert.Equal(t, one, version(map[string]string{a: "MSCF two"}), "contents of the same size are hashed as they are copied, not here")
	assert.NotEqual(t, one, version(map[string]string{a: "MSCF three"}), "another size")
	assert.NotEqual(t, one, version(map[string]string{a: "MSCF one", b: "MSCF"}), "another package")
	assert.NotEqual(t, one, version(map[string]string{b: "MSCF one"}), "another name")
	assert.Equal(t, none, version(map[string]string{"windows6.0-kb2533552-x64.msu": "MSCF"}), "a package for another Windows")
}
