package proof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// Group Policy runs: once per bundle version, the deferred task, and the
// bounded retry of deferred steps that never finished.

// stageDir is where run.cmd keeps its protected local copy of a bundle.
func stageDir(t *testing.T, dir, id string) string {
	t.Helper()
	runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(runCmd), `set "WUFIX_VERSION=`)
	require.True(t, ok)
	version, _, _ := strings.Cut(rest, `"`)
	return `C:\windows\wufix\` + id + "-" + version
}

func TestGroupPolicyRunsOncePerBundleVersion(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		share := p.HostPath(`C:\reports`)
		require.NoError(t, os.MkdirAll(share, 0o755))

		r := p.Run(dir, "run.cmd", "/gpo", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.Empty(t, r.Stdout, "/gpo is quiet")
		reports, err := filepath.Glob(filepath.Join(share, "*-win7-0001.json"))
		require.NoError(t, err)
		assert.Len(t, reports, 1, "the report is copied to /report:")
		// SFC was deferred: the plan has not finished, so no marker yet.
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		assert.Error(t, err, "no run-once marker while deferred steps are pending")
		local := stageDir(t, dir, "win7")
		_, pending, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7-pending")
		require.NoError(t, err)
		assert.Equal(t, local[len(`C:\windows\wufix\win7-`):], pending)

		// The task's run finishes the plan and sets the marker.
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		typ, version, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		require.NoError(t, err)
		assert.Equal(t, "REG_SZ", typ)
		assert.Equal(t, pending, version)
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "win7-pending")
		assert.Error(t, err, "the pending record goes with the marker")

		// The same version again: nothing to do, and nothing left behind,
		// not even a log: a startup script runs at every boot.
		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code)
		for _, ext := range []string{".json", ".log", ".state"} {
			assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0003`+ext))
		}
		assert.DirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-1`))
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2`))

		// A changed bundle runs again.
		runCmd, err := os.ReadFile(filepath.Join(dir, "run.cmd"))
		require.NoError(t, err)
		changed := strings.Replace(string(runCmd), `set "WUFIX_VERSION=`+version+`"`, `set "WUFIX_VERSION=0000000000000000"`, 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "run.cmd"), []byte(changed), 0o644))
		// A rebuilt bundle comes with its own SHA256SUMS, which run.cmd checks.
		sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
		require.NoError(t, err)
		oldSum, newSum := sha256.Sum256(runCmd), sha256.Sum256([]byte(changed))
		sums = bytes.Replace(sums, []byte(hex.EncodeToString(oldSum[:])), []byte(hex.EncodeToString(newSum[:])), 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums, 0o644))
		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.FileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0003.json`))
		return false
	})
}

// taskXML is the deferred task's definition as schtasks reads it: the
// bundle's task.xml, UTF-16LE after a byte-order mark.
type taskXML struct {
	UserID    string `xml:"Principals>Principal>UserId"`
	RunLevel  string `xml:"Principals>Principal>RunLevel"`
	Disallow  string `xml:"Settings>DisallowStartIfOnBatteries"`
	Stop      string `xml:"Settings>StopIfGoingOnBatteries"`
	Limit     string `xml:"Settings>ExecutionTimeLimit"`
	Command   string `xml:"Actions>Exec>Command"`
	Arguments string `xml:"Actions>Exec>Arguments"`
}

func readTaskXML(t *testing.T, path string) taskXML {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, len(data) > 2 && data[0] == 0xff && data[1] == 0xfe, "a UTF-16LE byte-order mark")
	u := make([]uint16, (len(data)-2)/2)
	for i := range u {
		u[i] = uint16(data[2+2*i]) | uint16(data[3+2*i])<<8
	}
	data = []byte(string(utf16.Decode(u)))
	// encoding/xml reads UTF-8 only: the declaration names the file's
	// encoding, which was undone above.
	text := strings.Replace(string(data), `encoding="UTF-16"`, `encoding="UTF-8"`, 1)
	var task taskXML
	require.NoError(t, xml.Unmarshal([]byte(text), &task), text)
	return task
}

func TestGroupPolicyDefersLongStepsToATask(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		share := p.HostPath(`C:\fleet reports (R&D)`)
		require.NoError(t, os.MkdirAll(share, 0o755))
		r := p.Run(dir, "run.cmd", "/gpo", `/report:C:\fleet reports (R&D)`)
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		rep := readReport(t, p, "win7-0001")
		statuses := map[string]string{}
		for _, s := range rep.Steps {
			statuses[s.ID] = s.Status
		}
		assert.Equal(t, "deferred", statuses["system-files-surt"], "SFC can outlast the Group Policy script limit")
		assert.Equal(t, "done", statuses["component-reset"], "short steps run in the startup script itself")

		var create, run []string
		for _, c := range p.StubCalls() {
			if c.Name != "schtasks" || len(c.Args) == 0 {
				continue
			}
			switch strings.ToLower(c.Args[0]) {
			case "/create":
				create = c.Args
			case "/run":
				run = c.Args
			}
		}
		require.NotEmpty(t, create, "a one-shot task is created")
		require.NotEmpty(t, run, "and started")
		xmlFile := create[slicesIndex(create, "/xml")+1]
		task := readTaskXML(t, p.HostPath(xmlFile))
		assert.Equal(t, "S-1-5-18", task.UserID)
		assert.Equal(t, "HighestAvailable", task.RunLevel)
		assert.Equal(t, "false", task.Disallow, "starts on battery power")
		assert.Equal(t, "false", task.Stop, "keeps running when unplugged")
		assert.Equal(t, "PT4H", task.Limit)
		assert.Contains(t, task.Arguments, `\run.cmd" /deferred /quiet`)
		local := stageDir(t, dir, "win7")
		assert.Equal(t, local+`\task.xml`, xmlFile, "the bundle's own definition, from the checked copy")
		assert.Equal(t, `%SystemRoot%\System32\cmd.exe`, task.Command)
		assert.Equal(t, `/d /c ""%SystemRoot%`+strings.TrimPrefix(local, `C:\windows`)+`\run.cmd" /deferred /quiet"`, task.Arguments)
		assert.FileExists(t, p.HostPath(local+`\run.cmd`), "the bundle is copied to a local folder first")
		assert.FileExists(t, p.HostPath(`C:\windows\wufix\wufix-stage.txt`))

		// The task's run: only the deferred steps, then the task is removed.
		r = p.Run(p.HostPath(local), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		rep = readReport(t, p, "win7-0002")
		for _, s := range rep.Steps {
			if s.ID == "component-reset" {
				t.Errorf("the deferred run ran component-reset again")
			}
		}
		deleted := false
		for _, c := range p.StubCalls() {
			deleted = deleted || (c.Name == "schtasks" && len(c.Args) > 0 && strings.EqualFold(c.Args[0], "/delete"))
		}
		assert.True(t, deleted, "the one-shot task removes itself")
		for _, run := range []string{"win7-0001", "win7-0002"} {
			found, err := filepath.Glob(filepath.Join(share, "*-"+run+".json"))
			require.NoError(t, err)
			assert.Len(t, found, 1, "the report of %s reaches the share: the deferred run's too", run)
		}
		return false
	})
}

