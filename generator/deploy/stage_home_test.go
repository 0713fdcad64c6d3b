package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// On the system drive a run stays in its folder while only SYSTEM and
// Administrators may change it, and continues from the protected copy, as
// from a stick, when others may: a folder made in C:\ lets every signed-in
// user change its files. Windows 7 on asks PowerShell, Vista icacls. Wine
// keeps no ACLs, so each is the recording stub here, printing the answer
// (every call of it prints it: the owner check reads only PowerShell's exit
// code, and the root's check looks for the root's path, not the bundle's).
func TestRunFromAnOpenFolderOnTheSystemDriveContinuesFromALocalCopy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		id, tool string
		build    int
		open     string // what the tool prints for a folder others may change
		asks     string // in each command line that reads the bundle's ACLs
	}{
		{"win7", `C:\windows\system32\WindowsPowerShell\v1.0\powershell.exe`, 7601, "open", "GetAccessRules($true, $true, $sid)"},
		{"vista", `C:\windows\system32\icacls.exe`, 6002, `C:\usb\vista\run.cmd`, `C:\usb\vista" /findsid`},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool { return openFolderScenario(t, tc.id, tc.tool, tc.build, tc.open, tc.asks) })
		})
	}
}

func openFolderScenario(t *testing.T, id, tool string, build int, open, asks string) (flake bool) {
	p, out := pc(t, build, "WinNT", id)
	dir := filepath.Join(out, id)
	local := `C:\windows\wufix\` + id + "-" + versionOf(t, dir)
	name := p.InstallStubAt(tool)
	name = strings.ToLower(strings.TrimSuffix(name[strings.LastIndexByte(name, '\\')+1:], ".exe"))
	answer := func(text string) {
		require.NoError(t, os.MkdirAll(p.HostPath(`C:\t`), 0o755))
		require.NoError(t, os.WriteFile(p.HostPath(`C:\t\acl.txt`), []byte(text+"\r\n"), 0o644))
	}
	p.Setenv("WUFIX_STUB_PRINT_"+strings.ToUpper(name), `C:\t\acl.txt`)
	asked := func() (n int) {
		for _, c := range p.StubCalls() {
			if c.Name == name && strings.Contains(c.CommandLine, asks) {
				n++
			}
		}
		return n
	}

	// Closed to others: the run stays where it is.
	answer("closed")
	r := p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) {
		return true
	}
	assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
	require.Positive(t, asked(), "the folder's ACLs are read")
	before := asked()
	assert.NoDirExists(t, p.HostPath(local))

	// Open to others: the run goes on from a checked copy, and its exit
	// code comes back.
	answer(open)
	r = p.Run(dir, "run.cmd", "/undo")
	if wine.Flake(r) {
		return true
	}
	assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
	assert.Contains(t, r.Stdout, `run.cmd: others than SYSTEM and Administrators may change C:\usb\`+id+`\: the run continues from a protected copy in C:\windows\wufix.`)
	if runCmd, _ := os.ReadFile(filepath.Join(dir, "run.cmd")); strings.Contains(string(runCmd), `certutil.exe" -hashfile`) { // else fc compares the copy
		assert.Contains(t, r.Stdout, checked(listed(t, id)), "the copy is checked before it runs")
	}
	assert.FileExists(t, p.HostPath(local+`\run.cmd`))
	assert.Equal(t, 2*before, asked(), "the copy is not asked about: it is final")

	// Plan mode changes nothing and asks nothing.
	n := asked()
	r = p.Run(dir, "run.cmd", "/plan")
	if wine.Flake(r) {
		return true
	}
	assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
	assert.Equal(t, n, asked())
	assert.NotContains(t, r.Stdout, "protected copy")
	return false
}

// Without PowerShell nothing reads who a profile belongs to (Vista's
// icacls finds accounts by a SID it is given, XP has no icacls): a bundle
// anywhere under the profiles folder (the registry's ProfilesDirectory,
// C:\home here, so that C:\Users, what run.cmd falls back to, would not
// match) continues from the protected copy, though icacls names nobody on
// Vista (the stub prints "closed" for every call).
func TestRunFromAProfileWithoutPowerShellContinuesFromALocalCopy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id    string
		build int
	}{{"vista", 6002}, {"xp", 2600}} {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p, out := pc(t, tc.build, "WinNT", tc.id)
				require.NoError(t, os.MkdirAll(p.HostPath(`C:\t`), 0o755))
				require.NoError(t, os.WriteFile(p.HostPath(`C:\t\acl.txt`), []byte("closed\r\n"), 0o644))
				p.Setenv("WUFIX_STUB_PRINT_ICACLS", `C:\t\acl.txt`)
				reg(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList`, "ProfilesDirectory", `C:\home`)
				home := `C:\home\Public\Desktop\wufix & co`
				require.NoError(t, os.MkdirAll(p.HostPath(home), 0o755))
				dir := p.HostPath(home + `\` + tc.id)
				require.NoError(t, os.Rename(filepath.Join(out, tc.id), dir))

				r := p.Run(dir, "run.cmd", "/undo")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
				assert.Contains(t, r.Stdout, `run.cmd: others than SYSTEM and Administrators may change `+home+`\`+tc.id+`\: the run continues from a protected copy in C:\windows\wufix.`)
				assert.FileExists(t, p.HostPath(`C:\windows\wufix\`+tc.id+`-`+versionOf(t, dir)+`\run.cmd`))

				// Elsewhere on the system drive it stays where it is.
				require.NoError(t, os.Rename(dir, filepath.Join(out, tc.id)))
				r = p.Run(filepath.Join(out, tc.id), "run.cmd", "/undo")
				if wine.Flake(r) {
					return true
				}
				assert.Equal(t, 3, r.Code, r.Stdout+r.Stderr)
				assert.NotContains(t, r.Stdout, "protected copy", "C:\\usb is not in a profile")
				return false
			})
		})
	}
}
