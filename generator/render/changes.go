package render

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

// Inventory is what CHANGES.txt lists: each step's commands that change
// the computer, by level, and run.cmd's own.
type Inventory struct {
	Levels []*LevelChanges
	RunCmd []*ChangeGroup // outside the steps: logs, /gpo, /report, /undo
}

// LevelChanges are the steps of one level (default, aggressive, optin).
type LevelChanges struct {
	Level string
	Steps []*StepChanges
}

// StepChanges is one step's entry.
type StepChanges struct {
	*StepView
	Plans   []string
	Line    int            // of the step's :do_ label in run.cmd
	Run     []*ChangeGroup // what its do block and the routines it reaches run
	Cleanup []*ChangeGroup // what its cleanup block runs at the end of the run
}

// ChangeGroup is the commands of one kind, by what they change.
type ChangeGroup struct {
	What     string
	Commands []ChangeLine
}

// ChangeLine is one line of run.cmd that changes the computer.
type ChangeLine struct {
	Line    int
	Routine string // the label of the paragraph it stands in
	Text    string // the line, tools shortened to their file names
}

// Changes renders CHANGES.txt from templates/bundle/CHANGES.txt.tmpl over
// the inventory of script, the bundle's final run.cmd, with the template
// clones cl (as Script).
func Changes(cl *Clones, c *catalog.Catalog, b *plan.Bundle, script string, extra map[string]any) (string, error) {
	inv, err := NewInventory(c, b, script)
	if err != nil {
		return "", err
	}
	ex := maps.Clone(extra)
	ex["Changes"] = inv
	return Script(cl, c, b, "CHANGES.txt.tmpl", "", ex)
}

// NewInventory reads the inventory off run.cmd. A command that no rule of
// templates/changes.yaml classifies, anywhere in the script, is an error.
func NewInventory(c *catalog.Catalog, b *plan.Bundle, script string) (*Inventory, error) {
	view, err := newView(nil, c, b, "", nil) // data only: no template runs
	if err != nil {
		return nil, err
	}
	sc := &scanned{graph: newGraph(paragraphs(script)), rules: c.Changes.Rules()}
	if err := checkFileCallsIn(sc.graph, script); err != nil {
		return nil, err
	}
	if err := sc.classifyAll(); err != nil {
		return nil, err
	}
	blocks := map[string]bool{}
	for _, s := range view.Steps {
		for _, kind := range []string{"do_", "preview_", "undo_", "cleanup_"} {
			blocks[kind+strings.ToLower(s.Label)] = true
		}
	}
	inv := &Inventory{RunCmd: sc.groups(sc.reach([]string{""}, true, func(n string) bool { return blocks[n] }))}
	for _, level := range []string{"default", "aggressive", "optin"} {
		lc := &LevelChanges{Level: level}
		for _, s := range view.Steps {
			if s.Level == level {
				lc.Steps = append(lc.Steps, sc.step(s, view.Plans))
			}
		}
		if len(lc.Steps) > 0 {
			inv.Levels = append(inv.Levels, lc)
		}
	}
	return inv, nil
}

// scanned is run.cmd split and classified.
type scanned struct {
	*graph
	rules []catalog.ChangeRule
	// changes holds, per paragraph, its lines that change the computer.
	changes [][]classified
}

type classified struct {
	ChangeLine
	what string
}

func (sc *scanned) classifyAll() error {
	var problems []string
	sc.changes = make([][]classified, len(sc.paras))
	for i, p := range sc.paras {
		for n, line := range p.lines {
			for _, cmd := range commands(line) {
				r := classify(cmd, sc.rules)
				if r == nil {
					problems = append(problems, fmt.Sprintf("run.cmd:%d: %s %s: no key in %s classifies it",
						p.start+n, cmd.program, strings.Join(cmd.words, " "), catalog.ChangesFile))
					continue
				}
				if r.What != "" {
					text := toolCall.ReplaceAllString(strings.TrimSpace(line), "$1.exe")
					sc.changes[i] = append(sc.changes[i], classified{ChangeLine{p.start + n, p.name, text}, r.What})
				}
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("change inventory: %s", strings.Join(problems, "\n"))
	}
	return nil
}

func (sc *scanned) step(s *StepView, plans []*PlanView) *StepChanges {
	never := func(string) bool { return false }
	out := &StepChanges{StepView: s,
		Run:     sc.groups(sc.reach([]string{"do_" + s.Label}, false, never)),
		Cleanup: sc.groups(sc.reach([]string{"cleanup_" + s.Label}, false, never))}
	if i, ok := sc.byName["do_"+strings.ToLower(s.Label)]; ok {
		out.Line = sc.paras[i].start
	}
	for _, p := range plans {
		for _, ps := range p.Steps {
			if ps.ID == s.ID {
				out.Plans = append(out.Plans, p.ID)
				break
			}
		}
	}
	return out
}

// groups gathers the changing lines of the paragraphs by what they change,
// each group's lines in order, the groups in the order they first appear.
func (sc *scanned) groups(paras []int) []*ChangeGroup {
	byWhat := map[string]*ChangeGroup{}
	var out []*ChangeGroup
	for _, i := range paras {
		for _, ch := range sc.changes[i] {
			g := byWhat[ch.what]
			if g == nil {
				g = &ChangeGroup{What: ch.what}
				byWhat[ch.what] = g
				out = append(out, g)
			}
			g.Commands = append(g.Commands, ch.ChangeLine)
		}
	}
	for _, g := range out {
		sort.SliceStable(g.Commands, func(a, b int) bool { return g.Commands[a].Line < g.Commands[b].Line })
		g.Commands = slices.CompactFunc(g.Commands, func(a, b ChangeLine) bool { return a.Line == b.Line })
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Commands[0].Line < out[b].Commands[0].Line })
	return out
}
