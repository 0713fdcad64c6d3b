package payload_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/internal/filetree"
)

func targets(t *testing.T) []*catalog.Target {
	t.Helper()
	c, err := generator.Load(wufix.Catalog)
	require.NoError(t, err)
	return c.Targets
}

func TestFromName(t *testing.T) {
	all := targets(t)
	cases := []struct {
		name    string
		want    []string
		problem string
	}{
		{"windows6.1-kb947821-v34-x64.msu", []string{"win7"}, ""},
		{"Windows6.1-KB976932-X86.exe", []string{"win7"}, ""},
		{"windows6.0-kb948465-x86.msu", []string{"vista"}, ""},
		{"Windows8-RT-KB2937592-x64.msu", []string{"win8"}, ""},
		{"Windows8.1-KB2919355-x64.msu", []string{"win81"}, ""},
		{"windows6.3-kb123-x86.cab", []string{"win81"}, ""},
		{"windows11.0-kb5044284-x64_0123abcd.msu", []string{"win11"}, ""},
		{"windows11.0-kb5044284-arm64.msu", []string{"win11"}, ""},
		{"WindowsXP-KB2347290-x86-ENU.exe", []string{"xp"}, ""},
		{"WindowsXP-KB936929-SP3-x86-ENU.exe", []string{"xp"}, ""},
		{"WindowsXP-KB2347290-x64-ENU.exe", []string{"server2003"}, ""},
		{"WindowsServer2003-KB2347290-x86-ENU.exe", []string{"server2003"}, ""},
		{"WindowsServer2003.WindowsXP-KB2347290-x64-ENU.exe", []string{"server2003"}, ""},
		{"windows10.0-kb5034441-x64.msu", nil, "windows10.0 packages serve"},
		{"windows6.1-kb947821-ia64.msu", nil, "no target can use it: ia64 is not an architecture of win7"},
		{"windows6.0-kb1-arm64.msu", nil, "no target can use it"},
		// Family windowsN.N-kb: parts after the architecture.
		{"Windows6.0-KB936330-X86-wave1.exe", []string{"vista"}, ""},
		{"Windows6.1-KB2819745-x64-MultiPkg.msu", []string{"win7"}, ""},
		{"windows6.2-kb2937636-x86.msu", []string{"win8"}, ""},
		{"windows6.1-kb2819745-arm64.msu", nil, "no target can use it: arm64 is not an architecture of win7"},
		// Family WindowsXP-KB: "custom" (out-of-band fixes), no language.
		{"WindowsXP-KB4012598-x86-Custom-ENU.exe", []string{"xp"}, ""},
		{"WindowsServer2003-KB4012598-x64-custom-ENU.exe", []string{"server2003"}, ""},
		{"WindowsXP-KB942288-v3-x86.exe", []string{"xp"}, ""},
		{"WindowsServer2003-KB914961-SP2-ia64-ENU.exe", nil, "no target can use it: ia64 is not an architecture of server2003"},
		{"WindowsXP-KB2347290-x86-ENU.msu", nil, "the name does not say which Windows"},
		// Family Win7AndW2K8R2-KB (Windows Management Framework).
		{"W2K12-KB3191565-x64.msu", []string{"win8"}, ""},
		{"W2K12R2-KB3191564-x64.msu", []string{"win81"}, ""},
		{"Win8.1AndW2K12R2-KB3191564-x64.msu", []string{"win81"}, ""},
		{"Win8.1-KB3191564-x86.msu", []string{"win81"}, ""},
		{"Win7AndW2K8R2-KB3191566-x64.msu", []string{"win7"}, ""},
		{"Win7-KB3191566-x86.msu", []string{"win7"}, ""},
		{"W2K8-KB968930-x64.msu", []string{"vista"}, ""},
		{"W2K12-KB3191565-x86.msu", nil, "no target can use it: w2k12 has no x86 edition"},
		{"W2K8R2-KB3191566-x86.msu", nil, "no target can use it: w2k8r2 has no x86 edition"},
		{"Win10-KB3191565-x64.msu", nil, "the name does not say which Windows"},
		// Family IE11-Windows6.1 (Internet Explorer).
		{"IE11-Windows6.1-x64-en-us.exe", []string{"win7"}, ""},
		{"IE9-Windows6.0-x86-enu.exe", []string{"vista"}, ""},
		{"IE8-WindowsXP-x86-ENU.exe", []string{"xp"}, ""},
		{"IE8-WindowsXP-x64-ENU.exe", []string{"server2003"}, ""},
		{"IE8-WindowsServer2003-x64-ENU.exe", []string{"server2003"}, ""},
		{"IE11-Windows6.1-x64-en-us.msu", nil, "the name does not say which Windows"},
		{"IE11-Windows10.0-x64-en-us.exe", nil, "the name does not say which Windows"},
		// Families IE8-WindowsXP-KB and IE11-Windows6.1-KB (updates of
		// Internet Explorer).
		{"IE8-WindowsXP-KB2964358-x86-ENU.exe", []string{"xp"}, ""},
		{"IE6-WindowsXP-KB2964358-x86-ENU.exe", []string{"xp"}, ""},
		{"IE8-WindowsServer2003-KB2964358-x86-ENU.exe", []string{"server2003"}, ""},
		{"IE8-WindowsServer2003-KB2964358-x64-ENU.exe", []string{"server2003"}, ""},
		{"IE6-WindowsServer2003.WindowsXP-KB2964358-x64-ENU.exe", []string{"server2003"}, ""},
		{"IE9-Windows6.0-KB2964358-x86.msu", []string{"vista"}, ""},
		{"IE11-Windows6.1-KB2964358-x64.msu", []string{"win7"}, ""},
		{"IE8-WindowsXP-KB2964358-x64-ENU.exe", []string{"server2003"}, ""},
		{"IE8-WindowsXP-KB2964358-ENU.exe", nil, "the name does not say which Windows"},
		{"IE8-WindowsXP-KB2964358-x86-ENU.msu", nil, "the name does not say which Windows"},
		{"IE11-Windows6.1-KB2964358-x64.exe", nil, "the name does not say which Windows"},
		{"IE11-Windows6.1-KB2964358-ia64.msu", nil, "the name does not say which Windows"},
		{"IE11-Windows8.1-KB2964358-x64.msu", nil, "the name does not say which Windows"},
		{"ndp48-x86-x64-allos-enu.exe", nil, "the name does not say which Windows"},
		{"wsusscn2.cab", nil, "the name does not say which Windows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, problem := payload.FromName(tc.name, all)
			assert.Equal(t, tc.want, got)
			if tc.problem == "" {
				assert.Empty(t, problem)
			} else {
				assert.Contains(t, problem, tc.problem)
			}
		})
	}
}

