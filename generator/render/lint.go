package render

import (
	"strconv"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// LintCmd holds a rendered run.cmd (origin marks still in it) to the rules
// docs/catalog.md promises of every bundle, and reports each break at the
// template line that wrote it. The tree-sitter and Wine tests prove the
// embedded catalog; this is what holds any other catalog to the same rules.
func LintCmd(c *catalog.Catalog, out string) error {
	l := &linter{c: c, labels: map[string]label{}, bare: bareTools(c)}
	var carry catalog.Pos
	for _, raw := range strings.Split(out, "\n") {
		line := splitMarks(c, raw, carry)
		if len(line.marks) > 0 {
			carry = line.marks[len(line.marks)-1].pos
		}
		l.line(line)
	}
	l.jumps()
	return dedupe(l.problems).Err()
}

// cmdLine is one generated line without its marks, and where each marked
// piece of it came from.
type cmdLine struct {
	text  string
	marks []mark
	carry catalog.Pos // the last origin before the line, for unmarked text
}

type mark struct {
	at  int // column in text (0-based)
	pos catalog.Pos
}

func splitMarks(c *catalog.Catalog, raw string, carry catalog.Pos) cmdLine {
	line := cmdLine{carry: carry}
	if !strings.Contains(raw, catalog.MarkOpen) {
		line.text = raw
		return line
	}
	var b strings.Builder
	for raw != "" {
		before, after, found := strings.Cut(raw, catalog.MarkOpen)
		b.WriteString(before)
		if !found {
			break
		}
		digits, rest, ok := strings.Cut(after, catalog.MarkClose)
		idx, err := strconv.Atoi(digits)
		if !ok || err != nil {
			b.WriteString(catalog.MarkOpen) // not a mark: the lint reports the byte
			raw = after
			continue
		}
		line.marks = append(line.marks, mark{at: b.Len(), pos: c.Origin(idx)})
		raw = rest
	}
	line.text = b.String()
	return line
}

// pos is the template position of column col of the line.
func (l cmdLine) pos(col int) catalog.Pos {
	origin, at := l.carry, -1
	for _, m := range l.marks {
		if m.at <= col {
			origin, at = m.pos, m.at
		}
	}
	if origin.File == "" {
		return catalog.Pos{File: "templates/bundle/run.cmd.tmpl", Line: 1, Col: 1}
	}
	if at >= 0 {
		origin.Col += col - at
	}
	return origin
}

// label is a label's definition.
type label struct {
	pos catalog.Pos
	lib string // the lib whose template defines it, "" for others
}

// jump is a goto or call :label and the step or lib that makes it.
type jump struct {
	target    string
	pos       catalog.Pos
	step, lib string
}

type linter struct {
	c        *catalog.Catalog
	delayed  bool // within setlocal EnableDelayedExpansion, up to endlocal
	bare     map[string]bool
	labels   map[string]label
	jumpsTo  []jump
	problems catalog.Problems
}

func (l *linter) line(ln cmdLine) {
	l.chars(ln)
	trimmed := strings.TrimLeft(ln.text, " \t@")
	if isRemark(trimmed) {
		return
	}
	if strings.HasPrefix(trimmed, ":") {
		l.delayed = false
		l.define(ln, trimmed)
		return
	}
	l.variables(ln)
	l.delayedCall(ln)
	masked := mask(ln.text)
	for _, op := range []string{"&&", "||"} {
		if i := strings.Index(masked, op); i >= 0 {
			l.problems.Add(ln.pos(i), "%s: test errorlevel on the next line instead (if errorlevel 1 ...), as docs/catalog.md asks", op)
		}
	}
	if i := promptIndex(ln.text); i != nil {
		// The path came from {{tool}}: point at the start of its quotes.
		l.problems.Add(ln.pos(max(strings.LastIndexByte(ln.text[:i[0]], '"'), 0)), "%s waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool \"ping\"}} -n 2 127.0.0.1 >nul", strings.Trim(ln.text[i[0]+1:i[1]], `"`))
	}
	for _, cmd := range segments(masked) {
		l.command(ln, cmd)
	}
	l.forCommands(ln)
}

// delayedCall refuses a call made with delayed expansion on: a call
// through the file (call %WUFIX_LIB% :name) names run.cmd's path, and a !
// in it would be taken for a variable. A label, endlocal, goto or exit /b
// ends the stretch the rule looks at.
func (l *linter) delayedCall(ln cmdLine) {
	code := strings.TrimLeft(ln.text, " \t@")
	switch {
	case containsFold(code, "setlocal enabledelayedexpansion"):
		l.delayed = true
	case !l.delayed:
	case hasPrefixFold(code, "endlocal"), hasPrefixFold(code, "goto "), hasPrefixFold(code, "exit /b"):
		l.delayed = false
	default:
		if i := indexFold(mask(ln.text), "call "); i >= 0 {
			l.problems.Add(ln.pos(i), "call with delayed expansion on: end it (endlocal) first, a ! in run.cmd's path would be lost in a call through the file")
		}
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// define records a label and refuses a second one of the same name: cmd
// jumps to the first, so the second and what follows it are dead, and a
// second :log silently swallows every log line.
func (l *linter) define(ln cmdLine, trimmed string) {
	name := strings.ToLower(strings.Fields(trimmed[1:] + " ")[0])
	if name == "" {
		return
	}
	col := strings.Index(ln.text, ":")
	pos := ln.pos(col)
	def := label{pos: pos, lib: libOf(pos.File)}
	if prev, ok := l.labels[name]; ok {
		// Point at the one a step or the skeleton wrote: a lib's routine is
		// the one meant to be there.
		at, other := def, prev
		if prev.lib == "" && def.lib != "" {
			at, other = prev, def
		}
		l.problems.Add(at.pos, "label :%s is defined twice (also at %s): cmd jumps to the first, so the other is never run", name, other.pos)
		return
	}
	l.labels[name] = def
}

// jumps checks every goto and call :label once all labels are known.
func (l *linter) jumps() {
	for _, j := range l.jumpsTo {
		def, ok := l.labels[j.target]
		if !ok {
			if j.target != "eof" {
				l.problems.Add(j.pos, "no label :%s in the generated run.cmd", j.target)
			}
			continue
		}
		if def.lib == "" || l.c.Libs[def.lib] == nil || l.c.Libs[def.lib].Always {
			continue // run.cmd's own routines are in every bundle
		}
		l.checkUses(j, def.lib)
	}
}

// checkUses wants the step or lib that calls a lib routine to list the
// lib (or one that uses it): a bundle carries only the libs listed.
func (l *linter) checkUses(j jump, lib string) {
	switch {
	case j.step != "":
		step := l.c.Steps[j.step]
		if step != nil && !usesLib(l.c, step.Uses, lib) {
			l.problems.Add(j.pos, "step %q calls :%s of lib %q without listing the lib in uses (%s)", j.step, j.target, lib, step.File)
		}
	case j.lib != "" && j.lib != lib:
		from := l.c.Libs[j.lib]
		if from != nil && !usesLib(l.c, from.Uses, lib) {
			l.problems.Add(j.pos, "lib %q calls :%s of lib %q without listing the lib in uses (%s)", j.lib, j.target, lib, from.File)
		}
	}
}

func usesLib(c *catalog.Catalog, uses []catalog.Name, lib string) bool {
	for _, l := range catalog.LibClosure(c, uses) {
		if l.Name == lib {
			return true
		}
	}
	return false
}

// libOf and stepOf read the lib or step a template file belongs to.
func libOf(file string) string  { return partOf(file, "templates/libs/") }
func stepOf(file string) string { return partOf(file, "templates/steps/") }

func partOf(file, prefix string) string {
	rest, ok := strings.CutPrefix(file, prefix)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// bareTools are the tool names a line may not call bare: the catalog's
// programs (a "-" entry is a capability, not a program name).
func bareTools(c *catalog.Catalog) map[string]bool {
	out := map[string]bool{}
	for name := range c.Tools {
		if !strings.Contains(name, "-") {
			out[name] = true
		}
	}
	for _, p := range prompts {
		out[p] = false
	}
	return out
}

// dedupe keeps one of each problem: a template line in a range is written
// once per item, and one mistake is one error.
func dedupe(ps catalog.Problems) catalog.Problems {
	seen := map[string]bool{}
	var out catalog.Problems
	for _, p := range ps {
		if !seen[p.String()] {
			seen[p.String()] = true
			out = append(out, p)
		}
	}
	return out
}

// chars refuses bytes run.cmd cannot carry: cmd reads the file in the OEM
// code page, so only ASCII means the same on every machine, and a control
// character (a carriage return from a CRLF template included) breaks lines
// the dialect writes.
func (l *linter) chars(ln cmdLine) {
	for i := 0; i < len(ln.text); i++ {
		if ln.text[i] == lineMarkOpen[0] {
			if n := lineMarkLen(ln.text[i:]); n > 0 {
				i += n - 1 // {{lineof}}'s mark, numbered after pruning
				continue
			}
		}
		switch b := ln.text[i]; {
		case b >= 0x80:
			l.problems.Add(ln.pos(i), "byte 0x%02x is not ASCII: run.cmd is read in the OEM code page, which differs between machines", b)
			return
		case b == '\r':
			l.problems.Add(ln.pos(i), "carriage return: templates use LF line endings, the dialect writes CRLF")
			return
		case b < 0x20 && b != '\t':
			l.problems.Add(ln.pos(i), "control character 0x%02x", b)
			return
		}
	}
}

// promptIndex finds a prompting program called by path; most lines hold
// no ".exe" and skip the regular expression.
func promptIndex(s string) []int {
	if !strings.Contains(s, ".exe") && !strings.Contains(s, ".EXE") && !strings.Contains(s, ".Exe") {
		return nil
	}
	return promptPath.FindStringIndex(s)
}

// isRemark reports a rem or :: line.
func isRemark(s string) bool {
	if strings.HasPrefix(s, "::") {
		return true
	}
	return len(s) >= 3 && strings.EqualFold(s[:3], "rem") && (len(s) == 3 || s[3] == ' ' || s[3] == '\t')
}
