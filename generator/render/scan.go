package render

import (
	"regexp"
	"sort"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// The change inventory is read off run.cmd as rendered, pruned and
// numbered, so it lists what the bundle really runs. This file splits the
// script into paragraphs, links them by the names their code uses, and
// finds the commands on each line.

// paragraph is a stretch of run.cmd from a label that opens a paragraph
// (after a blank line or a comment) to the next one; the first runs from
// line 1. Labels after code belong to the paragraph they stand in.
type paragraph struct {
	name  string // the label without ':', "" for the first
	start int    // line of the label, from 1
	lines []string
}

var (
	labelLine = regexp.MustCompile(`^:([A-Za-z0-9_]+)$`)
	// dynamicCall is a call whose label is pieced together at run time
	// (call :do_%~2): it may reach every label that starts that way.
	dynamicCall = regexp.MustCompile(`:([A-Za-z0-9_]+_)%`)
	toolCall    = regexp.MustCompile(`"%SystemRoot%\\(?:[^"\\]+\\)*([^"\\]+)\.exe"`)
	builtinCall = regexp.MustCompile(`(?i)(?:^|[\s(&])(` + strings.Join(catalog.Builtins, "|") + `)(?:\s|$)`)
	echoWord    = regexp.MustCompile(`(?i)(?:^|[\s(&@])echo[\s.:]`)
	// varProgram is a program started by a path held in a variable, such
	// as an update package from the bundle: "%PKG%" /quiet.
	varProgram = regexp.MustCompile(`^"(%[A-Za-z_][A-Za-z0-9_]*%)"`)
)

func paragraphs(script string) []*paragraph {
	lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")
	out := []*paragraph{{start: 1}}
	for i, line := range lines {
		if m := labelLine.FindStringSubmatch(line); m != nil && i > 0 && opensParagraph(lines[i-1]) {
			out = append(out, &paragraph{name: m[1], start: i + 1})
		}
		p := out[len(out)-1]
		p.lines = append(p.lines, line)
	}
	return out
}

func opensParagraph(prev string) bool {
	prev = strings.TrimSpace(prev)
	return prev == "" || isComment(prev)
}

func isComment(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	return l == "rem" || strings.HasPrefix(l, "rem ") || strings.HasPrefix(l, "::")
}

// fallsThrough reports that the last line of code in p (comments aside)
// does not pass control elsewhere, so p runs on into the next paragraph.
func (p *paragraph) fallsThrough() bool {
	for i := len(p.lines) - 1; i >= 0; i-- {
		if line := strings.TrimSpace(p.lines[i]); line != "" && !isComment(line) {
			return !cmdLeave.MatchString(line)
		}
	}
	return true
}

// graph links the paragraphs of a script: a paragraph reaches those whose
// labels its code names (a call, a goto, a handler variable set to a
// label) and the one it runs on into.
type graph struct {
	paras   []*paragraph
	byName  map[string]int // every label, to the paragraph it stands in
	edges   [][]int
	dynamic [][]string // label prefixes of dynamic calls, per paragraph
}

// labelUse is how batch code names a label: call :x, goto x, or a variable
// set to x for a routine to call (JOURNAL_HANDLER). Words in messages and
// comments name nothing.
var labelUse = regexp.MustCompile(`(?i)(?:\bcall\s+:|\bgoto\s+:?|\bset\s+"[A-Za-z0-9_]+=)([A-Za-z0-9_]+)\b`)

func newGraph(paras []*paragraph) *graph {
	g := &graph{paras: paras, byName: map[string]int{}, edges: make([][]int, len(paras)), dynamic: make([][]string, len(paras))}
	for i, p := range paras {
		for _, line := range p.lines {
			if m := labelLine.FindStringSubmatch(line); m != nil {
				g.byName[strings.ToLower(m[1])] = i
			}
		}
	}
	for i, p := range paras {
		code := strings.Join(codeLines(p.lines), "\n")
		for _, m := range labelUse.FindAllStringSubmatch(code, -1) {
			if j, ok := g.byName[strings.ToLower(m[1])]; ok {
				g.edges[i] = append(g.edges[i], j)
			}
		}
		if p.fallsThrough() && i+1 < len(paras) {
			g.edges[i] = append(g.edges[i], i+1)
		}
		for _, m := range dynamicCall.FindAllStringSubmatch(code, -1) {
			g.dynamic[i] = append(g.dynamic[i], strings.ToLower(m[1]))
		}
	}
	return g
}

// reach lists, in order, the paragraphs reached from the named ones. With
// dynamic set, a pieced-together call reaches every label it may name;
// paragraphs for which stop is true are never entered.
func (g *graph) reach(from []string, dynamic bool, stop func(name string) bool) []int {
	seen := map[int]bool{}
	var walk func(i int)
	walk = func(i int) {
		if seen[i] || (g.paras[i].name != "" && stop(strings.ToLower(g.paras[i].name))) {
			return
		}
		seen[i] = true
		for _, j := range g.edges[i] {
			walk(j)
		}
		if !dynamic {
			return
		}
		for _, prefix := range g.dynamic[i] {
			for j, p := range g.paras {
				if strings.HasPrefix(strings.ToLower(p.name), prefix) {
					walk(j)
				}
			}
		}
	}
	for _, name := range from {
		if name == "" {
			walk(0) // the script's first paragraph
		} else if i, ok := g.byName[strings.ToLower(name)]; ok {
			walk(i)
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

func codeLines(lines []string) []string {
	var out []string
	for _, line := range lines {
		if !isComment(line) {
			out = append(out, line)
		}
	}
	return out
}

// command is one program or file-changing builtin run on a line.
type command struct {
	program string   // tool file name without .exe, or the builtin
	words   []string // the arguments' words, lower-case
}

// commands finds the tools (by their absolute path), the programs started
// from a variable and the builtins that change files on one line of batch
// code.
func commands(line string) []command {
	if isComment(line) {
		return nil
	}
	var out []command
	for _, m := range toolCall.FindAllStringSubmatchIndex(line, -1) {
		rest := line[m[1]:]
		// In for /f ('"..."') the command ends at the closing "'), and
		// the quote opened before the program would skew the count.
		if k := strings.Index(rest, `"')`); k >= 0 && strings.Contains(line[:m[0]], "('") {
			rest = rest[:k]
		}
		out = append(out, command{strings.ToLower(line[m[2]:m[3]]), argWords(rest)})
	}
	if m := varProgram.FindStringSubmatchIndex(strings.TrimSpace(line)); m != nil {
		trimmed := strings.TrimSpace(line)
		out = append(out, command{strings.ToLower(trimmed[m[2]:m[3]]), argWords(trimmed[m[1]:])})
	}
	masked := maskQuotes(line)
	if m := echoWord.FindStringIndex(masked); m != nil {
		masked = masked[:m[0]]
	}
	for _, m := range builtinCall.FindAllStringSubmatchIndex(masked, -1) {
		out = append(out, command{strings.ToLower(line[m[2]:m[3]]), argWords(line[m[3]:])})
	}
	return out
}

// maskQuotes blanks what stands between double quotes, where no command
// starts.
func maskQuotes(line string) string {
	b := []byte(line)
	in := false
	for i, c := range b {
		switch {
		case c == '"':
			in = !in
		case in:
			b[i] = 'x'
		}
	}
	return string(b)
}

// argWords splits a command's arguments into lower-case words, up to the
// first pipe, redirection, command separator or closing parenthesis
// outside quotes.
func argWords(rest string) []string {
	in := false
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == '"' {
			in = !in
		}
		if !in && strings.IndexByte("|&<>)'", c) >= 0 {
			end = i
			break
		}
	}
	return strings.FieldsFunc(strings.ToLower(rest[:end]), func(r rune) bool {
		return r == ' ' || r == '\t' || strings.ContainsRune("\"'(){};,", r)
	})
}

// classify returns the first rule (rules come most specific first) that
// matches the command, or nil.
func classify(cmd command, rules []catalog.ChangeRule) *catalog.ChangeRule {
	for i, r := range rules {
		if r.Program == cmd.program && holdsAll(cmd.words, r.Words) {
			return &rules[i]
		}
	}
	return nil
}

func holdsAll(args, words []string) bool {
	for _, w := range words {
		found := false
		for _, a := range args {
			if a == w || strings.HasPrefix(a, w+":") || strings.HasPrefix(a, w+"=") {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
