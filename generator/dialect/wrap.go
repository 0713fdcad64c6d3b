package dialect

import (
	"strings"
	"unicode/utf8"
)

// Wrap fills the words of text into lines of at most width characters
// (runes, so Russian text wraps like English); a word
// longer than width gets a line of its own. Text without words gives no
// lines.
func Wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0 // the line's length in characters
	for _, word := range strings.Fields(text) {
		w := utf8.RuneCountInString(word)
		if n > 0 && n+1+w > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(word)
		n += w
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// Fill is Wrap joined into one text, for templates: {{fill 70 .Summary}}.
func Fill(width int, text string) string {
	return strings.Join(Wrap(text, width), "\n")
}
