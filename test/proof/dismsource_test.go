package proof

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// wimInfo is what the dism stub prints for every call: an install.wim of
// one Windows 10 Pro x64 image of the given build and update revision, as
// dism /English /Get-WimInfo lists it, and ScanHealth's verdict that the
// store is repairable, so that RestoreHealth runs.
func wimInfo(build, ubr string) []string {
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
		"ServicePack Build : " + ubr,
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
// and its updates (this machine: 10240.3803) are the whole source
// (/LimitAccess); media of another build, or of fewer updates, may lack
// files this Windows needs, so DISM may also ask Windows Update for them.
func TestRestoreHealthLimitsItselfToMediaOfThisBuildOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, build, ubr string
		limit            bool
		log              string
	}{
		{"this build and updates", "10240", "3803", true, "index 1: Professional Client x64 build 10240: matches; the source is WIM:D:\\sources\\install.wim:1"},
		{"this build, fewer updates", "10240", "16", false, "the image holds build 10240.16, this Windows is updated to 10240.3803: Windows Update may supply what the image lacks"},
		{"another build", "19041", "3803", false, "no image of build 10240 found; using WIM:D:\\sources\\install.wim:1, of another build, and Windows Update for what it lacks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p := machine(t, "win10")
				dir := install(t, "win10", p.HostPath(`C:\wufix`))
				regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "EditionID", "Professional")
				regAdd(t, p, `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "InstallationType", "Client")
				r := p.RunAgain("", `C:\windows\system32\reg.exe`, "add", `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "/v", "UBR", "/t", "REG_DWORD", "/d", "3803", "/f")
				require.Equal(t, 0, r.Code, r.Stdout)
				// D: is install media: Wine maps a drive letter to the
				// folder its dosdevices link names.
				media := t.TempDir()
				require.NoError(t, os.MkdirAll(filepath.Join(media, "sources"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(media, "sources", "install.wim"), []byte("MSWIM stand-in"), 0o644))
				require.NoError(t, os.Symlink(media, filepath.Join(p.Dir, "dosdevices", "d:")))
				seedFile(t, p, `C:\seed\dism.txt`, wimInfo(tc.build, tc.ubr)...)
				p.Setenv("WUFIX_STUB_PRINT_DISM", `C:\seed\dism.txt`)

				r = p.Run(dir, "run.cmd", "0x800F081F")
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

// An update installed earlier in the run leaves a restart pending: DISM
// and SFC would fail on top of it (0x800F082F, "a system repair
// pending"), so the system-files step is held, says why, and the run asks
// for the restart (3010) rather than report a failed repair.
func TestSystemFilesWaitForTheRestartAnInstallLeft(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := installWithUpdate(t, p)
		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3010, r.Code, "the run asks for the restart")
		require.NotEmpty(t, callsOf(p, "wusa"), r.Stdout)
		assert.Empty(t, callsOf(p, "dism"), "DISM does not run on top of a pending servicing transaction")
		assert.Empty(t, callsOf(p, "sfc"))
		assert.Contains(t, r.Stdout, `not run now: a servicing transaction completes at the next start (C:\windows\WinSxS\pending.xml), after an update this run installed. Restart, then run again.`)
		assert.Contains(t, r.Stdout, "system-files-dism: skipped")
		rep := readReport(t, p, "win10-0001")
		i := slices.IndexFunc(rep.Steps, func(s step) bool { return s.ID == "system-files-dism" })
		require.GreaterOrEqual(t, i, 0, "the step is in the report")
		assert.Equal(t, "skipped", rep.Steps[i].Status)
		assert.Contains(t, rep.Steps[i].After, "held for the restart")
		return false
	})
}

// installWithUpdate installs the Windows 10 bundle built with one update
// package, and makes wusa ask for a restart and leave what a real one
// leaves: a servicing transaction the next start completes.
func installWithUpdate(t *testing.T, p *wine.Prefix) string {
	t.Helper()
	const msu = "windows10.0-kb5031356-x64_0123456789abcdef0123456789abcdef01234567.msu"
	dir := installWithExes(t, p, "win10", nil, map[string]string{
		msu:            "MSCF stand-in",
		"payload.yaml": "files:\n  - file: " + msu + "\n    targets: [win10]\n",
	})
	p.Setenv("WUFIX_STUB_EXIT_WUSA", "3010")
	p.Setenv("WUFIX_STUB_APPEND_WUSA", `C:\windows\WinSxS\pending.xml|<PendingTransaction/>`)
	return dir
}

// Under Group Policy the deferred task's run holds DISM the same way, and
// leaves the version pending: the startup after the restart schedules the
// deferred steps again, and DISM runs then.
func TestDeferredStepsHeldForARestartStayPending(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		dir := installWithUpdate(t, p)
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		local := stageDir(t, dir, "win10")
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 3010, r.Code, r.Stdout+r.Stderr)
		assert.Empty(t, callsOf(p, "dism"))
		_, _, err := p.Query(`HKLM\SOFTWARE\wufix`, "win10")
		assert.Error(t, err, "the version is not recorded as done")
		_, pending, err := p.Query(`HKLM\SOFTWARE\wufix`, "win10-pending")
		assert.NoError(t, err, "the version stays pending")
		assert.Contains(t, local, pending)
		assert.Contains(t, runLog(p, "win10-0002"), "a step waits for the restart an update of this run needs")
		return false
	})
}

// The readiness tool's verdict is CheckSUR.log's summary: a store with
// errors it found and could not fix is still damaged, however clean SFC
// comes out, and the step fails naming where the missing updates go.
func TestReadinessToolErrorsLeftUnfixedFailTheStep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		summary []string
		status  string
	}{
		{"found and fixed", []string{" Found 2 errors", " Fixed 2 errors", "  Fixed: CBS MUM Missing.  Total count: 2"}, "done"},
		{"found, not fixed", []string{" Found 2 errors", "  CBS MUM Missing Total count: 2", "", "Unavailable repair files:", `	servicing\packages\Package_for_KB2533552~31bf3856ad364e35~amd64~~6.1.1.1.mum`}, "failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wine.Retry(t, func() bool {
				p := machine(t, "win7")
				dir := install(t, "win7", p.HostPath(`C:\wufix`))
				seedFile(t, p, `C:\windows\Logs\CBS\CheckSUR.log`, append([]string{"=================================",
					"Checking System Update Readiness.", "Binary Version 6.1.7601.22471", "", "Summary:", "Seconds executed: 264"}, tc.summary...)...)
				r := p.Run(dir, "run.cmd", "0x800F081F")
				if wine.Flake(r) {
					return true
				}
				rep := readReport(t, p, "win7-0001")
				i := slices.IndexFunc(rep.Steps, func(s step) bool { return s.ID == "system-files-surt" })
				require.GreaterOrEqual(t, i, 0, "the step is in the report")
				assert.Equal(t, tc.status, rep.Steps[i].Status, r.Stdout)
				if tc.status == "failed" {
					assert.Contains(t, r.Stdout, `the readiness tool could not fix every error it found: CheckSUR.log lists the files it lacked under Unavailable repair files.`)
					assert.Contains(t, r.Stdout, `C:\windows\CheckSUR\packages`)
				}
				return false
			})
		})
	}
}
