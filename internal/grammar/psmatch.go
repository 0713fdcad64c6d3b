//go:build cgo && grammar

package grammar

import (
	"slices"
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// matcher finds a feature in nodes of the given kinds.
type matcher struct {
	kinds []string
	match func(n *ts.Node, src []byte) bool
}

// nodeKind matches a whole construct the grammar names, such as a class.
func nodeKind(kind string) matcher {
	return matcher{[]string{kind}, func(*ts.Node, []byte) bool { return true }}
}

// typeLiteral matches [name] wherever a type is written: casts, -is, -as,
// parameter types.
func typeLiteral(name string) matcher {
	return matcher{[]string{"type_literal"}, func(n *ts.Node, src []byte) bool {
		return strings.EqualFold(strings.Trim(text(n, src), "[] \t"), name)
	}}
}

// operator matches a comparison operator and its -c (case-sensitive) and -i
// (case-insensitive) spellings.
func operator(op string) matcher {
	base := strings.TrimPrefix(op, "-")
	return matcher{[]string{"comparison_operator"}, func(n *ts.Node, src []byte) bool {
		t := strings.ToLower(text(n, src))
		return t == "-"+base || t == "-c"+base || t == "-i"+base
	}}
}

// variable matches an automatic variable however it is written: $Name,
// ${Name}, $script:Name. Drive-qualified names such as $env:Name are other
// variables and do not match.
func variable(name string) matcher {
	return matcher{[]string{"variable"}, func(n *ts.Node, src []byte) bool {
		scope, bare := splitVariable(text(n, src))
		switch scope {
		case "", "global", "local", "script", "private":
			return strings.EqualFold(bare, name)
		}
		return false
	}}
}

// usingScope matches $using:Name, which passes a local value into a remote
// or background script block.
func usingScope() matcher {
	return matcher{[]string{"variable"}, func(n *ts.Node, src []byte) bool {
		scope, _ := splitVariable(text(n, src))
		return scope == "using"
	}}
}

// splitVariable splits "$scope:name", "@name" or "${scope:name}" into its
// lower-case scope and its name.
func splitVariable(t string) (scope, name string) {
	t = strings.TrimLeft(t, "$@")
	t = strings.TrimSuffix(strings.TrimPrefix(t, "{"), "}")
	scope, name, ok := strings.Cut(t, ":")
	if !ok {
		return "", t
	}
	return strings.ToLower(scope), name
}

// command matches a command called by any of the given names, also when it is
// module-qualified (Microsoft.PowerShell.Utility\ConvertTo-Json).
func command(names ...string) matcher {
	return matcher{[]string{"command_name"}, func(n *ts.Node, src []byte) bool {
		return isCommand(text(n, src), names)
	}}
}

func isCommand(name string, names []string) bool {
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		name = name[i+1:]
	}
	return slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(s, name) })
}

// parameter matches a parameter whatever command it is given to, which suits
// common parameters such as -PipelineVariable.
func parameter(names ...string) matcher {
	return matcher{[]string{"command_parameter"}, func(n *ts.Node, src []byte) bool {
		return isParameter(text(n, src), names)
	}}
}

func isParameter(p string, names []string) bool {
	p = strings.TrimSuffix(p, ":")
	return slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(s, p) })
}

// commandParameter matches a parameter that only later versions of one
// command accept. Abbreviated parameter names are not recognised.
func commandParameter(param string, commands ...string) matcher {
	return matcher{[]string{"command"}, func(n *ts.Node, src []byte) bool {
		name := n.ChildByFieldName("command_name")
		if name == nil || name.Kind() != "command_name" || !isCommand(text(name, src), commands) {
			return false
		}
		return slices.ContainsFunc(arguments(n), func(a *ts.Node) bool {
			return a.Kind() == "command_parameter" && isParameter(text(a, src), []string{param})
		})
	}}
}

// arguments lists a command's parameters and arguments, without separators.
func arguments(cmd *ts.Node) []*ts.Node {
	elems := cmd.ChildByFieldName("command_elements")
	if elems == nil {
		return nil
	}
	var args []*ts.Node
	for i := range elems.NamedChildCount() {
		if c := elems.NamedChild(i); c.Kind() != "command_argument_sep" {
			args = append(args, c)
		}
	}
	return args
}

// method matches a call of the instance method name, as in $list.Where({...}).
func method(name string) matcher {
	return matcher{[]string{"invokation_expression"}, memberAfter(".", name)}
}

// staticMethod matches a static member such as [Type]::new, called or not.
func staticMethod(name string) matcher {
	return matcher{[]string{"invokation_expression", "member_access"}, memberAfter("::", name)}
}

// memberAfter matches a node whose member_name child follows the operator op.
func memberAfter(op, name string) func(n *ts.Node, src []byte) bool {
	return func(n *ts.Node, src []byte) bool {
		for i := uint(1); i < n.ChildCount(); i++ {
			m := n.Child(i)
			if m.Kind() == "member_name" && n.Child(i-1).Kind() == op {
				return strings.EqualFold(text(m, src), name)
			}
		}
		return false
	}
}

// simplifiedSyntax matches the PowerShell 3.0 short forms "Where-Object Name
// -eq x" and "ForEach-Object Name": a bare word or a comparison parameter
// where 2.0 needs a script block. A variable argument may hold a script block
// and is not reported.
func simplifiedSyntax() matcher {
	commands := []string{"Where-Object", "where", "?", "ForEach-Object", "foreach", "%"}
	// These parameters take script blocks, which 2.0 understands.
	scriptBlockParams := []string{"-FilterScript", "-Process", "-Begin", "-End", "-InputObject"}
	return matcher{[]string{"command"}, func(n *ts.Node, src []byte) bool {
		name := n.ChildByFieldName("command_name")
		if name == nil || name.Kind() != "command_name" || !isCommand(text(name, src), commands) {
			return false
		}
		args := arguments(n)
		if len(args) == 0 {
			return false
		}
		switch first := args[0]; first.Kind() {
		case "generic_token":
			return true
		case "command_parameter":
			return !isParameter(text(first, src), scriptBlockParams)
		}
		return false
	}}
}
