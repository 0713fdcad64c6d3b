package render

import (
	"regexp"
	"strings"
)

// prompts are programs that wait for a person.
var prompts = []string{"pause", "timeout", "choice"}

// promptPath is one of them called by path, {{tool "choice"}} included.
var promptPath = regexp.MustCompile(`(?i)\\(pause|timeout|choice)\.exe"?`)

// mask blanks what cmd does not read as syntax, keeping columns: the inside
// of double quotes and the character after a caret.
func mask(s string) string {
	b := []byte(s)
	quoted := false
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			quoted = !quoted
		case quoted:
			b[i] = 'x'
		case b[i] == '^' && i+1 < len(b):
			b[i], b[i+1] = 'x', 'x'
			i++
		}
	}
	return string(b)
}

// cmdAt is a command word and where it starts in the line.
type cmdAt struct {
	word string
	at   int
	rest string // what follows the word in its segment
}

// compareOps are if's comparison words besides ==.
var compareOps = map[string]bool{"equ": true, "neq": true, "lss": true, "leq": true, "gtr": true, "geq": true}

// ifTests are if's tests that take one word.
var ifTests = map[string]bool{"errorlevel": true, "exist": true, "defined": true, "cmdextversion": true}

// skipIf is the length of an if's condition at the start of s (with the
// blanks after it), 0 when s does not start with one.
func skipIf(s string) int {
	word, rest := nextWord(s)
	if !strings.EqualFold(word, "if") {
		return 0
	}
	word, after := nextWord(rest)
	if strings.EqualFold(word, "/i") {
		word, after = nextWord(after)
	}
	if strings.EqualFold(word, "not") {
		word, after = nextWord(after)
	}
	switch lw := strings.ToLower(word); {
	case ifTests[lw]:
		_, after = nextWord(after)
	case strings.Contains(word, "=="):
		if strings.HasSuffix(word, "==") {
			_, after = nextWord(after)
		}
	default:
		op, more := nextWord(after)
		switch {
		case strings.HasPrefix(op, "=="):
			if op == "==" {
				_, more = nextWord(more)
			}
			after = more
		case compareOps[strings.ToLower(op)]:
			_, after = nextWord(more)
		default:
			return 0
		}
	}
	return len(s) - len(strings.TrimLeft(after, " \t"))
}