func TestScanPlacesByNameAndManifest(t *testing.T) {
	all := targets(t)
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb947821-v34-x64.msu": "MSCF surt",
		"WindowsXP-KB2347290-x86-ENU.exe": "MZ xp",
		"windows10.0-kb5034441-x64.msu":   "MSCF cu",
		"extra/wsusscn2.cab":              "MSCF scan",
		"windows8.1-kb2919355-x64.msu":    "MSCF 81",
		"IE11-Windows6.1-x64-en-us.exe":   "MZ ie",
		"W2K12-KB3191565-x64.msu":         "MSCF wmf",
		payload.ManifestName: "files:\n" +
			"  - file: windows10.0-kb5034441-x64.msu\n    targets: [win10, server2016]\n" +
			"  - file: extra/wsusscn2.cab\n    targets: [all]\n",
	})
	built := []*catalog.Target{}
	for _, tg := range all {
		if tg.ID.Value != "win81" {
			built = append(built, tg)
		}
	}
	res, err := payload.Scan(dir, all, built)
	require.NoError(t, err)
	got := map[string]string{}
	for _, f := range res.Files {
		got[f.Rel] = strings.Join(f.Targets, ",")
	}
	assert.Equal(t, map[string]string{
		"windows6.1-kb947821-v34-x64.msu": "win7",
		"WindowsXP-KB2347290-x86-ENU.exe": "xp",
		"windows10.0-kb5034441-x64.msu":   "win10,server2016",
		"extra/wsusscn2.cab":              "xp,server2003,vista,win7,win8,win10,server2016,win11,server2025",
		"IE11-Windows6.1-x64-en-us.exe":   "win7",
		"W2K12-KB3191565-x64.msu":         "win8",
	}, got)
	require.Len(t, res.Skipped, 1, "win81 is not built")
	assert.Equal(t, "windows8.1-kb2919355-x64.msu", res.Skipped[0].Rel)
}

