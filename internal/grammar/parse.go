//go:build cgo && grammar

package grammar

import (
	"errors"
	"strings"

	powershell "github.com/airbus-cert/tree-sitter-powershell/bindings/go"
	ts "github.com/tree-sitter/go-tree-sitter"
	batch "github.com/wharflab/tree-sitter-batch/bindings/go"
)

// The languages are immutable and safe to share; parsers are not, so each
// check makes its own (cheap next to the parse itself).
var (
	batchLanguage      = ts.NewLanguage(batch.Language())
	powershellLanguage = ts.NewLanguage(powershell.Language())
)

// parse returns the syntax tree of text; the caller closes it.
func parse(lang *ts.Language, text []byte) (*ts.Tree, error) {
	p := ts.NewParser()
	defer p.Close()
	if err := p.SetLanguage(lang); err != nil {
		return nil, err
	}
	tree := p.Parse(text, nil)
	if tree == nil {
		return nil, errors.New("parser returned no tree")
	}
	return tree, nil
}

// walk visits every node below and including root in document order. A
// cursor costs one cgo call per step, far fewer than Child(i) lookups.
func walk(root *ts.Node, visit func(n *ts.Node)) {
	c := root.Walk()
	defer c.Close()
	for {
		visit(c.Node())
		if c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				return
			}
		}
	}
}

// text is the source text a node covers.
func text(n *ts.Node, src []byte) string {
	return string(src[n.StartByte():n.EndByte()])
}

// hasChildKind reports whether n has a named child of the given kind.
func hasChildKind(n *ts.Node, kind string) bool {
	for i := range n.NamedChildCount() {
		if n.NamedChild(i).Kind() == kind {
			return true
		}
	}
	return false
}

// syntaxError reports n if it is an ERROR or MISSING node.
func (s *source) syntaxError(n *ts.Node) {
	switch {
	case n.IsMissing():
		s.reportf(int(n.StartByte()), "syntax error: missing %q", n.Kind())
	case n.IsError():
		near := text(n, s.text)
		if near == "" {
			// An empty ERROR node marks a spot; show what follows it.
			near = string(s.text[n.StartByte():min(n.StartByte()+80, uint(len(s.text)))])
		}
		if near = snippet(near); near == "" {
			s.reportf(int(n.StartByte()), "syntax error at end of line")
		} else {
			s.reportf(int(n.StartByte()), "syntax error near %q", near)
		}
	}
}

// snippet is the first line of t, shortened so one message stays one line.
func snippet(t string) string {
	const limit = 40
	t, _, _ = strings.Cut(t, "\n")
	t = strings.TrimRight(t, "\r")
	if r := []rune(t); len(r) > limit {
		t = string(r[:limit]) + "..."
	}
	return t
}
