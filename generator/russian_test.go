package generator_test

import (
	"bytes"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// The Russian files are checked against the English ones by the tokens a
// technician acts on: step ids, run.cmd's switches and the exit codes.

const bom = "\xef\xbb\xbf"

// russianText checks the encoding of a Russian file (UTF-8 with a BOM,
// CRLF only, ending in CRLF) and returns its text with LF line endings.
func russianText(t *testing.T, out *generator.Output, name string) string {
	t.Helper()
	data, ok := out.Files[name]
	require.True(t, ok, "%s is not in the build", name)
	require.True(t, bytes.HasPrefix(data, []byte(bom)), "%s: no UTF-8 byte-order mark", name)
	require.True(t, utf8.Valid(data), "%s: not valid UTF-8", name)
	text := string(data[len(bom):])
	assert.Equal(t, strings.Count(text, "\n"), strings.Count(text, "\r\n"), "%s: a line ends without CR", name)
	assert.NotContains(t, strings.ReplaceAll(text, "\r\n", ""), "\r", "%s: a lone CR", name)
	assert.True(t, strings.HasSuffix(text, "\r\n"), "%s: the last line has no CRLF", name)
	assert.True(t, regexp.MustCompile(`\p{Cyrillic}`).MatchString(text), "%s: no Russian text", name)
	return strings.ReplaceAll(text, "\r\n", "\n")
}

func englishText(t *testing.T, out *generator.Output, name string) string {
	t.Helper()
	data, ok := out.Files[name]
	require.True(t, ok, "%s is not in the build", name)
	for i, c := range data {
		require.True(t, c == '\r' || c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f), "%s: byte %d (0x%02x) is not ASCII", name, i, c)
	}
	return strings.ReplaceAll(string(data), "\r\n", "\n")
}

var (
	// stepHeading is a step's heading under Steps, and planEntry a step in
	// a plan's list: both start with the step id.
	stepHeading = regexp.MustCompile(`(?m)^([a-z][a-z0-9-]+): `)
	planEntry   = regexp.MustCompile(`(?m)^  \d+\. ([a-z][a-z0-9-]+): `)
	// usage lines show run.cmd with its switches; a switch with a value
	// keeps its name and colon, /with:ID its step id.
	usageLine = regexp.MustCompile(`(?m)^ +run\.cmd\b.*$`)
	switchTok = regexp.MustCompile(`/[a-z]+(?::[a-z0-9-]+|:)?`)
	// exitRow is a row of the exit-code table, indented four spaces.
	exitRow = regexp.MustCompile(`(?m)^    (\d+) {2,}\S`)
)

