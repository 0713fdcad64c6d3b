package generator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// lines returns a generated text file's lines, CRLF taken off.
func lines(t *testing.T, out *generator.Output, name string) []string {
	t.Helper()
	data, ok := out.Files[name]
	require.True(t, ok, "%s is not in the build", name)
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n")
}

func manifestSteps(t *testing.T, out *generator.Output, target string) []string {
	t.Helper()
	var m struct {
		Steps []struct{ ID string } `json:"steps"`
	}
	require.NoError(t, json.Unmarshal(out.Files[target+"/manifest.json"], &m))
	var ids []string
	for _, s := range m.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

var contentsLine = regexp.MustCompile(`^rem +(\d+)  ([a-z0-9-]+) +:(do_[a-z0-9_]+)$`)

// The contents in run.cmd's header name, for every step of the bundle, the
// line its section starts on; that line must hold the step's label.
func TestContentsListEveryStepAtItsLabel(t *testing.T) {
	out := buildAll(t)
	for _, target := range out.Targets {
		t.Run(target, func(t *testing.T) {
			script := lines(t, out, target+"/run.cmd")
			var listed, labels []string
			for _, line := range script {
				if m := contentsLine.FindStringSubmatch(line); m != nil {
					listed = append(listed, m[2])
					n, _ := strconv.Atoi(m[1])
					require.True(t, n >= 1 && n <= len(script), "line %d is outside run.cmd", n)
					assert.Equal(t, ":"+m[3], script[n-1], "the contents put %s at line %d", m[2], n)
					assert.Equal(t, "do_"+strings.ReplaceAll(m[2], "-", "_"), m[3])
				}
				if strings.HasPrefix(line, ":do_") {
					labels = append(labels, line)
				}
			}
			assert.Equal(t, manifestSteps(t, out, target), listed, "every step, in the order of the sections")
			assert.Len(t, labels, len(listed), "every step section is in the contents")
		})
	}
}

// changing is this test's own list of commands that change a computer,
// kept apart from templates/changes.yaml so that the inventory is checked
// against a second opinion.
var changing = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\\reg\.exe" (add|delete|import|copy|restore|load)\b`),
	regexp.MustCompile(`(?i)\\sc\.exe" (config|sdset|stop|start|failure|delete|create|control)\b`),
	regexp.MustCompile(`(?i)\\net\.exe" (stop|start|user|localgroup|share)\b`),
	regexp.MustCompile(`(?i)\\netsh\.exe" .*\b(reset|set|add|delete|import)\b`),
	regexp.MustCompile(`(?i)\\icacls\.exe" .*/(grant|deny|remove|setowner|restore|reset)\b`),
	regexp.MustCompile(`(?i)\\(takeown|wusa|regsvr32|xcopy|robocopy|wuauclt|bcdedit|pnputil)\.exe"`),
	regexp.MustCompile(`(?i)\\schtasks\.exe" /(create|delete|run|change|end)\b`),
	regexp.MustCompile(`(?i)\\dism\.exe" /online /english (%dism_args%|/add-package|/remove-package|/enable-feature|/disable-feature)`),
	regexp.MustCompile(`(?i)\\sfc\.exe" /scannow`),
	regexp.MustCompile(`(?i)\\w32tm\.exe" /(resync|config|register|unregister)`),
	regexp.MustCompile(`(?i)\\proxycfg\.exe" -[dpu]\b`),
	regexp.MustCompile(`(?i)\\bitsadmin\.exe" /(reset|cancel|complete|create|transfer)`),
	regexp.MustCompile(`(?i)\\powershell\.exe" .*\b(Set|Add|Remove|Enable|Disable)-Mp`),
	regexp.MustCompile(`^\s*"%[A-Za-z_]+%" `),
	regexp.MustCompile(`(?i)(^|[\s(])(ren|rename|move|mkdir|md|rd|rmdir|del|erase|copy) `),
}

// inventoried maps each step of CHANGES.txt to the run.cmd lines it lists.
func inventoried(changes []string) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	var step map[int]bool
	entry := regexp.MustCompile(`^([a-z0-9-]+): `)
	listed := regexp.MustCompile(`^ +(\d+)  `)
	for _, line := range changes {
		if line == "run.cmd itself" {
			step = nil // run.cmd's own commands follow, under no step
		}
		if m := entry.FindStringSubmatch(line); m != nil {
			step = map[int]bool{}
			out[m[1]] = step
		}
		if m := listed.FindStringSubmatch(line); m != nil && step != nil {
			n, _ := strconv.Atoi(m[1])
			step[n] = true
		}
	}
	return out
}

