package proof

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// wimInfo is what the dism stub prints for every call: an install.wim of
// one Windows 10 Pro x64 image of the given build, as dism /English
// /Get-WimInfo lists it, and ScanHealth's verdict that the store is
// repairable, so that RestoreHealth runs.
func wimInfo(build string) []string {
	return []string{
		"Deployment Image Servicing and Management tool",
		"Version: 10.0.19041.3636",
		"",
		`Details for image : D:\sources\install.wim`,
		"",
		"Index : 1",
		"Name : Windows 10 Pro",
		"Architecture : x64",
		"Version : 10.0." + build,
		"Edition : Professional",
		"Installation : Client",
		"Languages :",
		"        en-US (Default)",
		"",
		"The component store is repairable.",
		"The operation completed successfully.",
	}
}

// RestoreHealth takes install media from D: to Z:. Media of this build
// are the whole source (/LimitAccess); media of another build may lack
// files this build needs, so DISM may also ask Windows Update for them.
func TestRestoreHealthLimitsItselfToMediaOfThisBuildOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, build string
		limit       bool
		log         string
	}{
		{"this build", "10240", true, "index 1: Professional Client x64 build 10240: matches; the source is WIM:D:\\sources\\install.wim:1"},
		{"another build", "19041", false, "no image of build 10240 found; using WIM:D:\\sources\\install.wim:1, of another build, and Windows Update for what it lacks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p := machine(t, "win10")
				dir := install(t, "win10", p.HostPath(`C:\wufix`))
				regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "EditionID", "Professional")
				regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "InstallationType", "Client")
				// D: is install media: Wine maps a drive letter to the
				// folder its dosdevices link names.
				media := t.TempDir()
				require.NoError(t, os.MkdirAll(filepath.Join(media, "sources"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(media, "sources", "install.wim"), []byte("MSWIM stand-in"), 0o644))
				require.NoError(t, os.Symlink(media, filepath.Join(p.Dir, "dosdevices", "d:")))
				seedFile(t, p, `C:\seed\dism.txt`, wimInfo(tc.build)...)
				p.Setenv("WUFIX_STUB_PRINT_DISM", `C:\seed\dism.txt`)

				r := p.Run(dir, "run.cmd", "0x800F081F")
				if wine.Flake(r) {
					return true
				}
				assert.Contains(t, r.Stdout, tc.log)
				var restore []string
				for _, c := range p.StubCalls() {
					if c.Name == "dism" && strings.Contains(c.CommandLine, "/RestoreHealth") {
						restore = append(restore, c.CommandLine)
					}
				}
				require.Len(t, restore, 1, r.Stdout)
				assert.Contains(t, restore[0], `/Source:WIM:D:\sources\install.wim:1`)
				assert.Equal(t, tc.limit, strings.Contains(restore[0], "/LimitAccess"), restore[0])
				return false
			})
		})
	}
}
