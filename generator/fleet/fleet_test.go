package fleet

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// report writes a report as a bundle writes it (the layout of the report
// lib's :write_report), with one step line per status given.
func report(computer, run, finished string, exit int, steps ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\r\n  \"report_version\": 1,\r\n  \"generated\": \"wufix\",\r\n  \"bundle\": \"win10\",\r\n")
	fmt.Fprintf(&b, "  \"bundle_version\": \"abc123\",\r\n  \"computer\": %q,\r\n  \"run\": %q,\r\n", computer, run)
	fmt.Fprintf(&b, "  \"mode\": \"run\",\r\n  \"plan\": \"windows_update\",\r\n  \"windows_build\": \"19045\",\r\n")
	fmt.Fprintf(&b, "  \"started\": \"2026-11-01T08:00:00\",\r\n  \"finished\": %q,\r\n  \"exit_code\": %d,\r\n", finished, exit)
	fmt.Fprintf(&b, "  \"log\": \"C:\\\\Windows\\\\Logs\\\\wufix\\\\%s.log\",\r\n  \"steps\": [\r\n", run)
	for i, s := range steps {
		id, status, _ := strings.Cut(s, "=")
		sep, rc := ",", 0
		if i == 0 {
			sep = " "
		}
		if status == "failed" {
			rc = 1
		}
		fmt.Fprintf(&b, "  %s {\"id\": %q, \"status\": %q, \"exit_code\": %d, \"before\": \"\", \"after\": \"\"}\r\n", sep, id, status, rc)
	}
	b.WriteString("  ]\r\n}\r\n")
	return b.String()
}

func write(t testing.TB, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

func summarize(t *testing.T, paths ...string) *Summary {
	t.Helper()
	c := NewCollector()
	require.NoError(t, Read(paths, 2, c))
	return c.Summary()
}

func TestOutcomesOfTheNewestRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "PC1-win10-0001.json", report("PC1", "win10-0001", "2026-11-01T08:10:00", 1, "clock-check=not needed", "component-reset=failed"))
	write(t, dir, "PC1-win10-0002.json", report("PC1", "win10-0002", "2026-11-02T08:10:00", 0, "component-reset=done"))
	write(t, dir, "PC2-win10-0001.json", report("PC2", "win10-0001", "2026-11-01T08:10:00", 3010, "component-reset=done"))
	write(t, dir, "sub/PC3-win10-0001.json", report("PC3", "win10-0001", "2026-11-01T08:10:00", 1, "component-reset=failed"))
	write(t, dir, "PC4-win10-0001.json", report("pc4", "win10-0001", "2026-11-01T08:10:00", 0, "clock-check=not needed"))
	write(t, dir, "PC5-win10-0001.json", report("PC5", "win10-0001", "2026-11-01T08:10:00", 6))
	write(t, dir, "PC6-win10-0001.json", report("PC6", "win10-0001", "2026-11-01T08:10:00", 0, "system-files-dism=deferred", "component-reset=done"))
	write(t, dir, "notes.txt", "not a report")
	// A diagnosis is no run: it does not hide PC3's failure.
	write(t, dir, "PC3-win10-diagnose.json", `{"report_version": 1, "generated": "wufix", "bundle": "win10", "computer": "PC3", "run": "win10-0000", "mode": "diagnose", "finished": "2026-11-03T08:00:00", "exit_code": 0, "findings": []}`)

	s := summarize(t, dir)
	assert.Equal(t, 7, s.Reports)
	assert.Equal(t, 2, s.Others)
	assert.Empty(t, s.Problems)
	assert.Equal(t, map[Outcome][]string{
		Fixed: {"PC1"}, Restart: {"PC2"}, Failed: {"PC3"}, Nothing: {"pc4"}, Refused: {"PC5"}, Pending: {"PC6"},
	}, s.Outcomes)
	pc1 := s.Machines[0]
	assert.Equal(t, "win10-0002", pc1.Newest.Run, "the newer run decides: failed, then fixed, is fixed")
	require.Len(t, pc1.History, 1)
	pc1.History[0].sum = 0
	assert.Equal(t, Past{Run: "win10-0001", Bundle: "win10", Finished: "2026-11-01T08:10:00", Outcome: Failed, ExitCode: 1}, pc1.History[0])
	require.Len(t, s.Failures, 2)
	assert.Equal(t, Failure{ExitCode: 6, Reason: "damaged bundle (SHA256SUMS)", Machines: []string{"PC5"}}, s.Failures[0])
	assert.Equal(t, Failure{Step: "component-reset", ExitCode: 1, Machines: []string{"PC3"}}, s.Failures[1])
	assert.Equal(t, []Group{{"win10", map[Outcome]int{Fixed: 1, Restart: 1, Failed: 1, Nothing: 1, Refused: 1, Pending: 1}}}, s.Bundles)
	assert.Contains(t, s.Steps, StepCount{"component-reset", map[string]int{"done": 3, "failed": 1}})
}

