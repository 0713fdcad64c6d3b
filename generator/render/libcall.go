package render

import (
	"fmt"
	"strings"
)

// cmd finds the label of a call or goto by reading the script on from the
// line it stands on, round through the end to the top: a call of a
// routine above the calling line reads most of the file. run.cmd is laid
// out with its shared routines first, and callsThroughFile rewrites each
// such call as
//
//	call %WUFIX_LIB% :name
//
// which runs the file again from its top (":lib_call :name" sends it
// straight to the routine), so cmd reads only the lines above the routine.
// Calls of a label below the calling line stay as they are: reading on to
// it is the shorter way. run.cmd leaves WUFIX_LIB empty when its own path
// cannot be called (see the template), and the call is a plain one again.
// A rewrite changes no line count, so line numbers stay right.

// libCall is what a rewritten call puts between "call" and the label.
const libCall = "%WUFIX_LIB% "

// callsThroughFile rewrites the calls of labels above their calling line.
func callsThroughFile(script string) string {
	lines := strings.SplitAfter(script, "\n")
	defined := map[string]int{} // lower-case label -> its line index
	for i, line := range lines {
		if !strings.HasPrefix(line, ":") {
			continue // not a label: spare the regular expression
		}
		if m := labelLine.FindStringSubmatch(strings.TrimRight(line, "\r\n")); m != nil {
			if _, seen := defined[strings.ToLower(m[1])]; !seen {
				defined[strings.ToLower(m[1])] = i
			}
		}
	}
	var b strings.Builder
	b.Grow(len(script) + len(script)/20)
	for i, line := range lines {
		if !strings.Contains(line, "call :") || isComment(line) {
			b.WriteString(line)
			continue
		}
		for {
			before, after, found := strings.Cut(line, "call :")
			if !found {
				b.WriteString(line)
				break
			}
			b.WriteString(before)
			b.WriteString("call ")
			end := labelLen(after)
			if at, ok := defined[strings.ToLower(after[:end])]; ok && at < i {
				b.WriteString(libCall)
			}
			b.WriteString(":")
			line = after
		}
	}
	return b.String()
}

// checkFileCalls refuses a routine that a call through the file reaches
// and that reads %0 (in any form, such as %~dp0) or %*: after the two
// shifts of the dispatch %0 is the routine's label, and %* still holds
// ":lib_call :name" and the arguments (shift does not change it).
func checkFileCalls(script string) error {
	return checkFileCallsIn(newGraph(paragraphs(script)), script)
}

// checkFileCallsIn is checkFileCalls on the script's graph, which the
// change inventory builds anyway.
func checkFileCallsIn(g *graph, script string) error {
	var from []string
	for _, line := range strings.Split(script, "\n") {
		if _, after, ok := strings.Cut(line, "call "+libCall+":"); ok {
			end := labelLen(after)
			from = append(from, after[:end])
		}
	}
	var problems []string
	for _, i := range g.reach(from, false, func(string) bool { return false }) {
		p := g.paras[i]
		for n, line := range p.lines {
			if !isComment(line) && readsCallArgs(line) {
				problems = append(problems, fmt.Sprintf("run.cmd:%d: routine :%s is called through the file, where %%0 and %%* are not the caller's: %s",
					p.start+n, p.name, strings.TrimSpace(line)))
			}
		}
	}
	if problems != nil {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// readsCallArgs reports whether a line of batch code reads %0 (%~dp0 and
// the like) or %*; %% is a percent sign and %NAME% a variable.
func readsCallArgs(line string) bool {
	for i := 0; i < len(line); i++ {
		if line[i] != '%' || i+1 == len(line) {
			continue
		}
		j := i + 1
		switch c := line[j]; {
		case c == '%':
			i = j // %% (a for variable's or a literal percent sign)
			continue
		case c == '*':
			return true
		case c == '~':
			for j++; j < len(line) && strings.IndexByte("fdpnxsatz$", line[j]|0x20) >= 0; j++ {
			}
			if j < len(line) && line[j] >= '0' && line[j] <= '9' {
				if line[j] == '0' {
					return true
				}
				i = j
				continue
			}
		case c >= '0' && c <= '9':
			if c == '0' {
				return true
			}
			i = j
			continue
		}
		if end := strings.IndexByte(line[j:], '%'); end >= 0 {
			i = j + end // a variable: skip to its closing %
		}
	}
	return false
}
