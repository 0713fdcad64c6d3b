package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// share copies the reports bundles wrote under Wine into a folder, one
// machine per report (Wine calls every machine VM), as a share holds them.
func share(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "generator", "fleet", "testdata", "wine")
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		pc := strings.ToUpper(strings.TrimSuffix(e.Name(), ".json"))
		data = []byte(strings.Replace(string(data), `"computer": "VM"`, `"computer": "`+pc+`"`, 1))
		require.NoError(t, os.WriteFile(filepath.Join(dir, pc+".json"), data, 0o644))
	}
	return dir
}

func TestReportText(t *testing.T) {
	code, out, errOut := runCLI("report", share(t))
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	assert.Contains(t, out, "5 machines, 5 reports\n")
	assert.Contains(t, out, "  refused                       1  WIN10-REFUSED\n")
	assert.Contains(t, out, "  failed                        1  WIN7-FAILED\n")
	assert.Contains(t, out, "  fixed, restart needed         1  WIN10-RESTART\n")
	assert.Contains(t, out, "  step component-reset failed, exit 1: 1 machines: WIN7-FAILED\n")
}

func TestReportFailOn(t *testing.T) {
	dir := share(t)
	code, _, errOut := runCLI("report", "--fail-on", "failed", dir)
	assert.Equal(t, 1, code, "a machine failed")
	assert.Empty(t, errOut)
	code, _, _ = runCLI("report", "--fail-on", "pending", dir)
	assert.Equal(t, 0, code, "none is pending")
	code, _, errOut = runCLI("report", "--fail-on", "broken", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--fail-on broken: choose from missing, old, failed, refused")
}

func TestReportCSVAndJSON(t *testing.T) {
	dir := share(t)
	code, out, errOut := runCLI("report", "--format", "csv", dir)
	require.Equal(t, 0, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 6)
	assert.Equal(t, []string{"computer", "outcome", "bundle"}, rows[0][:3])
	assert.Equal(t, []string{"WIN10-REFUSED", "refused", "win10"}, rows[1][:3])
	assert.Equal(t, []string{"WIN10-RESTART", "restart", "win10"}, rows[2][:3])

	code, out, errOut = runCLI("report", "--format", "json", dir)
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Reports  int                 `json:"reports"`
		Outcomes map[string][]string `json:"outcomes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, 5, doc.Reports)
	assert.Equal(t, []string{"WIN7-UNDONE"}, doc.Outcomes["undone"])
}

func TestReportHTMLExpectAndAge(t *testing.T) {
	dir := share(t)
	expect := filepath.Join(t.TempDir(), "pcs.txt")
	require.NoError(t, os.WriteFile(expect, []byte("\ufeff# fleet\r\nwin7-fixed\r\nPC-GONE\r\n\r\n"), 0o644))
	page := filepath.Join(t.TempDir(), "fleet.html")
	now = func() time.Time { return time.Date(2027, 1, 30, 0, 0, 0, 0, time.UTC) }
	defer func() { now = time.Now }()
	code, out, errOut := runCLI("report", "--expect", expect, "--older-than", "30d", "--html", page, "--fail-on", "missing", dir)
	assert.Equal(t, 1, code, "a machine never reported")
	assert.Empty(t, errOut)
	assert.Contains(t, out, "Never reported: 1 machines PC-GONE\n")
	assert.Contains(t, out, "No report for more than 30 days: 5 machines")
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(html), `<p id="missing">PC-GONE</p>`)
	assert.NoFileExists(t, page+".tmp")
}

func TestReportBadUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"report"}, "wufix: report takes one or more folders or .zip files of reports\n"},
		{[]string{"report", "--format", "xml", "."}, "wufix: --format xml: choose text, csv or json\n"},
		{[]string{"report", "--older-than", "soon", "."}, "wufix: --older-than soon: give an age such as 30d or 12h\n"},
		{[]string{"report", filepath.Join(t.TempDir(), "none")}, "no such file or directory"},
	} {
		code, out, errOut := runCLI(c.args...)
		assert.Equal(t, 2, code, c.args)
		assert.Empty(t, out, c.args)
		assert.Contains(t, errOut, c.msg, c.args)
	}
}

func TestReportFlagValuesComplete(t *testing.T) {
	assert.Equal(t, []string{"csv"}, candidates(newApp(nil, nil), []string{"report", "--format"}, "c"))
	assert.Equal(t, []string{"failed", "fixed"}, candidates(newApp(nil, nil), []string{"report", "--fail-on"}, "f"))
	// Every outcome --fail-on accepts completes, and nothing else.
	opts := append([]string{"missing", "old"}, outcomeNames()...)
	assert.ElementsMatch(t, opts, fixedValues["fail-on"])
}
