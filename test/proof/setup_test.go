package proof

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/compare"
	"github.com/wufix/wufix/internal/wine"
)

var (
	buildOnce sync.Once
	built     *generator.Output
	builtDir  string
	cat       *catalog.Catalog
	buildErr  error
)

// surtPackages are stand-ins for the System Update Readiness Tool, which
// the Vista and 7 bundles install from their packages folder (wusa is a
// stub here, so only the name, the checksum and the cabinet signature the
// build checks matter).
var surtPackages = []string{"Windows6.0-KB947821-v34-x64.msu", "Windows6.1-KB947821-v34-x64.msu"}

// bundles builds every target once per test process, with the stand-in
// packages, and writes the build to a folder install copies from.
func bundles(t *testing.T) (*generator.Output, *catalog.Catalog) {
	t.Helper()
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "wufix-proof-")
		if buildErr != nil {
			return
		}
		payload := filepath.Join(builtDir, "payload")
		if buildErr = os.MkdirAll(payload, 0o755); buildErr != nil {
			return
		}
		for _, name := range surtPackages {
			if buildErr = os.WriteFile(filepath.Join(payload, name), []byte("MSCF stand-in "+name), 0o644); buildErr != nil {
				return
			}
		}
		if cat, buildErr = generator.Load(wufix.Catalog); buildErr != nil {
			return
		}
		built, buildErr = generator.Build(wufix.Catalog, generator.Options{Payload: payload})
		if buildErr == nil {
			buildErr = built.Write(filepath.Join(builtDir, "dist"))
		}
	})
	require.NoError(t, buildErr)
	return built, cat
}

func target(t *testing.T, id string) *catalog.Target {
	_, c := bundles(t)
	for _, tg := range c.Targets {
		if tg.ID.Value == id {
			return tg
		}
	}
	t.Fatalf("no target %s", id)
	return nil
}

// install copies one target's bundle, as the build wrote it, into dir (a
// host folder inside the prefix) and returns dir.
func install(t *testing.T, id, dir string) string {
	t.Helper()
	bundles(t)
	require.NoError(t, os.MkdirAll(filepath.Dir(dir), 0o755))
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(builtDir, "dist", id))))
	return dir
}

// wineVersion is the winecfg version nearest to a target, from its NT
// version (and, on NT 10.0, whether it is the Windows 11 client); emulate
// then sets the registry values the bundles actually read.
func wineVersion(tg *catalog.Target) string {
	byNT := map[string]string{"5.1": "winxp", "5.2": "win2003", "6.0": "vista", "6.1": "win7", "6.2": "win8", "6.3": "win81"}
	if v := byNT[tg.NT]; v != "" {
		return v
	}
	if slices.Contains(tg.Products, "workstation") && tg.Builds.Min >= 22000 {
		return "win11"
	}
	return "win10"
}

// stubbed are the programs a run must not really run here (or that Wine
// lacks), replaced by the harness's recording stub. fsutil answers the
// admin check.
var stubbed = []string{"fsutil", "sfc", "dism", "wusa", "eventcreate", "schtasks", "bitsadmin",
	"wuauclt", "w32tm", "regsvr32", "proxycfg", "takeown", "icacls", "certutil", "netsh"}

// machine is a prefix made to look like one target's Windows: its build
// number and product type, the update folders a used machine has, and the
// update service running.
func machine(t *testing.T, id string) *wine.Prefix {
	t.Helper()
	tg := target(t, id)
	p := wine.Proof(t).NewPrefix(t)
	p.SetVersion(wineVersion(tg))
	kind := map[string]string{"workstation": "WinNT", "server": "ServerNT", "domain-controller": "LanmanNT"}[tg.Products[0]]
	regAdd(t, p, `HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions`, "ProductType", kind)
	regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", itoa(tg.Builds.Min))
	for _, name := range stubbed {
		p.InstallStub(name)
	}
	// A real scan leaves its verdict in CBS.log, which the system-file
	// steps read: the sfc stub writes a clean one.
	require.NoError(t, os.MkdirAll(p.HostPath(`C:\windows\Logs\CBS`), 0o755))
	p.Setenv("WUFIX_STUB_APPEND_SFC", `C:\windows\Logs\CBS\CBS.log|2026-11-21 12:00:00, Info CSI 00000001 [SR] Verify complete`)
	seed(t, p, tg)
	// Run again after a flake, the service may have started already (1056).
	r := p.RunAgain("", `C:\windows\system32\sc.exe`, "start", "wuauserv")
	require.Contains(t, []int{0, 1056}, r.Code, r.Stdout+r.Stderr)
	return p
}

