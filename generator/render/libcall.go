package render

import "strings"

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
			end := strings.IndexFunc(after, func(r rune) bool { return !isLabelRune(r) })
			if end < 0 {
				end = len(after)
			}
			if at, ok := defined[strings.ToLower(after[:end])]; ok && at < i {
				b.WriteString(libCall)
			}
			b.WriteString(":")
			line = after
		}
	}
	return b.String()
}