// nextWord splits off the first blank-separated word of s.
func nextWord(s string) (string, string) {
	s = strings.TrimLeft(s, " \t")
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

// skipLeading is the length of an @, do or else before a command.
func skipLeading(s string) int {
	if strings.HasPrefix(s, "@") {
		return 1
	}
	word, rest := nextWord(s)
	if (strings.EqualFold(word, "do") || strings.EqualFold(word, "else")) && rest != "" {
		return len(s) - len(rest)
	}
	return 0
}

// segments finds the command word of every segment of a masked line:
// segments are split at & | ( ), and if conditions, do and else come off
// the front. The list of a for is not a command.
func segments(masked string) []cmdAt {
	var out []cmdAt
	start, prevFor := 0, false
	for i := 0; i <= len(masked); i++ {
		if i < len(masked) && !segmentEnd(masked[i]) {
			continue
		}
		seg := masked[start:i]
		if !prevFor {
			if c, ok := segmentCommand(seg, start); ok {
				out = append(out, c)
			}
		}
		prevFor = i < len(masked) && masked[i] == '(' && forList(seg)
		start = i + 1
	}
	return out
}

// segmentEnd reports the bytes that end a segment: & | ( ).
func segmentEnd(b byte) bool {
	return b == '&' || b == '|' || b == '(' || b == ')'
}

// forList reports a segment that ends in a for's "in", before its list.
func forList(seg string) bool {
	seg = strings.TrimRight(seg, " \t")
	return len(seg) >= 3 && strings.EqualFold(seg[len(seg)-2:], "in") && (seg[len(seg)-3] == ' ' || seg[len(seg)-3] == '\t')
}

func segmentCommand(seg string, offset int) (cmdAt, bool) {
	at := 0
	for {
		trimmed := strings.TrimLeft(seg[at:], " \t")
		at = len(seg) - len(trimmed)
		n := skipLeading(trimmed)
		if n == 0 {
			n = skipIf(trimmed)
		}
		if n == 0 {
			break
		}
		at += n
	}
	rest := seg[at:]
	end := strings.IndexAny(rest, " \t=,;")
	if end < 0 {
		end = len(rest)
	}
	if end == 0 {
		return cmdAt{}, false
	}
	return cmdAt{word: strings.ToLower(rest[:end]), at: offset + at, rest: rest[end:]}, true
}

// command applies the per-command rules to one command word.
func (l *linter) command(ln cmdLine, c cmdAt) {
	word := strings.TrimSuffix(c.word, ".exe")
	switch {
	case word == "pause" || word == "timeout" || word == "choice":
		l.problems.Add(ln.pos(c.at), "%s waits for a person: bundles run unattended (Group Policy, Intune); wait with {{tool \"ping\"}} -n 2 127.0.0.1 >nul", word)
	case word == "set" && setPrompt.MatchString(c.rest):
		l.problems.Add(ln.pos(c.at), "set /p waits for a person: bundles run unattended (Group Policy, Intune)")
	case l.bare[word]:
		l.problems.Add(ln.pos(c.at), "%s called by bare name: write {{tool %q}}, the absolute path, so a same-named program beside the bundle never runs", c.word, word)
	case word == "goto":
		l.jump(ln, c, strings.TrimPrefix(firstWord(c.rest), ":"))
	case word == "call" && strings.HasPrefix(strings.TrimSpace(c.rest), ":"):
		l.jump(ln, c, strings.TrimPrefix(firstWord(c.rest), ":"))
	}
}

var setPrompt = regexp.MustCompile(`(?i)^\s*/p\b`)

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func (l *linter) jump(ln cmdLine, c cmdAt, target string) {
	target = strings.ToLower(target)
	if target == "" || strings.ContainsAny(target, "%!") {
		return // computed at run time
	}
	pos := ln.pos(c.at)
	file := ln.pos(c.at).File
	l.jumpsTo = append(l.jumpsTo, jump{target: target, pos: pos, step: stepOf(file), lib: libOf(file)})
}

// variables refuses %DATE% and %TIME%: their text follows the locale (Thai
// and Hijri calendars, 12 or 24 hours), so no script can read them.
func (l *linter) variables(ln cmdLine) {
	t := ln.text
	for i := 0; i < len(t); i++ {
		if t[i] != '%' || i+1 >= len(t) {
			continue
		}
		switch next := t[i+1]; {
		case next == '%' || next == '*' || (next >= '0' && next <= '9'):
			i++
			continue
		case next == '~':
			continue
		}
		j := strings.IndexByte(t[i+1:], '%')
		if j < 0 {
			return
		}
		name := strings.ToUpper(t[i+1 : i+1+j])
		if name == "DATE" || name == "TIME" {
			l.problems.Add(ln.pos(i), "%%%s%% is the date in the machine's locale: read it from WMI or PowerShell, never %%%s%%", name, name)
		}
		i += j + 1
	}
}

// forCommand is the command a for /f runs: ('"cmd args | cmd args"').
var forCommand = regexp.MustCompile(`\('(.*?)'\)`)

// forCommands applies the command rules inside a for /f command too: the
// catalog's way of reading a registry value runs reg and find there.
func (l *linter) forCommands(ln cmdLine) {
	if !strings.Contains(ln.text, "('") {
		return
	}
	for _, m := range forCommand.FindAllStringSubmatchIndex(ln.text, -1) {
		inner, off := ln.text[m[2]:m[3]], m[2]
		if len(inner) >= 2 && inner[0] == '"' && inner[len(inner)-1] == '"' {
			inner, off = inner[1:len(inner)-1], off+1
		}
		for _, c := range segments(mask(inner)) {
			c.at += off
			l.command(ln, c)
		}
	}
}
