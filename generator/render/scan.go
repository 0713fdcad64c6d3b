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
	labelName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	toolCall  = regexp.MustCompile(`"%SystemRoot%\\(?:[^"\\]+\\)*([^"\\]+)\.exe"`)
	// varProgram is a program started by a path held in a variable, such
	// as an update package from the bundle: "%PKG%" /quiet.
	varProgram = regexp.MustCompile(`^"(%[A-Za-z_][A-Za-z0-9_]*%)"`)
	builtins   = map[string]bool{}
)

func init() {
	for _, b := range catalog.Builtins {
		builtins[b] = true
	}
}

func paragraphs(script string) []*paragraph {
	lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")
	out := []*paragraph{{start: 1}}
	for i, line := range lines {
		if i > 0 && strings.HasPrefix(line, ":") && labelLine.MatchString(line) && opensParagraph(lines[i-1]) {
			out = append(out, &paragraph{name: line[1:], start: i + 1})
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
	l := strings.TrimSpace(line)
	if len(l) >= 3 && strings.EqualFold(l[:3], "rem") {
		return len(l) == 3 || l[3] == ' '
	}
	return strings.HasPrefix(l, "::")
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
// labels its code names (labelRefs) and the one it runs on into.
type graph struct {
	paras   []*paragraph
	byName  map[string]int // every label, to the paragraph it stands in
	edges   [][]int
	dynamic [][]string // label prefixes of dynamic calls, per paragraph
}

func newGraph(paras []*paragraph) *graph {
	g := &graph{paras: paras, byName: map[string]int{}, edges: make([][]int, len(paras)), dynamic: make([][]string, len(paras))}
	for i, p := range paras {
		for _, line := range p.lines {
			if strings.HasPrefix(line, ":") && labelLine.MatchString(line) {
				g.byName[strings.ToLower(line[1:])] = i
			}
		}
	}
	for i, p := range paras {
		for _, line := range codeLines(p.lines) {
			names, prefixes := labelRefs(line)
			for _, name := range names {
				if j, ok := g.byName[name]; ok {
					g.edges[i] = append(g.edges[i], j)
				}
			}
			g.dynamic[i] = append(g.dynamic[i], prefixes...)
		}
		if p.fallsThrough() && i+1 < len(paras) {
			g.edges[i] = append(g.edges[i], i+1)
		}
	}
	return g
}

// labelRefs returns, lower-case, the labels a line of batch code names
// (call :x, goto x, or a variable set to x for a routine to call, such as
// JOURNAL_HANDLER), and the prefixes of labels it pieces together at run
// time (call :do_%~2 may reach any label that starts with do_). Words in
// messages and comments name nothing.
func labelRefs(line string) (names, prefixes []string) {
	names, prefixes = callRefs(line)
	return append(names, handlerRefs(line)...), prefixes
}

// callRefs reads call :x and goto x outside quotes.
func callRefs(line string) (names, prefixes []string) {
	if !containsFold(line, "goto") && !containsFold(line, "call") {
		return nil, nil // most lines: no need to split them
	}
	toks := tokens(line)
	for k := 0; k+1 < len(toks); k++ {
		verb := line[toks[k][0]:toks[k][1]]
		if len(verb) != 4 {
			continue
		}
		arg := strings.ToLower(line[toks[k+1][0]:toks[k+1][1]])
		if arg == strings.ToLower(strings.TrimSpace(libCall)) && k+2 < len(toks) {
			arg = strings.ToLower(line[toks[k+2][0]:toks[k+2][1]]) // a call through the file (callsThroughFile)
		}
		switch {
		case strings.EqualFold(verb, "goto"):
			names = append(names, strings.TrimPrefix(arg, ":"))
		case strings.EqualFold(verb, "call") && strings.HasPrefix(arg, ":"):
			name, _, dynamic := strings.Cut(arg[1:], "%")
			if !dynamic {
				names = append(names, name)
			} else if name != "" {
				prefixes = append(prefixes, name)
			}
		}
	}
	return names, prefixes
}

// handlerRefs reads set "VAR=x" where x has the form of a label.
func handlerRefs(line string) []string {
	var names []string
	for rest := line; ; {
		i := indexFold(rest, `set "`)
		if i < 0 {
			return names
		}
		rest = rest[i+len(`set "`):]
		assign, _, _ := strings.Cut(rest, `"`)
		if _, value, ok := strings.Cut(assign, "="); ok && labelName.MatchString(value) {
			names = append(names, strings.ToLower(value))
		}
	}
}

// tokens splits a line into words: the spans between blanks and cmd's
// operators outside double quotes. What stands between quotes belongs to
// the word around it, quotes included, so no word that holds a quoted part
// is a command or a label.
func tokens(line string) [][2]int {
	var out [][2]int
	start, quoted := -1, false
	for i := 0; i <= len(line); i++ {
		sep := i == len(line) || (!quoted && strings.IndexByte(" \t()&|<>", line[i]) >= 0)
		if i < len(line) && line[i] == '"' {
			quoted = !quoted
		}
		switch {
		case !sep && start < 0:
			start = i
		case sep && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	return out
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
	if strings.Contains(line, `"%SystemRoot%\`) {
		out = append(out, toolCommands(line)...)
	}
	trimmed := strings.TrimSpace(line)
	if m := varProgramAt(trimmed); m != nil {
		out = append(out, command{strings.ToLower(trimmed[m[2]:m[3]]), argWords(trimmed[m[1]:])})
	}
	for _, tk := range tokens(line) {
		if isEcho(line[tk[0]:tk[1]]) {
			break // the rest of the line is text
		}
		if tk[1]-tk[0] > len("rename") {
			continue // longer than any builtin
		}
		w := strings.ToLower(line[tk[0]:tk[1]])
		if builtins[w] && (tk[1] == len(line) || line[tk[1]] == ' ' || line[tk[1]] == '\t') {
			out = append(out, command{w, argWords(line[tk[1]:])})
		}
	}
	return out
}

// varProgramAt matches varProgram, on the lines that can match it.
func varProgramAt(trimmed string) []int {
	if !strings.HasPrefix(trimmed, `"%`) {
		return nil
	}
	return varProgram.FindStringSubmatchIndex(trimmed)
}

// containsFold reports whether s holds word, an ASCII lower-case word, in
// any case.
func containsFold(s, word string) bool { return indexFold(s, word) >= 0 }

// indexFold is the index of the first word (ASCII, lower-case) in s, in
// any case, or -1.
func indexFold(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == word[0] && strings.EqualFold(s[i:i+len(word)], word) {
			return i
		}
	}
	return -1
}

// isEcho reports that a word is echo (echo., echo: or @echo as well).
func isEcho(word string) bool {
	word = strings.TrimPrefix(word, "@")
	return len(word) >= 4 && strings.EqualFold(word[:4], "echo") && (len(word) == 4 || word[4] == '.' || word[4] == ':')
}

func toolCommands(line string) []command {
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
	return out
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