// seed creates what a machine with a failing Windows Update has: a
// download cache, a catalog database and a BITS queue.
func seed(t *testing.T, p *wine.Prefix, tg *catalog.Target) {
	t.Helper()
	files := map[string]string{
		`C:\windows\SoftwareDistribution\Download\a1\update.cab`:  "payload",
		`C:\windows\SoftwareDistribution\DataStore\DataStore.edb`: "db",
		`C:\windows\system32\catroot2\edb.log`:                    "log",
	}
	queue := strings.NewReplacer(`%ALLUSERSPROFILE%`, allUsers(tg)).Replace(tg.BitsQueue.Dir)
	for _, f := range tg.BitsQueue.Files {
		files[queue+`\`+strings.ReplaceAll(f, "*", "0")] = "queue"
	}
	for win, text := range files {
		host := p.HostPath(win)
		require.NoError(t, os.MkdirAll(filepath.Dir(host), 0o755))
		require.NoError(t, os.WriteFile(host, []byte(text), 0o644))
	}
}

// allUsers is %ALLUSERSPROFILE% in a Wine prefix, whatever version it
// reports: Wine keeps the Vista layout.
func allUsers(*catalog.Target) string { return `C:\ProgramData` }

func regAdd(t *testing.T, p *wine.Prefix, key, name, data string) {
	t.Helper()
	r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add", key, "/v", name, "/t", "REG_SZ", "/d", data, "/f")
	require.Equal(t, 0, r.Code, r.Stdout)
}

func itoa(n int) string { return strconv.Itoa(n) }

// tree lists every file under a host folder with its contents, to compare
// before and after.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	require.NoError(t, err)
	return out
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// updateState is every file and folder a component reset may touch: the
// SoftwareDistribution and catroot2 folders with their backups, and the
// BITS queue folder, by Windows path, with file contents.
func updateState(t *testing.T, p *wine.Prefix, tg *catalog.Target) map[string]string {
	t.Helper()
	out := map[string]string{}
	queue := strings.NewReplacer(`%ALLUSERSPROFILE%`, allUsers(tg)).Replace(tg.BitsQueue.Dir)
	for _, root := range []struct{ dir, prefix string }{
		{`C:\windows`, "softwaredistribution"},
		{`C:\windows\system32`, "catroot2"},
		{queue, ""},
	} {
		host := p.HostPath(root.dir)
		entries, err := os.ReadDir(host)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for _, e := range entries {
			if !strings.HasPrefix(strings.ToLower(e.Name()), root.prefix) {
				continue
			}
			for rel, data := range tree(t, filepath.Join(host, e.Name())) {
				out[root.dir+`\`+e.Name()+"/"+rel] = data
			}
		}
	}
	return out
}

// volatile are keys Wine itself rewrites while services start and stop,
// the display adapters it registers when a process first touches the
// (absent) display, and wufix's own records (the run-once marker, the day
// each backup was set aside), which are the runs' history like their logs
// and which an undo keeps; a key is skipped with everything below it.
var volatile = []string{
	`HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ServiceCurrent`,
	`HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Video`,
	`HKEY_LOCAL_MACHINE\SOFTWARE\wufix`,
}

// registry is the machine hives a bundle may change, as text, without the
// keys Wine changes by itself. It is a snapshot the wineserver writes, not
// reg export, which took about 20 times as long: the suite takes one before
// and after nearly every scenario.
func registry(t *testing.T, p *wine.Prefix) string {
	t.Helper()
	data, err := p.Snapshot("SOFTWARE", "SYSTEM")
	require.NoError(t, err)
	var b strings.Builder
	skip := false
	for _, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if strings.HasPrefix(line, "[") {
			key := strings.Trim(line, "[]")
			skip = slices.ContainsFunc(volatile, func(v string) bool {
				return key == v || strings.HasPrefix(key, v+`\`)
			})
		}
		if !skip {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// sameRegistry compares two exports and shows only the lines that differ.
func sameRegistry(t *testing.T, want, got string, msg string) {
	t.Helper()
	if want != got {
		t.Errorf("%s: the registry changed:\n%s", msg, compare.Lines(want, got))
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}
