package deploy_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/internal/wine"
)

// pc is a Wine prefix that reports a Windows build and product type, with
// the admin check answered and certutil hashing as Windows' does. The
// build is written to C:\usb.
func pc(t *testing.T, build int, productType string, targets ...string) (*wine.Prefix, string) {
	t.Helper()
	return pcWith(t, build, productType, generator.Options{Targets: targets})
}

// pcWith is pc with the build's options given in full.
func pcWith(t *testing.T, build int, productType string, opts generator.Options) (*wine.Prefix, string) {
	t.Helper()
	p := wine.Proof(t).NewPrefix(t)
	p.SetVersion("win7")
	reg(t, p, `HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions`, "ProductType", productType)
	reg(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", strconv.Itoa(build))
	for _, name := range []string{"fsutil", "certutil", "sc", "eventcreate", "schtasks", "icacls"} {
		p.InstallStub(name)
	}
	out, err := generator.Build(wufix.Catalog, opts)
	require.NoError(t, err)
	dir := p.HostPath(`C:\usb`)
	require.NoError(t, out.Write(dir))
	return p, dir
}

// listed is how many files a target's SHA256SUMS lists, payloads aside:
// run.cmd checks every one, and says how many it checked.
func listed(t *testing.T, target string) int {
	t.Helper()
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{target}})
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(out.Files[target+"/SHA256SUMS"]), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n
}

func checked(n int) string {
	return "checked " + strconv.Itoa(n) + " files against SHA256SUMS: all match"
}

func reg(t *testing.T, p *wine.Prefix, key, name, data string) {
	t.Helper()
	r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add", key, "/v", name, "/t", "REG_SZ", "/d", data, "/f")
	require.Equal(t, 0, r.Code, r.Stdout)
}

func TestWufixCmdRunsTheBundleThatFits(t *testing.T) {
	t.Parallel()
	n := listed(t, "win7")
	wine.Retry(t, func() bool {
		p, dir := pc(t, 7601, "ServerNT", "xp", "win7", "win10")
		r := p.Run(dir, "wufix.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		assert.Contains(t, r.Stdout, checked(n))
		assert.Contains(t, r.Stdout, "wufix win7 ")
		assert.Contains(t, r.Stdout, "Nothing is changed in this mode.")

		// run.cmd's exit code comes through unchanged.
		r = p.Run(dir, "wufix.cmd", "/nosuchswitch")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 2, r.Code)
		assert.Contains(t, r.Stderr, "unknown switch")
		return false
	})
}

func TestWufixCmdSaysWhenNoneFits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		build   int
		product string
		stderr  string
	}{
		{"no bundle for this Windows", 2195, "WinNT",
			"wufix.cmd: no wufix bundle fits this computer (Windows build 2195, WinNT, edition ). Nothing was changed.\n"},
		{"a server release no target serves", 25398, "ServerNT",
			"wufix.cmd: Windows Server build 25398 (ServerNT, edition ) is not one wufix serves: no bundle is built for that release (Server 23H2 is build 25398, for one). Nothing was changed.\n"},
		{"a bundle this build lacks", 19045, "WinNT",
			"wufix.cmd: this computer (Windows build 19045, WinNT) needs the win10 bundle, which this build does not include (it has: xp, win7). Nothing was changed.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p, dir := pc(t, tc.build, tc.product, "xp", "win7")
				r := p.Run(dir, "wufix.cmd")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, 5, r.Code)
				assert.Empty(t, r.Stdout)
				assert.Equal(t, tc.stderr, r.Stderr)
				return false
			})
		})
	}
}

// Windows 10 and 11 Enterprise multi-session report ProductType ServerNT
// like a server; EditionID ServerRdsh tells them apart, and they get the
// client bundle (whose own run.cmd accepts them too), not Server 2016's.
func TestWufixCmdGivesMultiSessionTheClientBundle(t *testing.T) {
	t.Parallel()
	cases := []struct{ build, bundle string }{{"19045", "win10"}, {"22631", "win11"}}
	for _, tc := range cases {
		t.Run(tc.bundle, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p, dir := pc(t, 0, "ServerNT", "win10", "server2016", "win11")
				reg(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuildNumber", tc.build)
				reg(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "EditionID", "ServerRdsh")
				r := p.Run(dir, "wufix.cmd", "/plan")
				if wine.Flake(r) {
					return true
				}
				require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
				assert.Contains(t, r.Stdout, "wufix "+tc.bundle+" ")

				// A real server of the same build number is not a client.
				reg(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "EditionID", "ServerStandard")
				r = p.Run(filepath.Join(dir, tc.bundle), "run.cmd", "/plan")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, 5, r.Code, r.Stdout+r.Stderr)
				assert.Contains(t, r.Stderr, "This is Windows build "+tc.build+" (ServerNT, edition ServerStandard). Run wufix.cmd, beside the")
				return false
			})
		})
	}
}