// Every kind of bad input is counted and named, never a crash or a hang.
func TestBadInputIsNamed(t *testing.T) {
	dir := t.TempDir()
	good := report("PC1", "win10-0001", "2026-11-01T08:10:00", 0, "clock-check=done")
	write(t, dir, "good.json", good)
	write(t, dir, "copy/good.json", good)
	write(t, dir, "other-claim.json", strings.Replace(good, "08:10:00", "09:10:00", 1))
	write(t, dir, "truncated.json", good[:len(good)/2])
	write(t, dir, "corrupt.json", strings.Replace(good, `"run":`, `"run"`, 1))
	write(t, dir, "empty.json", "")
	write(t, dir, "huge.json", `{"generated": "wufix", "computer": "`+strings.Repeat("A", MaxSize)+`"}`)
	write(t, dir, "deep.json", strings.Repeat("[", 200000)+strings.Repeat("]", 200000))
	write(t, dir, "future.json", strings.Replace(good, `"report_version": 1`, `"report_version": 9`, 1))
	write(t, dir, "other.json", `{"name": "package.json", "version": "1.0.0"}`)
	write(t, dir, "partial.json", `{"generated": "wufix", "bundle": "win7"}`)
	write(t, dir, "wrongtype.json", strings.Replace(good, `"exit_code": 0,`, `"exit_code": "zero",`, 1))
	write(t, dir, "binary.json", "\x00\x01\x02MZ")
	write(t, dir, "two.json", good+good)

	s := summarize(t, dir)
	assert.Equal(t, 1, s.Reports)
	reasons := map[string]string{}
	for _, p := range s.Problems {
		rel, err := filepath.Rel(dir, p.File)
		require.NoError(t, err)
		reasons[rel] = p.Reason
	}
	want := map[string]string{
		"good.json":        "a copy of run win10-0001 of win10 on PC1, read already: counted once", // found after copy/good.json
		"other-claim.json": "claims run win10-0001 of win10 on PC1, which a report read already gives other times",
		"truncated.json":   "cut short",
		"corrupt.json":     "7:9: broken JSON",
		"empty.json":       "empty: no JSON value",
		"huge.json":        "larger than 1024 KiB",
		"deep.json":        "broken JSON",
		"future.json":      "report version 9, from a newer wufix",
		"other.json":       "not a wufix report",
		"partial.json":     "no computer, exit_code, mode, run: not a whole wufix report",
		"wrongtype.json":   `field "exit_code" holds a JSON string`,
		"binary.json":      "1:1: broken JSON",
		"two.json":         "more than one JSON value",
	}
	assert.Len(t, reasons, len(want), "%v", reasons)
	for file, part := range want {
		assert.Contains(t, reasons[file], part, file)
	}
}

func TestUTF16ReportIsRead(t *testing.T) {
	good := report("PC1", "win10-0001", "2026-11-01T08:10:00", 0, "clock-check=done")
	units := utf16.Encode([]rune(good))
	le := []byte{0xFF, 0xFE}
	for _, u := range units {
		le = append(le, byte(u), byte(u>>8))
	}
	r, err := Parse(le)
	require.NoError(t, err)
	assert.Equal(t, "PC1", r.Computer)
	_, err = Parse(le[:len(le)-1])
	assert.ErrorContains(t, err, "odd number of bytes")
}

func TestVersionZeroReportsAreRead(t *testing.T) {
	old := strings.Replace(report("PC1", "win10-0001", "2026-11-01T08:10:00", 0), "  \"report_version\": 1,\r\n", "", 1)
	r, err := Parse([]byte(old))
	require.NoError(t, err)
	assert.Equal(t, 0, r.Version)
}

