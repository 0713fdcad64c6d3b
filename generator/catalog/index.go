package catalog

import "go.yaml.in/yaml/v3"

// index holds each YAML file's node tree, so that a check made after
// decoding still points at the key or item it is about.
type index map[string]*yaml.Node

// at is the position of the deepest node of path (map keys as strings,
// list items as ints) that exists in file: the key itself when it is
// there, the mapping that lacks it otherwise.
func (ix index) at(file string, path ...any) Pos {
	n := ix[file]
	pos := Pos{File: file, Line: 1, Col: 1}
	if n == nil {
		return pos
	}
	pos.Line, pos.Col = n.Line, n.Column
	for _, step := range path {
		var next *yaml.Node
		switch k := step.(type) {
		case string:
			next = mapValue(n, k, &pos)
		case int:
			if n.Kind == yaml.SequenceNode && k >= 0 && k < len(n.Content) {
				next = n.Content[k]
				pos.Line, pos.Col = next.Line, next.Column
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return pos
}

// mapValue finds key in a mapping node, moving pos to the key.
func mapValue(n *yaml.Node, key string, pos *Pos) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			pos.Line, pos.Col = n.Content[i].Line, n.Content[i].Column
			return n.Content[i+1]
		}
	}
	return nil
}

// column finds where on line the problem yaml reported by line alone
// starts: the key named by key when it is not "", else the first value.
func (ix index) column(file string, line int, key string) int {
	col := 0
	var walk func(n *yaml.Node, isKey bool)
	walk = func(n *yaml.Node, isKey bool) {
		if col != 0 {
			return
		}
		if n.Line == line && n.Kind == yaml.ScalarNode && ((key != "" && isKey && n.Value == key) || (key == "" && !isKey)) {
			col = n.Column
			return
		}
		for i, c := range n.Content {
			walk(c, n.Kind == yaml.MappingNode && i%2 == 0)
		}
	}
	if n := ix[file]; n != nil {
		walk(n, false)
	}
	if col == 0 {
		col = 1
	}
	return col
}

// emptyItems reports the keys of a mapping (or the items of a list) at
// path whose value is empty (null), which decode to nil pointers.
func (ix index) emptyItems(file string, path ...any) []Pos {
	n := ix[file]
	for _, step := range path {
		if n == nil {
			return nil
		}
		var pos Pos
		n = mapValue(n, step.(string), &pos)
	}
	if n == nil {
		return nil
	}
	var out []Pos
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if isNull(n.Content[i+1]) {
				out = append(out, Pos{File: file, Line: n.Content[i].Line, Col: n.Content[i].Column})
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if isNull(c) {
				out = append(out, Pos{File: file, Line: c.Line, Col: c.Column})
			}
		}
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