// Every command in a step's do block that changes the computer is in
// CHANGES.txt under that step, at its run.cmd line. A new kind of command
// that templates/changes.yaml does not classify fails the build itself.
func TestChangesListEveryChangingCommandOfEachDoBlock(t *testing.T) {
	out := buildAll(t)
	for _, target := range out.Targets {
		t.Run(target, func(t *testing.T) {
			script := lines(t, out, target+"/run.cmd")
			listed := inventoried(lines(t, out, target+"/CHANGES.txt"))
			found := 0
			for _, id := range manifestSteps(t, out, target) {
				require.Contains(t, listed, id, "CHANGES.txt has no entry for step %s", id)
				for _, n := range doBlockChanges(script, strings.ReplaceAll(id, "-", "_")) {
					found++
					assert.True(t, listed[id][n], "run.cmd:%d (%s) is not listed under %s", n, strings.TrimSpace(script[n-1]), id)
				}
			}
			assert.NotZero(t, found, "the check found no changing command at all")
		})
	}
}

// doBlockChanges returns the lines of the do block of the step labelled
// label (from :do_<label> to :preview_<label>) that run a changing command.
func doBlockChanges(script []string, label string) []int {
	var out []int
	in := false
	for i, line := range script {
		switch line {
		case ":do_" + label:
			in = true
		case ":preview_" + label:
			return out
		}
		trimmed := strings.ToLower(strings.TrimSpace(line))
		if !in || strings.HasPrefix(trimmed, "rem ") || strings.HasPrefix(trimmed, `set "`) {
			continue
		}
		for _, re := range changing {
			if re.MatchString(line) {
				out = append(out, i+1)
				break
			}
		}
	}
	return out
}

// run.cmd's own changes (the /gpo marker, task and local copy, the logs
// folder) are listed after the steps, each command once there and nowhere
// else, and no step's do block is.
func TestChangesListRunCmdsOwnOnce(t *testing.T) {
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win10"}})
	require.NoError(t, err)
	text := string(out.Files["win10/CHANGES.txt"])
	own := text[strings.Index(text, "\r\nrun.cmd itself\r\n"):]
	for _, want := range []string{`reg.exe add "HKLM\SOFTWARE\wufix"`, "schtasks.exe /create", "xcopy.exe", `mkdir "%WUFIX_LOGS%"`} {
		assert.Contains(t, own, want)
		assert.Equal(t, strings.Count(own, want), strings.Count(text, want), "%s is listed in run.cmd's own part only", want)
	}
	assert.NotContains(t, own, "[do_", "a step's do block is not run.cmd's own")
}

// CHANGES.txt is a file of the bundle like any other: SHA256SUMS and
// manifest.json list it with its digest.
func TestChangesIsSealed(t *testing.T) {
	out := buildAll(t)
	for _, target := range out.Targets {
		data := out.Files[target+"/CHANGES.txt"]
		require.NotEmpty(t, data, target)
		sum := sha256.Sum256(data)
		digest := hex.EncodeToString(sum[:])
		assert.Contains(t, string(out.Files[target+"/SHA256SUMS"]), digest+"  CHANGES.txt\n", target)
		assert.Contains(t, string(out.Files[target+"/manifest.json"]),
			fmt.Sprintf("\"path\": \"CHANGES.txt\",\n      \"size\": %d,\n      \"sha256\": %q", len(data), digest), target)
	}
}

// A command templates/changes.yaml does not classify stops the build, at
// each run.cmd line that runs it.
func TestUnclassifiedCommandFailsTheBuild(t *testing.T) {
	changes := edit(t, "templates/changes.yaml", "  sc sdset: replaces a service's security descriptor\n", "")
	_, err := generator.Build(overlay(t, map[string]string{"templates/changes.yaml": changes}), generator.Options{Targets: []string{"win7"}})
	require.Error(t, err)
	assert.Regexp(t, `render win7/CHANGES.txt: change inventory: run\.cmd:\d+: sc sdset %svc% %sddl_new%: no key in templates/changes.yaml classifies it`, err.Error())
}