func TestZipOfAShare(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"share/PC1-win10-0001.json": report("PC1", "win10-0001", "2026-11-01T08:10:00", 0, "clock-check=done"),
		"share/PC2-win10-0001.json": report("PC2", "win10-0001", "2026-11-01T08:10:00", 1, "clock-check=failed"),
		"share/readme.txt":          "x",
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	dir := t.TempDir()
	write(t, dir, "share.zip", buf.String())
	write(t, dir, "broken.zip", "PK not really")
	s := summarize(t, dir)
	assert.Equal(t, 2, s.Reports)
	assert.Equal(t, 1, s.Others)
	require.Len(t, s.Problems, 1)
	assert.Contains(t, s.Problems[0].Reason, "not a readable .zip")
}

func TestOldAndMissingMachines(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.json", report("PC1", "win10-0001", "2026-11-01T08:10:00", 0))
	write(t, dir, "b.json", report("PC2", "win10-0001", "2026-12-03T08:10:00", 0))
	s := summarize(t, dir)
	s.Judge(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), 7*24*time.Hour, []string{"pc2", "PC3", "PC1"})
	require.Len(t, s.Old, 1)
	assert.Equal(t, "PC1", s.Old[0].Name)
	assert.Equal(t, []string{"PC3"}, s.Missing)
}

func TestReadRefusesAMissingPath(t *testing.T) {
	err := Read([]string{filepath.Join(t.TempDir(), "nope")}, 2, NewCollector())
	assert.ErrorContains(t, err, "no such file or directory")
}

// Reports written by bundles run under Wine (test/proof), each with
// the outcome it stands for.
func TestReportsFromRealBundles(t *testing.T) {
	want := map[string]Outcome{
		"win7-fixed.json": Fixed, "win7-undone.json": Undone, "win7-failed.json": Failed, "win10-restart.json": Restart,
		"win10-refused.json": Refused, // /auto found only a code no plan answers (exit 11)
	}
	dir := t.TempDir()
	for name, outcome := range want {
		data, err := os.ReadFile(filepath.Join("testdata", "wine", name))
		require.NoError(t, err)
		r, err := Parse(data)
		require.NoError(t, err, name)
		assert.Equal(t, outcome, r.Outcome(), name)
		assert.Equal(t, Version, r.Version, name)
		// Wine calls every machine VM: give each report a machine of its own.
		machine := strings.TrimSuffix(name, ".json")
		write(t, dir, name, strings.Replace(string(data), `"computer": "VM"`, `"computer": "`+machine+`"`, 1))
	}
	s := summarize(t, dir)
	assert.Equal(t, map[Outcome][]string{
		Restart: {"win10-restart"}, Refused: {"win10-refused"}, Failed: {"win7-failed"}, Fixed: {"win7-fixed"}, Undone: {"win7-undone"},
	}, s.Outcomes)
	assert.Equal(t, []Failure{
		{ExitCode: 11, Reason: "no plan answers the failing codes found (/auto)", Machines: []string{"win10-refused"}},
		{Step: "component-reset", ExitCode: 1, Machines: []string{"win7-failed"}},
	}, s.Failures)
	assert.Equal(t, []Group{{"win10", map[Outcome]int{Restart: 1, Refused: 1}}, {"win7", map[Outcome]int{Failed: 1, Fixed: 1, Undone: 1}}}, s.Bundles)

	// The same machine's three runs: the newest decides, the rest is history.
	one := t.TempDir()
	for _, name := range []string{"win7-fixed.json", "win7-undone.json", "win7-failed.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "wine", name))
		require.NoError(t, err)
		write(t, one, name, string(data))
	}
	s = summarize(t, one)
	require.Len(t, s.Machines, 1)
	assert.Equal(t, "win7-0003", s.Machines[0].Newest.Run)
	assert.Equal(t, []Outcome{Fixed, Undone}, []Outcome{s.Machines[0].History[0].Outcome, s.Machines[0].History[1].Outcome})
}

// docs/report.schema.json and this package agree on the format.
func TestSchemaMatchesTheReader(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.schema.json"))
	require.NoError(t, err)
	var schema struct {
		Required   []string `json:"required"`
		Properties map[string]struct {
			Const any `json:"const"`
			Items struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	assert.EqualValues(t, Version, schema.Properties["report_version"].Const)
	assert.ElementsMatch(t, StepStatuses, schema.Properties["steps"].Items.Properties["status"].Enum)
	// Every required field is one Parse insists on.
	_, err = Parse([]byte(`{"generated": "wufix"}`))
	require.Error(t, err)
	for _, f := range schema.Required {
		if f != "generated" {
			assert.Contains(t, err.Error(), f)
		}
	}
}
