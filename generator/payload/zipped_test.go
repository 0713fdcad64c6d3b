package payload_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/internal/filetree"
)

// wmf is Microsoft's Windows Management Framework 5.1 download for
// Windows 7 and Server 2008 R2 x64, and what it holds.
const (
	wmfZip = "Win7AndW2K8R2-KB3191566-x64.zip"
	wmfMsu = "Win7AndW2K8R2-KB3191566-x64.msu"
	wmfPs1 = "Install-WMF5.1.ps1"
)

// zm is one member of a .zip made by a test. A declared size makes it a
// raw member: data is then its compressed bytes and size what the .zip
// claims it inflates to.
type zm struct {
	name, data string
	store      bool
	encrypted  bool
	declared   uint64
}

// zipBytes makes a .zip of the members, in order.
func zipBytes(t *testing.T, members ...zm) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		if m.store {
			h.Method = zip.Store
		}
		if m.encrypted {
			h.Flags |= 0x1
		}
		if m.declared > 0 {
			h.CompressedSize64, h.UncompressedSize64 = uint64(len(m.data)), m.declared
			fw, err := w.CreateRaw(h)
			require.NoError(t, err)
			_, err = fw.Write([]byte(m.data))
			require.NoError(t, err)
			continue
		}
		fw, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = fw.Write([]byte(m.data))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// deflated is data compressed as a raw zip member's bytes.
func deflated(t *testing.T, data string) string {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = fw.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	return buf.String()
}

func wmf(t *testing.T) string {
	return string(zipBytes(t,
		zm{name: wmfPs1, data: "# checks .NET 4.5, then runs wusa"},
		zm{name: wmfMsu, data: "MSCF" + strings.Repeat("wmf", 1000)},
	))
}

// The .msu in Microsoft's WMF 5.1 .zip lands in the Windows 7 bundle, by
// its own name; the script beside it is left out and named; staging
// inflates it with the digest of the member, and check predicts it.
func TestZipPlacesThePackagesInside(t *testing.T) {
	all := targets(t)
	dir := filetree.Write(t, t.TempDir(), map[string]string{wmfZip: wmf(t), "windows6.1-kb1-x64.msu": "MSCF loose"})
	res, err := payload.Scan(dir, all, all)
	require.NoError(t, err)
	got := map[string]string{}
	for _, f := range res.Files {
		got[f.Rel] = f.Name + " -> " + strings.Join(f.Targets, ",")
	}
	assert.Equal(t, map[string]string{
		wmfZip + "/" + wmfMsu:    wmfMsu + " -> win7",
		"windows6.1-kb1-x64.msu": "windows6.1-kb1-x64.msu -> win7",
	}, got)
	assert.Equal(t, []string{wmfZip + "/" + wmfPs1}, res.Unzipped)

	stage := t.TempDir()
	entries, err := payload.Stage(res.Files, stage, payload.StageOptions{})
	require.NoError(t, err)
	msu := "MSCF" + strings.Repeat("wmf", 1000)
	assert.Equal(t, []string{"packages/" + wmfMsu, "packages/windows6.1-kb1-x64.msu"}, paths(entries["win7"]))
	assert.Equal(t, sum(msu), entries["win7"][0].SHA256)
	data, err := os.ReadFile(filepath.Join(stage, "win7", "packages", wmfMsu))
	require.NoError(t, err)
	assert.Equal(t, msu, string(data))
	assert.NoFileExists(t, filepath.Join(stage, "win7", "packages", wmfPs1))
	d, err := payload.Digests(res.Files)
	require.NoError(t, err)
	assert.Equal(t, entries, d, "check predicts what Stage writes")

	// Only the bundles built get it; the others' zip members are skipped.
	res, err = payload.Scan(dir, all, all[:1])
	require.NoError(t, err)
	assert.Empty(t, res.Files)
	assert.Len(t, res.Skipped, 2)
}

