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
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// Fill is Wrap joined into one text, for templates: {{fill 70 .Summary}}.
func Fill(width int, text string) string {
	return strings.Join(Wrap(text, width), "\n")
}
