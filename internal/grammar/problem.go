//go:build cgo && grammar

package grammar

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"unicode/utf8"
)

// Problem is one finding, printed as "file:line:col: message" (1-based line/col).
type Problem struct {
	File      string
	Line, Col int
	Msg       string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

func sortProblems(ps []Problem) {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
}

// source is one file's text with a line index, so findings made from byte
// offsets (tree-sitter's and our own scans) turn into the same positions.
type source struct {
	file       string
	text       []byte
	lineStarts []int
	problems   []Problem
}

func newSource(file string, text []byte) *source {
	s := &source{file: file, text: text, lineStarts: []int{0}}
	for i, b := range text {
		if b == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// position turns a byte offset into a 1-based line and a 1-based column
// counted in runes, which is what an editor shows.
func (s *source) position(offset int) (line, col int) {
	offset = min(max(offset, 0), len(s.text))
	i := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > offset }) - 1
	return i + 1, utf8.RuneCount(s.text[s.lineStarts[i]:offset]) + 1
}

func (s *source) reportf(offset int, format string, args ...any) {
	line, col := s.position(offset)
	s.problems = append(s.problems, Problem{File: s.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// maxLineEndingReports keeps a file saved with the wrong line endings from
// burying every other finding: past this many, one summary line follows.
const maxLineEndingReports = 5

// checkCRLF reports every line that does not end in CRLF. Both cmd.exe and an
// Authenticode-signed .ps1 expect CRLF, and cmd.exe misreads labels and
// blocks in LF-only files.
func (s *source) checkCRLF() {
	bad := 0
	for i, b := range s.text {
		var msg string
		switch {
		case b == '\n' && (i == 0 || s.text[i-1] != '\r'):
			msg = "line ends in LF only, want CRLF"
		case b == '\r' && (i+1 == len(s.text) || s.text[i+1] != '\n'):
			msg = "carriage return without line feed, want CRLF"
		default:
			continue
		}
		if bad++; bad <= maxLineEndingReports {
			s.reportf(i, "%s", msg)
		}
	}
	if bad > maxLineEndingReports {
		s.reportf(len(s.text), "%d more line endings are not CRLF", bad-maxLineEndingReports)
	}
	if n := len(s.text); n > 0 && s.text[n-1] != '\n' && s.text[n-1] != '\r' {
		s.reportf(n, "last line does not end in CRLF")
	}
}
