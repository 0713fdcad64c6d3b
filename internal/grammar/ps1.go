//go:build cgo && grammar

package grammar

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// CheckPS1 checks a generated .ps1 file's bytes: it must start with the UTF-8
// byte order mark, end every line in CRLF, parse with the tree-sitter
// PowerShell grammar without ERROR or MISSING nodes, and use only features
// that PowerShell psVersion ("2.0", "3.0", "4.0", "5.1") has; see features.
func CheckPS1(file string, src []byte, psVersion string) []Problem {
	body, hasBOM := bytes.CutPrefix(src, utf8BOM)
	// Positions are taken in body, so the invisible BOM does not shift
	// first-line columns away from what an editor shows.
	s := newSource(file, body)
	if !hasBOM {
		s.reportf(0, "missing UTF-8 byte order mark: Windows PowerShell reads a script without one in the ANSI code page")
	}
	s.checkCRLF()
	target, versionErr := parseVersion(psVersion)
	if versionErr != nil {
		s.reportf(0, "%v", versionErr)
	}
	tree, err := parse(powershellLanguage, body)
	if err != nil {
		s.reportf(0, "powershell grammar: %v", err)
	} else {
		defer tree.Close()
		s.checkPowerShellTree(tree.RootNode(), target, versionErr == nil)
	}
	sortProblems(s.problems)
	return s.problems
}

func (s *source) checkPowerShellTree(root *ts.Node, target version, gateFeatures bool) {
	if s.onlyComments(root) {
		return
	}
	labels := map[string]bool{}
	var jumps []jump
	hasErrors := root.HasError() // spares clean trees two cgo calls per node
	walk(root, func(n *ts.Node) {
		kind := n.Kind()
		switch {
		case hasErrors && kind == "ERROR":
			if j, ok := s.labeledJump(n); ok {
				jumps = append(jumps, j)
			} else {
				s.syntaxError(n)
			}
		case hasErrors && n.IsMissing():
			s.syntaxError(n)
		case kind == "label" && n.Parent().Kind() != "label_expression":
			labels[strings.ToLower(strings.TrimPrefix(text(n, s.text), ":"))] = true
		case kind == "try_statement":
			s.checkTry(n)
		}
		if gateFeatures {
			s.checkFeatures(n, kind, target)
		}
	})
	for _, j := range jumps {
		// PowerShell matches loop labels without regard to case.
		if !labels[strings.ToLower(j.label)] {
			s.reportf(j.offset, "%s target :%s is not a loop label in this file", j.verb, j.label)
		}
	}
}

// onlyComments reports whether the script has no statements at all. The
// grammar needs one statement and wraps an empty or comment-only script in
// ERROR nodes, though PowerShell runs such a script happily.
func (s *source) onlyComments(root *ts.Node) bool {
	if !root.IsError() {
		return false
	}
	for i := range root.ChildCount() {
		c := root.Child(i)
		blank := c.IsError() && strings.TrimSpace(text(c, s.text)) == ""
		if c.Kind() != "comment" && !blank {
			return false
		}
	}
	return true
}

// labeledJump recognises "break outer" and "continue outer". They are valid
// PowerShell, but the grammar only accepts an expression after the keyword and
// turns the bare label into an ERROR node holding exactly the keyword and a
// simple_name. Rather than report that false positive, check that the label
// exists.
func (s *source) labeledJump(n *ts.Node) (jump, bool) {
	if n.ChildCount() != 2 || n.Child(1).Kind() != "simple_name" {
		return jump{}, false
	}
	verb := n.Child(0).Kind()
	if verb != "break" && verb != "continue" {
		return jump{}, false
	}
	label := n.Child(1)
	return jump{verb: verb, label: text(label, s.text), offset: int(label.StartByte())}, true
}

// checkTry catches what the grammar lets through: a try block with neither
// catch nor finally, which PowerShell refuses to load.
func (s *source) checkTry(n *ts.Node) {
	if !hasChildKind(n, "catch_clauses") && !hasChildKind(n, "finally_clause") {
		s.reportf(int(n.StartByte()), "try without catch or finally")
	}
}

func (s *source) checkFeatures(n *ts.Node, kind string, target version) {
	for _, f := range featuresByKind[kind] {
		if target.less(f.since) && f.match.match(n, s.text) {
			s.reportf(int(n.StartByte()), "%s needs PowerShell %s, target has %s: %s", f.name, f.min, target, f.why)
		}
	}
}

// version is a PowerShell version such as 2.0 or 5.1.
type version struct{ major, minor int }

func parseVersion(v string) (version, error) {
	major, minor, ok := strings.Cut(v, ".")
	maj, err1 := strconv.Atoi(major)
	mnr, err2 := strconv.Atoi(minor)
	if !ok || err1 != nil || err2 != nil || maj < 1 || mnr < 0 {
		return version{}, fmt.Errorf("unknown PowerShell version %q, want major.minor such as \"2.0\"", v)
	}
	return version{maj, mnr}, nil
}

func (v version) less(w version) bool {
	return v.major < w.major || v.major == w.major && v.minor < w.minor
}

func (v version) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }
