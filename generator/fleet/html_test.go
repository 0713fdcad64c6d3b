package fleet

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fleetPage writes a page for six machines and returns its path.
func fleetPage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "r/PC-B.json", report("PC-B", "win10-0001", "2026-11-01T08:10:00", 1, "component-reset=failed"))
	write(t, dir, "r/PC-A.json", report("PC-A", "win10-0001", "2026-11-02T08:10:00", 0, "component-reset=done"))
	write(t, dir, "r/PC-C.json", report("PC-C", "win10-0001", "2026-11-03T08:10:00", 3010, "component-reset=done"))
	write(t, dir, "r/PC-D.json", report("PC-D", "win10-0001", "2026-11-04T08:10:00", 1, "clock-check=failed"))
	write(t, dir, "r/PC-E.json", report("PC-E", "win10-0001", "2026-11-05T08:10:00", 5))
	write(t, dir, "r/x<script>.json", `{"generated": "wufix", "computer": "</script><b>x</b>"}`)
	s := summarize(t, filepath.Join(dir, "r"))
	s.Judge(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 0, []string{"PC-A", "PC-Z"})
	var buf bytes.Buffer
	require.NoError(t, s.HTML(&buf))
	page := filepath.Join(dir, "fleet.html")
	require.NoError(t, os.WriteFile(page, buf.Bytes(), 0o644))
	return page
}

// The page needs nothing from outside: no URL but its own fragment.
func TestPageIsSelfContained(t *testing.T) {
	data, err := os.ReadFile(fleetPage(t))
	require.NoError(t, err)
	page := string(data)
	assert.NotRegexp(t, `(?i)(src|href)\s*=`, page)
	assert.NotRegexp(t, `(?i)https?://|@import|url\(`, page)
	assert.NotContains(t, page, "<b>x</b>", "report text is escaped")
}

// rendered opens the page in headless Chromium and returns the DOM after
// the page's script ran.
func rendered(t *testing.T, url string) string {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("WUFIX_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is required (WUFIX_REQUIRE_BROWSER)")
		}
		t.Skip("no chromium: the page's script is not run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=5000", "--dump-dom", url)
	out, err := cmd.Output()
	require.NoError(t, err, "chromium: %s", out)
	return string(out)
}

var rowCell = regexp.MustCompile(`<tr><td>([^<]*)</td><td class="o-(\w+)">`)

// shown lists the machines table's rows as "NAME outcome".
func shown(dom string) []string {
	table := dom[strings.Index(dom, `id="machines"`):]
	table = table[:strings.Index(table, "</table>")]
	var out []string
	for _, m := range rowCell.FindAllStringSubmatch(table, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

func TestPageInABrowser(t *testing.T) {
	page := fleetPage(t)
	dom := rendered(t, "file://"+page)
	assert.Equal(t, []string{"PC-A fixed", "PC-B failed", "PC-C restart", "PC-D failed", "PC-E refused"}, shown(dom))
	assert.Contains(t, dom, "5 of 5 machines")
	assert.Contains(t, dom, `<p id="missing">PC-Z</p>`)
	assert.Contains(t, dom, `id="chart"`)

	dom = rendered(t, "file://"+page+"#outcome=failed")
	assert.Equal(t, []string{"PC-B failed", "PC-D failed"}, shown(dom), "filtered by outcome")
	assert.Contains(t, dom, "2 of 5 machines")

	dom = rendered(t, "file://"+page+"#q=clock")
	assert.Equal(t, []string{"PC-D failed"}, shown(dom), "filtered by text: a failed step's name")

	dom = rendered(t, "file://"+page+"#sort=finished&desc=1")
	assert.Equal(t, []string{"PC-E refused", "PC-D failed", "PC-C restart", "PC-A fixed", "PC-B failed"}, shown(dom), "sorted, newest first")
	assert.Contains(t, dom, `data-key="finished" class="desc"`)
}
