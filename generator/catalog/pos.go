package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is a place in a catalog file, for errors people can jump to.
type Pos struct {
	File      string
	Line, Col int
}

// String is file:line:col, always: a problem with the whole file is at its
// start, 1:1, so every message reads the same way for editors and people.
func (p Pos) String() string {
	line, col := max(p.Line, 1), max(p.Col, 1)
	return fmt.Sprintf("%s:%d:%d", p.File, line, col)
}

// Name is a scalar that remembers where it was written, so a later check
// (a tool a target lacks, an unknown step) can point at the exact line.
type Name struct {
	Value string
	Line  int
	Col   int
}

func (n *Name) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a name, found a %s", node.Line, kindName(node.Kind))
	}
	*n = Name{Value: node.Value, Line: node.Line, Col: node.Column}
	return nil
}

func (n Name) At(file string) Pos { return Pos{File: file, Line: n.Line, Col: n.Column()} }

// Column is separate from Col so Name reads like a string in templates.
func (n Name) Column() int { return n.Col }

func (n Name) String() string { return n.Value }

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "scalar"
}

// Problem is one catalog error at a position.
type Problem struct {
	Pos Pos
	Msg string
}

func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// Problems collects every catalog error so the author sees them all in one
// run, sorted by file and line.
type Problems []Problem

func (ps *Problems) Add(pos Pos, format string, args ...any) {
	*ps = append(*ps, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	sorted := append(Problems(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].Pos, sorted[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return &Error{Problems: sorted}
}

// Error is returned when the catalog is invalid; it lists every problem.
type Error struct{ Problems Problems }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var positioned = regexp.MustCompile(`^[^\s:]+:\d+:\d+: `)

// Within adds what a stage was doing to an error without hiding its
// position: a catalog Error passes unchanged (each line is positioned), a
// positioned message gets the context after its position, and any other
// error gets it in front.
func Within(context string, err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return err
	}
	msg := err.Error()
	if loc := positioned.FindStringIndex(msg); loc != nil {
		return fmt.Errorf("%s%s: %w", msg[:loc[1]], context, errors.New(msg[loc[1]:]))
	}
	return fmt.Errorf("%s: %w", context, err)
}
