package catalog

import (
	"bytes"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// Origin marks let a check of the generated run.cmd point at the template
// line that wrote the text. The loader puts a mark before each piece of a
// cmd template's literal text that starts a line or follows an action;
// render reads them while it lints and strips them before anything else
// sees the text. A mark holds an index into Catalog.Origins.
const (
	MarkOpen  = "\x1f"
	MarkClose = "\x1e"
)

// Origin is the template position of mark number i.
func (c *Catalog) Origin(i int) Pos {
	if i < 0 || i >= len(c.origins) {
		return Pos{File: "?", Line: 1, Col: 1}
	}
	return c.origins[i]
}

// StripOrigins removes every origin mark from rendered text.
func StripOrigins(s string) string {
	if !strings.Contains(s, MarkOpen) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		before, after, found := strings.Cut(s, MarkOpen)
		b.WriteString(before)
		if !found {
			break
		}
		_, s, _ = strings.Cut(after, MarkClose)
	}
	return b.String()
}

// markTemplates puts origin marks into every tree of t parsed from file.
func (c *Catalog) markTemplates(t *template.Template, file string, data []byte, names map[string]bool) {
	starts := lineStarts(data)
	for _, tt := range t.Templates() {
		if tt.Tree == nil || (names != nil && !names[tt.Name()]) {
			continue
		}
		c.markList(tt.Tree.Root, file, data, starts)
	}
}

func (c *Catalog) markList(l *parse.ListNode, file string, data []byte, starts []int) {
	if l == nil {
		return
	}
	nodes := make([]parse.Node, 0, len(l.Nodes))
	for _, n := range l.Nodes {
		if a, ok := n.(*parse.ActionNode); ok && a.Pipe != nil && len(a.Pipe.Decl) == 0 {
			if mark := c.markAction(a, file, data, starts); mark != nil {
				nodes = append(nodes, mark)
			}
		}
		nodes = append(nodes, n)
		switch n := n.(type) {
		case *parse.TextNode:
			n.Text = c.markText(n, file, data, starts)
		case *parse.IfNode:
			c.markList(n.List, file, data, starts)
			c.markList(n.ElseList, file, data, starts)
		case *parse.RangeNode:
			c.markList(n.List, file, data, starts)
			c.markList(n.ElseList, file, data, starts)
		case *parse.WithNode:
			c.markList(n.List, file, data, starts)
			c.markList(n.ElseList, file, data, starts)
		}
	}
	l.Nodes = nodes
}

// markAction gives an action that starts a template line ({{tool "x"}} at
// the start of a command) a mark of its own, so the line it writes is
// placed on its own line rather than the one before.
func (c *Catalog) markAction(a *parse.ActionNode, file string, data []byte, starts []int) parse.Node {
	open := bytes.LastIndex(data[:min(max(int(a.Pos), 0), len(data))], []byte("{{"))
	if open < 0 || (open > 0 && data[open-1] != '\n') {
		return nil
	}
	line, col := lineCol(starts, open)
	c.origins = append(c.origins, Pos{File: file, Line: line, Col: col})
	return &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(MarkOpen + strconv.Itoa(len(c.origins)-1) + MarkClose)}
}

// markText marks the start of the node and of each line in it that holds
// more than blanks, so blank text stays blank ({{if .Cleanup}} still tests
// emptiness) and trimming newlines is unchanged.
func (c *Catalog) markText(n *parse.TextNode, file string, data []byte, starts []int) []byte {
	text := n.Text
	base := int(n.Pos)
	if base < 0 || base > len(data) || !bytes.HasPrefix(data[base:], text) {
		if i := bytes.Index(data[min(max(base, 0), len(data)):], text); i >= 0 {
			base += i
		}
	}
	var out bytes.Buffer
	for k := 0; k < len(text); k++ {
		if (k == 0 || text[k-1] == '\n') && hasContent(text[k:]) {
			line, col := lineCol(starts, base+k)
			c.origins = append(c.origins, Pos{File: file, Line: line, Col: col})
			out.WriteString(MarkOpen + strconv.Itoa(len(c.origins)-1) + MarkClose)
		}
		out.WriteByte(text[k])
	}
	return out.Bytes()
}

// hasContent reports whether the line starting text holds a non-blank.
func hasContent(text []byte) bool {
	for _, b := range text {
		switch b {
		case '\n':
			return false
		case ' ', '\t', '\r':
			continue
		}
		return true
	}
	return false
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func lineCol(starts []int, off int) (int, int) {
	line := 0
	for line+1 < len(starts) && starts[line+1] <= off {
		line++
	}
	return line + 1, off - starts[line] + 1
}