func TestStartupScript(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, dir := pc(t, 7601, "WinNT", "win7")
		r := p.Run(filepath.Join(dir, "gpo"), "startup.cmd")
		if wine.Flake(r) {
			return true
		}
		// /gpo is quiet: the run's log says what went wrong.
		log, _ := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`))
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr+string(log))
		assert.Empty(t, r.Stdout, "/gpo is quiet")
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0001.log`))

		// The folder is gone: one line in startup.log, exit 5.
		require.NoError(t, os.RemoveAll(filepath.Join(dir, "win7")))
		r = p.Run(filepath.Join(dir, "gpo"), "startup.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 5, r.Code)
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\startup.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), `startup.cmd: win7\run.cmd is missing from C:\usb. Nothing was changed.`)
		return false
	})
}

func TestRunChecksTheBundleFirst(t *testing.T) {
	t.Parallel()
	n := listed(t, "win7")
	cases := []struct {
		name   string
		spaces bool
		change func(t *testing.T, bundle string)
		code   int
		stderr string
	}{
		{"intact, digest printed as Windows 10 does", false, func(*testing.T, string) {}, 0, ""},
		{"intact, digest printed as Windows 7 does", true, func(*testing.T, string) {}, 0, ""},
		{"a changed file", false, func(t *testing.T, b string) {
			require.NoError(t, os.WriteFile(filepath.Join(b, "README.txt"), []byte("edited"), 0o644))
		}, 6, "run.cmd: README.txt does not match SHA256SUMS: damaged, changed, or unreadable.\n" +
			"run.cmd: this bundle is damaged or changed (problems found: 1). Nothing was changed. Copy it again from the build, checked with wufix verify.\n"},
		{"a missing file", false, func(t *testing.T, b string) {
			require.NoError(t, os.Remove(filepath.Join(b, "run.ps1")))
		}, 6, "run.cmd: run.ps1 is missing (SHA256SUMS lists it).\n"},
		{"a package nobody built", false, func(t *testing.T, b string) {
			require.NoError(t, os.MkdirAll(filepath.Join(b, "packages"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(b, "packages", "windows6.1-kb1-x64.msu"), []byte("?"), 0o644))
		}, 6, "run.cmd: packages\\windows6.1-kb1-x64.msu is not in SHA256SUMS, and an install step would run it.\n"},
		{"SHA256SUMS cut short", false, func(t *testing.T, b string) {
			data, err := os.ReadFile(filepath.Join(b, "SHA256SUMS"))
			require.NoError(t, err)
			lines := strings.SplitAfter(string(data), "\n")
			cut := strings.Join(lines[:len(lines)-3], "") // the last file and the count
			require.NoError(t, os.WriteFile(filepath.Join(b, "SHA256SUMS"), []byte(cut), 0o644))
		}, 6, "run.cmd: SHA256SUMS is cut short or damaged: it lists " + strconv.Itoa(n-1) + " files, its last line does not say so.\n"},
		{"SHA256SUMS gone", false, func(t *testing.T, b string) {
			require.NoError(t, os.Remove(filepath.Join(b, "SHA256SUMS")))
		}, 6, "run.cmd: SHA256SUMS is missing, so the bundle cannot be checked. Nothing was changed.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p, dir := pc(t, 7601, "WinNT", "win7")
				if tc.spaces {
					p.Setenv("WUFIX_STUB_CERTUTIL_SPACES", "1")
				}
				bundle := filepath.Join(dir, "win7")
				tc.change(t, bundle)
				r := p.Run(bundle, "run.cmd", "/plan")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, tc.code, r.Code, r.Stdout+r.Stderr)
				if tc.code == 0 {
					assert.Contains(t, r.Stdout, checked(n))
					return false
				}
				assert.Contains(t, r.Stderr, tc.stderr)
				assert.NotContains(t, r.Stdout, "wufix win7", "stops before the plan")
				// /undo does not need the bundle's files and is not stopped.
				r = p.Run(bundle, "run.cmd", "/undo")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, 3, r.Code, "nothing to undo: "+r.Stdout+r.Stderr)
				return false
			})
		})
	}
}