// A .zip is refused, with the reason, for what a loose file is refused
// for, and for what only a .zip can be: damaged, encrypted, leading out,
// empty of packages, or inflating to an absurd size.
func TestZipRefuses(t *testing.T) {
	all := targets(t)
	msu := "MSCF" + strings.Repeat("x", 100)
	bomb := deflated(t, strings.Repeat("\x00", 4<<20))
	cut := wmf(t)
	cases := []struct {
		name string
		data string
		want string
	}{
		{"wrong architecture", string(zipBytes(t, zm{name: "W2K8R2-KB3191566-x86.msu", data: msu})),
			`x.zip: member "W2K8R2-KB3191566-x86.msu": no target can use it: w2k8r2 has no x86 edition`},
		{"wrong Windows", string(zipBytes(t, zm{name: "windows10.0-kb5034441-x64.msu", data: msu})),
			`x.zip: member "windows10.0-kb5034441-x64.msu": windows10.0 packages serve`},
		{"a name that says no Windows", string(zipBytes(t, zm{name: "update.msu", data: msu})),
			`x.zip: member "update.msu": the name does not say which Windows it is for`},
		{"traversal", string(zipBytes(t, zm{name: "../windows6.1-kb1-x64.msu", data: msu})),
			`x.zip: member "../windows6.1-kb1-x64.msu": leads out of the folder it would be unpacked into (..): refused as hostile`},
		{"traversal with backslashes", string(zipBytes(t, zm{name: `a\..\..\windows6.1-kb1-x64.msu`, data: msu})),
			`leads out of the folder`},
		{"traversal in a script beside", string(zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: msu}, zm{name: "x/../../run.cmd", data: "x"})),
			`x.zip: member "x/../../run.cmd": leads out`},
		{"absolute path", string(zipBytes(t, zm{name: "/windows6.1-kb1-x64.msu", data: msu})),
			`x.zip: member "/windows6.1-kb1-x64.msu": an absolute path`},
		{"drive path", string(zipBytes(t, zm{name: "C:/windows6.1-kb1-x64.msu", data: msu})),
			`x.zip: member "C:/windows6.1-kb1-x64.msu": an absolute path`},
		{"not a zip", "PK\x03\x04 an error page", "x.zip: not a readable .zip (zip: not a valid zip file): download it again"},
		{"cut short", cut[:len(cut)-30], "x.zip: not a readable .zip"},
		{"encrypted", string(zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: msu, encrypted: true})),
			`x.zip: member "windows6.1-kb1-x64.msu" is encrypted`},
		{"nothing placeable", string(zipBytes(t, zm{name: wmfPs1, data: "x"}, zm{name: "readme.txt", data: "x"})),
			"x.zip: holds no update package (.msu, .cab or .exe): nothing in it can be placed"},
		{"a package that is no package", string(zipBytes(t, zm{name: wmfMsu, data: "<html>"})),
			`x.zip: member "` + wmfMsu + `": not a cabinet`},
		{"bomb by ratio", string(zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: bomb, declared: 100 << 20})),
			"refused as a zip bomb"},
		{"bomb by size", string(zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: bomb, declared: 1 << 40})),
			"x.zip: would unpack to more than 32 GiB: not a package download"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filetree.Write(t, t.TempDir(), map[string]string{"x.zip": tc.data})
			_, err := payload.Scan(dir, all, all)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A member whose bytes do not match its CRC, or that inflates to more than
// the .zip declares (a bomb that lies about its size), fails the build
// while it is staged, and nothing is written.
func TestZipDamagedInsideWritesNothing(t *testing.T) {
	msu := "MSCF" + strings.Repeat("y", 1<<16)
	flipped := zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: msu, store: true})
	i := bytes.Index(flipped, []byte("yyyy"))
	flipped[i] = 'z'
	lie := deflated(t, "MSCF"+strings.Repeat("\x00", 1<<20))
	for name, data := range map[string]string{
		"checksum": string(flipped),
		"lies":     string(zipBytes(t, zm{name: "windows6.1-kb1-x64.msu", data: lie, declared: 1 << 10})),
	} {
		t.Run(name, func(t *testing.T) {
			dir := filetree.Write(t, t.TempDir(), map[string]string{"x.zip": data})
			out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win7"}, Payload: dir})
			require.NoError(t, err)
			dst := filepath.Join(t.TempDir(), "dist")
			err = out.Write(dst)
			require.ErrorContains(t, err, "payload: x.zip/windows6.1-kb1-x64.msu: damaged inside the .zip (zip: ")
			var left []string
			require.NoError(t, filepath.WalkDir(filepath.Dir(dst), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					left = append(left, p)
				}
				return err
			}))
			assert.Empty(t, left, "nothing is written")
		})
	}
}

// payload.yaml places a .zip's packages as it places a loose file: its
// targets go to every package inside, whatever their names say.
func TestZipPlacedByTheManifest(t *testing.T) {
	all := targets(t)
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"tools/x.zip":        string(zipBytes(t, zm{name: "sub/update.msu", data: "MSCF x"}, zm{name: "readme.txt", data: "x"})),
		payload.ManifestName: "files:\n  - file: tools/x.zip\n    targets: [win81, win10]\n",
	})
	res, err := payload.Scan(dir, all, all)
	require.NoError(t, err)
	require.Len(t, res.Files, 1)
	f := res.Files[0]
	assert.Equal(t, "tools/x.zip/sub/update.msu", f.Rel)
	assert.Equal(t, "update.msu", f.Name)
	assert.Equal(t, []string{"win81", "win10"}, f.Targets)
	assert.Equal(t, []string{"tools/x.zip/readme.txt"}, res.Unzipped)
}
