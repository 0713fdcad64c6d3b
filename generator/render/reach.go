package render

import "strings"

// Paragraph is a paragraph of a rendered run.cmd: its label ("" for the
// first) and its code lines, comments and blank lines left out.
type Paragraph struct {
	Name string
	Code string
}

// Reach returns the paragraphs of script (a rendered run.cmd, CRLF or LF)
// that the labels in from reach ("" is the first paragraph) by call, goto,
// a handler variable, a call pieced together at run time, or running on
// into the next, without entering those named in stop. The Wine proofs use
// it to tell which routines a scenario runs, so as not to run again what
// another scenario ran as the same code.
func Reach(script string, from, stop []string) []Paragraph {
	g := newGraph(paragraphs(strings.ReplaceAll(script, "\r\n", "\n")))
	stopped := map[string]bool{}
	for _, s := range stop {
		stopped[strings.ToLower(s)] = true
	}
	var out []Paragraph
	for _, i := range g.reach(from, true, func(name string) bool { return stopped[name] }) {
		var code strings.Builder
		for _, line := range codeLines(g.paras[i].lines) {
			if strings.TrimSpace(line) != "" {
				code.WriteString(line)
				code.WriteByte('\n')
			}
		}
		out = append(out, Paragraph{Name: g.paras[i].name, Code: code.String()})
	}
	return out
}
