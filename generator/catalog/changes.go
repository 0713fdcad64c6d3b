package catalog

import (
	"path"
	"regexp"
	"sort"
	"strings"
)

// ChangesFile classifies the commands bundles run, for CHANGES.txt.
const ChangesFile = "templates/changes.yaml"

// Changes is templates/changes.yaml: which commands change the computer
// (with what they change, in words for a change board) and which do not.
// A key is a program and the words its arguments must hold.
type Changes struct {
	Change   map[Name]string `yaml:"change"`
	NoChange []Name          `yaml:"no_change"`
}

// Builtins are cmd's own commands that change files or folders. They have
// no path to be found by, so the inventory looks for these names.
var Builtins = []string{"copy", "del", "erase", "md", "mkdir", "move", "rd", "ren", "rename", "rmdir"}

// varProgram is how changes.yaml names a program started by a path held
// in a variable ("%PKG%" /quiet): the variable, lower-case.
var varProgram = regexp.MustCompile(`^%[a-z_][a-z0-9_]*%$`)

// ChangeRule is one classification: a program (a tool's file name without
// .exe, a builtin, or a %variable%), the words its arguments hold, and what it changes
// ("" for a command that changes nothing).
type ChangeRule struct {
	Program string
	Words   []string
	What    string
	Pos     Pos
}

// Rules lists the classifications, most words first, then changes before
// non-changes, then by key: the order a command is matched in.
func (c *Changes) Rules() []ChangeRule {
	var out []ChangeRule
	add := func(key Name, what string) {
		fields := strings.Fields(strings.ToLower(key.Value))
		if len(fields) == 0 {
			return
		}
		out = append(out, ChangeRule{Program: fields[0], Words: fields[1:], What: what, Pos: key.At(ChangesFile)})
	}
	for key, what := range c.Change {
		add(key, strings.TrimSpace(what))
	}
	for _, key := range c.NoChange {
		add(key, "")
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Words) != len(b.Words) {
			return len(a.Words) > len(b.Words)
		}
		if (a.What == "") != (b.What == "") {
			return a.What != ""
		}
		return strings.Join(append([]string{a.Program}, a.Words...), " ") < strings.Join(append([]string{b.Program}, b.Words...), " ")
	})
	return out
}

// ProgramName is how changes.yaml names a tool: its file name, lower-case,
// without .exe.
func ProgramName(t *Tool) string {
	base := path.Base(strings.ReplaceAll(t.Path, `\`, "/"))
	return strings.TrimSuffix(strings.ToLower(base), ".exe")
}

func validateChanges(c *Catalog, ps *Problems) {
	known := map[string]bool{}
	for _, t := range c.Tools {
		known[ProgramName(t)] = true
	}
	for _, b := range Builtins {
		known[b] = true
	}
	for _, r := range c.Changes.Rules() {
		if varProgram.MatchString(r.Program) {
			known[r.Program] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range c.Changes.Rules() {
		key := strings.Join(append([]string{r.Program}, r.Words...), " ")
		switch {
		case !known[r.Program]:
			ps.Add(r.Pos, "%q is neither a program in templates/tools.yaml, a cmd builtin that changes files nor a %%VARIABLE%%", r.Program)
		case seen[key]:
			ps.Add(r.Pos, "%q is classified twice", key)
		}
		seen[key] = true
	}
	for key, what := range c.Changes.Change {
		if strings.TrimSpace(what) == "" {
			ps.Add(key.At(ChangesFile), "%q: say what it changes", key.Value)
		}
	}
}
