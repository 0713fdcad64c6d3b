package render

import (
	"fmt"
	"regexp"
	"strings"
)

// A script's table of contents names the line each section starts on,
// which is known only once the script is rendered and pruned. The
// template writes a mark of fixed form in its place ({{lineof "do_x"}}),
// and numberLines puts in the number of the line that holds the label
// :do_x. Marks and numbers sit inside lines, so numbering adds no line and
// moves none: one pass is exact, and the same input gives the same output.

const lineMarkOpen, lineMarkClose = "\x01line:", "\x01"

var lineMark = regexp.MustCompile("\x01line:([A-Za-z0-9_]+)\x01")

// lineWidth is the width the numbers are padded to, so that the contents
// line up; scripts stay below 100,000 lines.
const lineWidth = 5

// lineof is the template function: a mark for the line of label.
func lineof(label string) (string, error) {
	if !labelLine.MatchString(":" + label) {
		return "", fmt.Errorf("lineof: %q is not a label", label)
	}
	return lineMarkOpen + label + lineMarkClose, nil
}

// lineMarkLen is the length of the lineof mark s starts with, or 0.
func lineMarkLen(s string) int {
	if !strings.HasPrefix(s, lineMarkOpen) {
		return 0
	}
	if loc := lineMark.FindStringIndex(s); loc != nil && loc[0] == 0 {
		return loc[1]
	}
	return 0
}

// numberLines replaces each mark with the number of the line that is the
// label, right-aligned; a label that is missing, or there twice, is an
// error.
func numberLines(script string) (string, error) {
	if !strings.Contains(script, lineMarkOpen) {
		return script, nil
	}
	at := map[string][]int{}
	for i, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(line, ":") {
			continue // not a label: spare the regular expression
		}
		if m := labelLine.FindStringSubmatch(line); m != nil {
			at[strings.ToLower(m[1])] = append(at[strings.ToLower(m[1])], i+1)
		}
	}
	var problems []string
	out := lineMark.ReplaceAllStringFunc(script, func(mark string) string {
		label := lineMark.FindStringSubmatch(mark)[1]
		lines := at[strings.ToLower(label)]
		if len(lines) != 1 {
			problems = append(problems, fmt.Sprintf("lineof %q: the label is on %d lines", label, len(lines)))
			return mark
		}
		return fmt.Sprintf("%*d", lineWidth, lines[0])
	})
	if problems != nil {
		return "", fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}