func TestScanRefuses(t *testing.T) {
	all := targets(t)
	cases := []struct {
		name  string
		files map[string]string
		link  bool
		want  []string
	}{
		{"unknown name", map[string]string{"notes.msu": "x"}, false,
			[]string{"notes.msu: the name does not say which Windows it is for: name its targets in payload.yaml"}},
		{"not a package", map[string]string{"readme.txt": "x"}, false,
			[]string{"readme.txt: not an update package (.msu, .cab or .exe, or a .zip holding one)"}},
		{"a zip that is none", map[string]string{"Win7AndW2K8R2-KB3191566-x64.zip": "PK"}, false,
			[]string{"Win7AndW2K8R2-KB3191566-x64.zip: not a readable .zip (zip: not a valid zip file): download it again"}},
		{"unsafe name", map[string]string{"a&b.msu": "x"}, false,
			[]string{"a&b.msu: a name with characters other than letters"}},
		{"wrong architecture", map[string]string{"windows6.1-kb1-ia64.msu": "x"}, false,
			[]string{"windows6.1-kb1-ia64.msu: no target can use it"}},
		{"shared 10.0 without manifest", map[string]string{"windows10.0-kb1-x64.msu": "x"}, false,
			[]string{"windows10.0-kb1-x64.msu: windows10.0 packages serve"}},
		{"traversal in manifest", map[string]string{payload.ManifestName: "files:\n  - file: ../x.msu\n    targets: [win7]\n"}, false,
			[]string{`payload.yaml: files[0]: file "../x.msu": leads out of the payload folder`}},
		{"absolute path in manifest", map[string]string{payload.ManifestName: "files:\n  - file: /etc/x.msu\n    targets: [win7]\n"}, false,
			[]string{`payload.yaml: files[0]: file "/etc/x.msu": an absolute path`}},
		{"unknown target in manifest", map[string]string{"x.cab": "MSCF", payload.ManifestName: "files:\n  - file: x.cab\n    targets: [win95]\n"}, false,
			[]string{`payload.yaml: files[0] (x.cab): unknown target "win95"`}},
		{"manifest names a missing file", map[string]string{payload.ManifestName: "files:\n  - file: gone.cab\n    targets: [win7]\n"}, false,
			[]string{"payload.yaml: gone.cab: no such file in the payload folder"}},
		{"unknown manifest key", map[string]string{payload.ManifestName: "file: x\n"}, false,
			[]string{`payload.yaml:1: unknown key "file"`}},
		{"symbolic link", map[string]string{}, true,
			[]string{"windows6.1-kb1-x64.msu: a symbolic link"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filetree.Write(t, t.TempDir(), tc.files)
			if tc.link {
				target := filepath.Join(t.TempDir(), "real.msu")
				require.NoError(t, os.WriteFile(target, []byte("x"), 0o644))
				require.NoError(t, os.Symlink(target, filepath.Join(dir, "windows6.1-kb1-x64.msu")))
			}
			_, err := payload.Scan(dir, all, all)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestStageHashesCopiesAndLinks(t *testing.T) {
	all := targets(t)
	big := "MSCF" + strings.Repeat("0123456789abcdef", 300000) // several chunks
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb947821-v34-x64.msu":      big,
		"same/windows6.1-kb947821-v34-x64.msu": big, // the same file twice: kept once
		"wsusscn2.cab":                         "MSCF scan",
		payload.ManifestName:                   "files:\n  - file: wsusscn2.cab\n    targets: [win7, win81]\n",
	})
	res, err := payload.Scan(dir, all, all)
	require.NoError(t, err)
	stage := t.TempDir()
	var copied int64
	entries, err := payload.Stage(res.Files, stage, payload.StageOptions{Progress: func(n int64) { copied += n }})
	require.NoError(t, err)
	assert.Equal(t, int64(2*len(big)+len("MSCF scan")), copied, "every source is read once")
	assert.Equal(t, []string{"packages/windows6.1-kb947821-v34-x64.msu", "packages/wsusscn2.cab"}, paths(entries["win7"]))
	assert.Equal(t, []string{"packages/wsusscn2.cab"}, paths(entries["win81"]))
	assert.Equal(t, sum(big), entries["win7"][0].SHA256)
	assert.Equal(t, int64(len(big)), entries["win7"][0].Size)
	for _, p := range []string{"win7/packages/windows6.1-kb947821-v34-x64.msu", "win7/packages/wsusscn2.cab", "win81/packages/wsusscn2.cab"} {
		data, err := os.ReadFile(filepath.Join(stage, p))
		require.NoError(t, err, p)
		assert.Equal(t, entries[strings.Split(p, "/")[0]][0].SHA256 != "", true)
		assert.NotEmpty(t, data)
	}
	a, err := os.Stat(filepath.Join(stage, "win7/packages/wsusscn2.cab"))
	require.NoError(t, err)
	b, err := os.Stat(filepath.Join(stage, "win81/packages/wsusscn2.cab"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(a, b), "a file two bundles take is written once and linked")
	d, err := payload.Digests(res.Files)
	require.NoError(t, err)
	assert.Equal(t, entries, d, "check predicts what Stage writes")
}

func TestStageRefusesSameNameDifferentContents(t *testing.T) {
	all := targets(t)
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"a/windows6.1-kb1-x64.msu": "MSCF one",
		"b/WINDOWS6.1-KB1-X64.msu": "MSCF two", // Windows does not tell case apart
	})
	res, err := payload.Scan(dir, all, all)
	require.NoError(t, err)
	_, err = payload.Stage(res.Files, t.TempDir(), payload.StageOptions{})
	require.EqualError(t, err, "payload: a/windows6.1-kb1-x64.msu and b/WINDOWS6.1-KB1-X64.msu have the same name in the win7 bundle but different contents")
	_, err = payload.Digests(res.Files)
	require.Error(t, err)
}

func paths(es []bundle.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

func TestScanIgnoresWhatMacOSAndExplorerLeave(t *testing.T) {
	all := targets(t)
	dir := filetree.Write(t, t.TempDir(), map[string]string{
		"windows6.1-kb2533552-x64.msu":   "MSCF one",
		"._windows6.1-kb2533552-x64.msu": "\x00\x05\x16\x07 AppleDouble", // not a cabinet, and not refused
		".DS_Store":                      "Bud1",
		"sub/Thumbs.db":                  "thumbs",
		"sub/desktop.ini":                "[.ShellClassInfo]",
		"sub/Desktop.ini.txt":            "x",
		".Spotlight-V100/Store-V2/x":     "index",
		"System Volume Information/y":    "restore",
	})
	// A name that only looks like litter is still refused.
	res, err := payload.Scan(dir, all, all)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sub/Desktop.ini.txt: not an update package")
	require.NoError(t, os.Remove(filepath.Join(dir, "sub", "Desktop.ini.txt")))

	res, err = payload.Scan(dir, all, all)
	require.NoError(t, err)
	assert.Equal(t, []string{".DS_Store", ".Spotlight-V100/", "._windows6.1-kb2533552-x64.msu", "System Volume Information/", "sub/Thumbs.db", "sub/desktop.ini"}, res.Ignored)
	require.Len(t, res.Files, 1)
	assert.Equal(t, "windows6.1-kb2533552-x64.msu", res.Files[0].Rel)
}