func switches(text string) []string {
	var out []string
	for _, line := range usageLine.FindAllString(text, -1) {
		for _, s := range switchTok.FindAllString(line, -1) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

func submatches(re *regexp.Regexp, text string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// section is the text from a heading line to the next blank line followed
// by a heading (a line underlined with dashes).
func section(t *testing.T, text, heading string) string {
	t.Helper()
	i := strings.Index(text, "\n"+heading+"\n")
	require.GreaterOrEqual(t, i, 0, "no section %q", heading)
	rest := text[i+1:]
	next := regexp.MustCompile(`\n\n[^\n]+\n-{3,}\n`).FindStringIndex(rest[len(heading)+1:])
	if next == nil {
		return rest
	}
	return rest[:len(heading)+1+next[0]]
}

func exitCodes(t *testing.T, text, heading string) []int {
	t.Helper()
	var codes []int
	for _, s := range submatches(exitRow, section(t, text, heading)) {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		codes = append(codes, n)
	}
	return codes
}

func TestRussianReadmeMatchesEnglish(t *testing.T) {
	out := buildAll(t)
	c := loadAll(t)
	for _, tg := range c.Targets {
		id := tg.ID.Value
		t.Run(id, func(t *testing.T) {
			en := englishText(t, out, id+"/README.txt")
			ru := russianText(t, out, id+"/README.ru.txt")

			steps := submatches(stepHeading, section(t, en, "Steps"))
			require.NotEmpty(t, steps)
			assert.Equal(t, steps, submatches(stepHeading, section(t, ru, "Шаги")), "step headings")
			assert.ElementsMatch(t, manifestSteps(t, out, id), steps, "the README describes every step of the bundle once")
			assert.Equal(t, submatches(planEntry, en), submatches(planEntry, ru), "plan lists")

			sw := switches(en)
			for _, want := range []string{"/plan", "/undo", "/quiet", "/gpo", "/report:"} {
				assert.Contains(t, sw, want)
			}
			assert.Equal(t, sw, switches(ru), "run.cmd switches")

			codes := exitCodes(t, en, "Exit codes")
			assert.Equal(t, codes, exitCodes(t, ru, "Коды завершения"), "exit codes")
			assert.True(t, slices.IsSorted(codes), "exit codes out of order: %v", codes)
			assert.Equal(t, 0, codes[0])
			assert.Equal(t, 3010, codes[len(codes)-1])

			bullets := regexp.MustCompile(`(?m)^- `)
			refusedEN := section(t, en, "What this bundle will not do, and why")
			assert.NotEmpty(t, bullets.FindAllString(refusedEN, -1))
			assert.Len(t, bullets.FindAllString(section(t, ru, "Чего этот пакет не делает, и почему"), -1),
				len(bullets.FindAllString(refusedEN, -1)), "refused advice")

			// Each README says the console stays English and points to the other.
			assert.Contains(t, en, "README.ru.txt")
			assert.Contains(t, flat(en), "English and plain ASCII")
			assert.Contains(t, flat(ru), "только по-английски и только ASCII")
		})
	}
}

// The console messages the Russian README explains are the ones run.cmd
// and wufix.cmd print: each fragment between "..." is in the scripts, with
// their variables read as "...".
func TestRussianReadmeQuotesRealMessages(t *testing.T) {
	out := buildAll(t)
	vars := regexp.MustCompile(`%~?[0-9]|%[A-Za-z_]+%|![A-Za-z_]+!`)
	top := vars.ReplaceAllString(string(out.Files["wufix.cmd"]), "...")
	quoted := regexp.MustCompile(`(?m)^  ((?:run|wufix)\.cmd: .*)$`)
	for _, id := range []string{"xp", "win10", "server2025"} {
		script := vars.ReplaceAllString(string(out.Files[id+"/run.cmd"]), "...") + top
		msgs := submatches(quoted, section(t, russianText(t, out, id+"/README.ru.txt"), "Сообщения в консоли"))
		require.GreaterOrEqual(t, len(msgs), 7, id)
		for _, msg := range msgs {
			for _, frag := range strings.Split(msg, "...") {
				frag = strings.Trim(frag, " .()")
				if len(frag) > 3 {
					assert.Contains(t, script, frag, "%s: the README quotes %q", id, msg)
				}
			}
		}
	}
}

func TestRussianDeploymentFiles(t *testing.T) {
	out := buildAll(t)
	for _, name := range []string{"gpo/README", "intune/README", "INDEX"} {
		en := englishText(t, out, name+".txt")
		ru := russianText(t, out, name+".ru.txt")
		assert.Contains(t, flat(en), "ru.txt is this file in Russian", name)
		assert.Contains(t, flat(ru), "только по-английски и только ASCII", name)
		assert.Equal(t, allSwitches(en), allSwitches(ru), "%s: run.cmd switches", name)
	}
	assert.Subset(t, allSwitches(englishText(t, out, "gpo/README.txt")), []string{"/gpo", "/undo"})
	assert.Subset(t, allSwitches(englishText(t, out, "INDEX.txt")), []string{"/plan", "/undo", "/quiet"})
	sums := string(out.Files["SHA256SUMS"])
	for _, name := range []string{"INDEX.txt", "INDEX.ru.txt", "gpo/README.ru.txt", "intune/README.ru.txt"} {
		assert.Regexp(t, `(?m)^[0-9a-f]{64}  `+regexp.QuoteMeta(name)+`$`, sums)
	}
	for _, id := range []string{"xp", "win11"} {
		assert.Regexp(t, `(?m)^[0-9a-f]{64}  README\.ru\.txt$`, string(out.Files[id+"/SHA256SUMS"]))
		assert.Contains(t, string(out.Files[id+"/manifest.json"]), `"path": "README.ru.txt"`)
	}
}

// INDEX lists every edition of every target, from the catalog's data, with
// the folder that serves it; the usual names people look for are there.
func TestIndexListsEveryEditionAndFolder(t *testing.T) {
	out := buildAll(t)
	c := loadAll(t)
	en := englishText(t, out, "INDEX.txt")
	ru := russianText(t, out, "INDEX.ru.txt")
	for _, text := range []string{en, ru} {
		for _, tg := range c.Targets {
			require.NotEmpty(t, tg.Editions, tg.ID.Value)
			for _, e := range tg.Editions {
				row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(e.Name) + ` +` + regexp.QuoteMeta(e.Range(tg).String()) + ` +` + tg.ID.Value + `$`)
				assert.Regexp(t, row, text)
			}
		}
	}
	for _, name := range []string{"Windows XP Professional SP3", "Windows XP Professional x64 Edition SP2",
		"Windows Server 2003 R2 SP2", "Windows Vista SP2", "Windows Server 2008 SP2", "Windows 7 SP1",
		"Windows Server 2008 R2 SP1", "Windows 8", "Windows Server 2012", "Windows 8.1", "Windows Server 2012 R2",
		"Windows 10 1507-22H2", "Windows Server 2016", "Windows Server 2019", "Windows Server 2022",
		"Windows 11 21H2-25H2", "Windows Server 2025", "Windows 10 Enterprise multi-session",
		"Windows 11 Enterprise multi-session"} {
		assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(name)+`  `, en)
	}
	assert.Regexp(t, `(?m)^Windows Server 2019 +17763 +server2016$`, en)
	assert.Contains(t, en, "wufix.cmd")
}

// A build of some targets marks the others as not in it.
func TestIndexMarksTargetsNotBuilt(t *testing.T) {
	out, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win7"}})
	require.NoError(t, err)
	en := englishText(t, out, "INDEX.txt")
	assert.Regexp(t, `(?m)^Windows 7 SP1 +7600-7601 +win7$`, en)
	assert.Regexp(t, `(?m)^Windows Server 2022 +20348 +server2016 \(not in this build\)$`, en)
	assert.Regexp(t, `(?m)^Windows Server 2022 +20348 +server2016 \(нет в этой сборке\)$`, russianText(t, out, "INDEX.ru.txt"))
}

func TestCatalogRequiresRussianText(t *testing.T) {
	cases := []struct {
		name    string
		changes func(t *testing.T) map[string]string
		want    []string
	}{
		{
			name: "step without its Russian title",
			changes: func(t *testing.T) map[string]string {
				f := "templates/steps/component-reset/step.yaml"
				return map[string]string{f: edit(t, f, "title_ru: Сбросить компоненты Центра обновления Windows\n", "")}
			},
			want: []string{`templates/steps/component-reset/step.yaml:1:5: title_ru is required: the Russian README and explain --lang ru show it`},
		},
		{
			name: "plan with English in summary_ru",
			changes: func(t *testing.T) map[string]string {
				f := "templates/plans/service-disabled.yaml"
				return map[string]string{f: editRe(t, f, `(?m)^summary_ru: >-\n(  .*\n)+`, "summary_ru: A service is disabled.\n")}
			},
			want: []string{`templates/plans/service-disabled.yaml:2:5: summary_ru: "A service is disabled." has no Russian letter`},
		},
		{
			name: "error code without meaning_ru",
			changes: func(t *testing.T) map[string]string {
				f := "templates/errors.yaml"
				return map[string]string{f: editRe(t, f, `(?m)^  meaning_ru: >-\n    Служба, нужная(.*\n)(    .*\n)*`, "")}
			},
			want: []string{`templates/errors.yaml:81:3: meaning_ru is required: the Russian README and explain --lang ru show it`},
		},
		{
			name: "edition outside the target's builds",
			changes: func(t *testing.T) map[string]string {
				f := "targets/server2016.yaml"
				return map[string]string{f: edit(t, f, "{name: Windows Server 2022, builds: {min: 20348, max: 20348}}", "{name: Windows Server 2022, builds: {min: 20348, max: 20349}}")}
			},
			want: []string{`targets/server2016.yaml:10:1: edition "Windows Server 2022": builds 20348-20349 are not inside the target's 14393-20348`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generator.Build(overlay(t, tc.changes(t)), generator.Options{})
			require.Error(t, err)
			assert.Equal(t, tc.want, strings.Split(err.Error(), "\n"))
		})
	}
}

// editRe is edit with a regular expression, replacing its first match.
func editRe(t *testing.T, file, pattern, repl string) string {
	t.Helper()
	data, err := fs.ReadFile(wufix.Catalog, file)
	require.NoError(t, err)
	re := regexp.MustCompile(pattern)
	loc := re.FindStringIndex(string(data))
	require.NotNil(t, loc, "test setup: %s no longer matches %s", file, pattern)
	return string(data[:loc[0]]) + repl + string(data[loc[1]:])
}

// flat joins a text's lines, so a phrase wrapped over two lines is found.
func flat(text string) string { return strings.Join(strings.Fields(text), " ") }

// allSwitches are the run.cmd switches a text names anywhere.
func allSwitches(text string) []string {
	var out []string
	for _, s := range regexp.MustCompile(`(?:^|[\s\[(])(/[a-z]+:?)`).FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, s[1]) {
			out = append(out, s[1])
		}
	}
	slices.Sort(out)
	return out
}