// XP's schtasks /create has no /f: the task of the same name is deleted
// first, and the task is made with switches (there is no XML before Vista).
func TestGroupPolicyOnXPDeletesBeforeCreating(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "xp")
		dir := install(t, "xp", p.HostPath(`C:\wufix`))
		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		var verbs []string
		var create []string
		for _, c := range p.StubCalls() {
			if c.Name == "schtasks" && len(c.Args) > 0 {
				verbs = append(verbs, strings.ToLower(c.Args[0]))
				if strings.EqualFold(c.Args[0], "/create") {
					create = c.Args
				}
			}
		}
		assert.Equal(t, []string{"/delete", "/create", "/run"}, verbs, "its log:\n%s", runLog(p, "xp-0001"))
		require.NotEmpty(t, create)
		assert.Equal(t, -1, slicesIndex(create, "/f"), "XP's /create has no /f")
		assert.Contains(t, strings.Join(create, " "), "/st 00:00:00 /ru SYSTEM")
		local := stageDir(t, dir, "xp")
		assert.FileExists(t, p.HostPath(local+`\run.cmd`))
		return false
	})
}

// A deferred run that never happened is scheduled again at the next
// startups, without the other steps, three times in all; then the run
// gives up, says so in its report, and sets the marker.
func TestGroupPolicyRetriesDeferredStepsThenGivesUp(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		for attempt := 1; attempt <= 3; attempt++ {
			r := p.Run(dir, "run.cmd", "/gpo")
			if wine.Flake(r) {
				return true
			}
			require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
			_, n, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7-attempts")
			require.NoError(t, err)
			assert.Equal(t, "0x"+itoa(attempt), n)
			if attempt == 1 {
				// As an /auto run records the plan it chose from the
				// diagnosis: the retries take it from here.
				_, plan, err := p.Query(`HKLM\SOFTWARE\wufix`, "win7-plan")
				require.NoError(t, err)
				assert.Equal(t, "windows_update", strings.TrimSpace(plan))
				regAdd(t, p, `HKLM\SOFTWARE\wufix`, "win7-plan", "component_store 800F081F")
			}
		}
		log, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0003.log`))
		require.NoError(t, err)
		assert.Contains(t, string(log), "the deferred steps of plan component_store did not finish here (scheduled 2 times): scheduling them again")
		deferred, err := os.ReadFile(p.HostPath(stageDir(t, dir, "win7") + `\wufix-deferred.txt`))
		require.NoError(t, err)
		assert.Equal(t, "component_store 800F081F\r\n", string(deferred), "the plan and code of the first scheduling, not the default plan")
		rep := readReport(t, p, "win7-0003")
		for _, s := range rep.Steps {
			assert.NotEqual(t, "component-reset", s.ID, "a retry runs none of the other steps again")
		}
		assert.NoDirExists(t, p.HostPath(`C:\windows\SoftwareDistribution.wufix-2`))

		r := p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 1, r.Code, "giving up is a failure")
		rep = readReport(t, p, "win7-0004")
		require.Len(t, rep.Steps, 1)
		assert.Equal(t, "deferred-steps", rep.Steps[0].ID)
		assert.Equal(t, "failed", rep.Steps[0].Status, "a status the report's schema and wufix report know")
		assert.Equal(t, "gave up after 3 attempts", rep.Steps[0].After)
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "win7")
		assert.NoError(t, err, "the marker is set: no more attempts")
		_, _, err = p.Query(`HKLM\SOFTWARE\wufix`, "win7-plan")
		assert.Error(t, err, "the plan of the attempts is removed with them")

		r = p.Run(dir, "run.cmd", "/gpo")
		if wine.Flake(r) {
			return true
		}
		assert.Equal(t, 0, r.Code)
		assert.NoFileExists(t, p.HostPath(`C:\windows\Logs\wufix\win7-0005.json`))
		return false
	})
}

// The deferred task's refusals reach the share too: one refused for a
// restart pending (exit 9) is in the fleet's report, not only in
// startup.log, where the fleet would see "deferred, not finished" for good.
func TestDeferredTaskRefusalsReachTheShare(t *testing.T) {
	t.Parallel()
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		share := p.HostPath(`C:\reports`)
		require.NoError(t, os.MkdirAll(share, 0o755))
		r := p.Run(dir, "run.cmd", "/gpo", `/report:C:\reports`)
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1}, r.Code, r.Stdout+r.Stderr)
		seedFile(t, p, `C:\windows\WinSxS\pending.xml`, "<PendingTransaction/>")

		r = p.Run(p.HostPath(stageDir(t, dir, "win7")), "run.cmd", "/deferred", "/quiet")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 9, r.Code, r.Stdout+r.Stderr)
		found, err := filepath.Glob(filepath.Join(share, "*-win7-0000.json"))
		require.NoError(t, err)
		require.Len(t, found, 1, "the refusal's report")
		data, err := os.ReadFile(found[0])
		require.NoError(t, err)
		assert.Contains(t, string(data), `"exit_code": 9`)
		return false
	})
}