// XP hashes nothing, so its files are not checked (wufix verify checks
// before copying), but its packages folder is: a package SHA256SUMS does
// not list stops the run, as on 7 and later. In a folder made in C:\
// Users may add files, though not change the bundle's.
func TestXPBundleIsNotHashedButItsPackagesAreListed(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p, dir := pc(t, 2600, "WinNT", "xp")
		bundle := filepath.Join(dir, "xp")
		require.NoError(t, os.WriteFile(filepath.Join(bundle, "README.txt"), []byte("edited"), 0o644))
		r := p.Run(bundle, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NotContains(t, r.Stdout, "SHA256SUMS")

		pkgs := filepath.Join(bundle, "packages")
		require.NoError(t, os.MkdirAll(pkgs, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(pkgs, "Thumbs.db"), []byte("x"), 0o644))
		r = p.Run(bundle, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, `packages\Thumbs.db is not in SHA256SUMS; no step runs it, so it is left alone`)

		added := "WindowsXP-KB4012598-x86-Custom-ENU.exe"
		require.NoError(t, os.WriteFile(filepath.Join(pkgs, added), []byte("MZ"), 0o644))
		r = p.Run(bundle, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 6, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, `run.cmd: packages\`+added+` is not in SHA256SUMS, and an install step would run it.`)
		assert.Contains(t, r.Stderr, `run.cmd: packages\ holds packages this bundle was not built with (problems found: 1). Nothing was changed.`)

		// From a stick the copy is refused for it, and removed.
		stick, version := offDrive(t, "xp")
		require.NoError(t, os.MkdirAll(filepath.Join(stick, "packages"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(stick, "packages", added), []byte("MZ"), 0o644))
		r = p.Run(stick, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 10, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, `run.cmd: packages\`+added+` is not in SHA256SUMS, and an install step would run it.`)
		assert.NoDirExists(t, p.HostPath(`C:\windows\wufix\xp-`+version))
		return false
	})
}

func TestRunChecksPayloadsToo(t *testing.T) {
	t.Parallel()
	payloads := t.TempDir()
	for _, name := range []string{"windows6.1-kb947821-v34-x64.msu", "windows6.1-kb2533552-x64.msu"} {
		require.NoError(t, os.WriteFile(filepath.Join(payloads, name), []byte("MSCF "+name), 0o644)) // a cabinet's first bytes
	}
	n := listed(t, "win7") + 2 // and the two packages
	wine.Retry(t, func() bool {
		p, dir := pcWith(t, 7601, "WinNT", generator.Options{Targets: []string{"win7"}, Payload: payloads})
		bundle := filepath.Join(dir, "win7")

		r := p.Run(bundle, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, checked(n))

		// A package swapped for another of the same name is caught.
		require.NoError(t, os.WriteFile(filepath.Join(bundle, "packages", "windows6.1-kb2533552-x64.msu"), []byte("other"), 0o644))
		r = p.Run(bundle, "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 6, r.Code)
		assert.Contains(t, r.Stderr, `run.cmd: packages\windows6.1-kb2533552-x64.msu does not match SHA256SUMS`)
		return false
	})
}

// A stick that went through a Mac or Explorer carries their files in
// packages\: each is named in the log and the run goes on; an AppleDouble
// ._NAME.msu is no package, and no install step offers it. A package
// nobody built still stops the run.
func TestStrayFilesOnAStickAreNamedNotRefused(t *testing.T) {
	t.Parallel()
	payloads := t.TempDir()
	name := "windows6.1-kb2533552-x64.msu"
	require.NoError(t, os.WriteFile(filepath.Join(payloads, name), []byte("MSCF "+name), 0o644))
	wine.Retry(t, func() bool {
		p, dir := pcWith(t, 7601, "WinNT", generator.Options{Targets: []string{"win7"}, Payload: payloads})
		pkgs := filepath.Join(dir, "win7", "packages")
		for _, stray := range []string{"._" + name, ".DS_Store", "Thumbs.db", "desktop.ini"} {
			require.NoError(t, os.WriteFile(filepath.Join(pkgs, stray), []byte("\x00\x05\x16\x07"), 0o644))
		}
		r := p.Run(filepath.Join(dir, "win7"), "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		for _, stray := range []string{"._" + name, ".DS_Store", "Thumbs.db", "desktop.ini"} {
			assert.Contains(t, r.Stdout, `packages\`+stray+" is not in SHA256SUMS; no step runs it, so it is left alone")
		}
		assert.Contains(t, r.Stdout, "would install "+name)
		assert.NotContains(t, r.Stdout, "would install ._")

		require.NoError(t, os.WriteFile(filepath.Join(pkgs, "windows6.1-kb9999-x64.msu"), []byte("MSCF"), 0o644))
		r = p.Run(filepath.Join(dir, "win7"), "run.cmd", "/plan")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 6, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stderr, `run.cmd: packages\windows6.1-kb9999-x64.msu is not in SHA256SUMS, and an install step would run it.`)
		assert.Contains(t, r.Stderr, "problems found: 1", "the strays are not counted")
		return false
	})
}
