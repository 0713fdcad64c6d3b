//go:build cgo && grammar

package grammar

import (
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// CheckCmd checks a generated .cmd file's bytes: it must parse with the
// tree-sitter batch grammar without ERROR or MISSING nodes, every goto and
// call :label must name a label defined in the file, every line must end in
// CRLF, and every byte must be ASCII.
func CheckCmd(file string, src []byte) []Problem {
	s := newSource(file, src)
	s.checkASCII()
	s.checkCRLF()
	tree, err := parse(batchLanguage, src)
	if err != nil {
		s.reportf(0, "batch grammar: %v", err)
	} else {
		defer tree.Close()
		s.checkBatchTree(tree.RootNode())
	}
	sortProblems(s.problems)
	return s.problems
}

// checkASCII reports the first non-ASCII byte only: one is enough to know
// the generator let a character through, and the rest would be noise.
func (s *source) checkASCII() {
	for i, b := range s.text {
		if b >= 0x80 {
			s.reportf(i, "non-ASCII byte 0x%02X: cmd.exe reads scripts in the OEM code page, keep .cmd files ASCII", b)
			return
		}
	}
}

// jump is a goto or call that names a label.
type jump struct {
	verb   string // "goto" or "call"
	label  string // as written, without the colon
	offset int    // where the target starts in the file
}

func (s *source) checkBatchTree(root *ts.Node) {
	labels := map[string]bool{}
	var jumps []jump
	hasErrors := root.HasError() // spares clean trees two cgo calls per node
	walk(root, func(n *ts.Node) {
		if hasErrors && !s.computedCallColon(n) {
			s.syntaxError(n)
		}
		switch n.Kind() {
		case "label":
			_, name, _ := labelAt(text(n, s.text), 0)
			labels[strings.ToLower(name)] = true
		case "goto_stmt", "call_stmt":
			if j, ok := s.jumpOf(n); ok {
				jumps = append(jumps, j)
			}
		case "arithmetic_expression":
			s.checkSetA(n)
		}
	})
	for _, j := range jumps {
		// cmd.exe compares labels without regard to case.
		if !labels[strings.ToLower(j.label)] {
			s.reportf(j.offset, "%s target :%s is not a label in this file", j.verb, j.label)
		}
	}
}

// jumpOf reads the target of a goto or call statement. The grammar keeps the
// target in an anonymous token, so it is read back from the statement text,
// which has the shape [@] keyword [blanks] [:]label [rest].
func (s *source) jumpOf(n *ts.Node) (jump, bool) {
	verb := "goto"
	if n.Kind() == "call_stmt" {
		verb = "call"
	}
	stmt := text(n, s.text)
	i := skipBlanks(stmt, 0)
	if i < len(stmt) && stmt[i] == '@' {
		i = skipBlanks(stmt, i+1)
	}
	i = skipBlanks(stmt, i+len(verb))
	start := int(n.StartByte()) + i
	colon, name, end := labelAt(stmt, i)
	switch {
	case verb == "call" && !colon:
		return jump{}, false // calls a program or script, not a label
	case end < len(stmt) && (stmt[end] == '%' || stmt[end] == '!'):
		return jump{}, false // computed target such as :plan_%NAME%: known at run time only
	case name == "":
		s.reportf(start, "%s without a label", verb)
		return jump{}, false
	case verb == "goto" && colon && strings.EqualFold(name, "eof"):
		return jump{}, false // goto :eof is built in; plain "goto eof" is not
	}
	return jump{verb: verb, label: name, offset: start}, true
}

// labelAt reads an optional colon and a label name starting at t[i]; end is
// the index after the name.
func labelAt(t string, i int) (colon bool, name string, end int) {
	if i < len(t) && t[i] == ':' {
		colon = true
		i++
	}
	end = i
	for end < len(t) && isLabelByte(t[end]) {
		end++
	}
	return colon, t[i:end], end
}

// isLabelByte matches the characters the batch grammar allows in labels.
func isLabelByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		strings.IndexByte("$_.#-", b) >= 0
}

func skipBlanks(t string, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	return i
}

// computedCallColon recognises the grammar's false positive on a call whose
// whole label is computed, "call :%HANDLER%": valid cmd, but the grammar
// leaves the colon in ERROR nodes directly inside the call statement.
func (s *source) computedCallColon(n *ts.Node) bool {
	end := int(n.EndByte())
	if !n.IsError() || text(n, s.text) != ":" || end >= len(s.text) || (s.text[end] != '%' && s.text[end] != '!') {
		return false
	}
	p := n.Parent()
	for p != nil && p.IsError() {
		p = p.Parent()
	}
	return p != nil && p.Kind() == "call_stmt"
}

// checkSetA explains the batch grammar's one known false positive: an
// unquoted "set /a X+=1" directly before the ")" that closes its block takes
// the ")" into the expression and the whole block fails to parse. Quoting the
// expression avoids it and is also the safer form for cmd.exe.
func (s *source) checkSetA(n *ts.Node) {
	expr := text(n, s.text)
	if strings.HasPrefix(expr, `"`) {
		return
	}
	if i := unmatchedParen(expr); i >= 0 {
		s.reportf(int(n.StartByte()), `unquoted set /a %s before ")" breaks the block; write set /a "%s"`, expr[:i], expr[:i])
	}
}

// unmatchedParen returns the index of the first ")" in t that no "(" opened,
// or -1.
func unmatchedParen(t string) int {
	depth := 0
	for i := range len(t) {
		switch t[i] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
