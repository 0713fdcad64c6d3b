// Package catalog loads the declarative catalog (targets, tools, sources,
// steps, plans and bundle templates) strictly: unknown keys, missing
// templates, duplicate ids and dangling references are errors, all
// reported at once with file:line.
package catalog

import (
	"fmt"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// Catalog is everything the generator builds from.
type Catalog struct {
	Targets []*Target        // sorted by NT version, then id
	Steps   map[string]*Step // by id
	Plans   []*Plan          // sorted by id
	Tools   map[string]*Tool // by name
	// Features are the facts of a target that are not a tool
	// (templates/features.yaml), by name.
	Features map[string]*Feature
	Libs     map[string]*Lib    // shared script routines, by name
	Sources  map[string]*Source // fact sources, by short name
	Bundle   *template.Template // templates/bundle/*.tmpl, one per output file
	// Deploy are the sets of templates/top, gpo and intune, by folder, each
	// with templates/top's shared definitions.
	Deploy  map[string]*template.Template
	Info    Info         // templates/catalog.yaml
	Errors  []*ErrorInfo // templates/errors.yaml, in file order
	Refused []*Refusal   // templates/refused.yaml, in file order
	Changes Changes      // templates/changes.yaml

	nodes   index // each YAML file's tree, for positions
	origins []Pos // template positions of the marks in cmd templates
}

// ErrorInfo says what an error code means for the technician.
type ErrorInfo struct {
	Code    Name   `yaml:"code"`
	Name    string `yaml:"name"`
	Area    string `yaml:"area"`
	Meaning string `yaml:"meaning"`
	// MeaningRU is Meaning for a Russian-speaking technician: written for
	// them, not translated word for word.
	MeaningRU string `yaml:"meaning_ru"`
	Source    string `yaml:"source"`
}

// Refusal is community advice the catalog will not follow, and why.
type Refusal struct {
	ID     string `yaml:"id"`
	Advice string `yaml:"advice"`
	Why    string `yaml:"why"`
	Source string `yaml:"source"`
	// AdviceRU and WhyRU are Advice and Why in Russian.
	AdviceRU string `yaml:"advice_ru"`
	WhyRU    string `yaml:"why_ru"`
}

// Info is the catalog's own data.
type Info struct {
	// Date is when the catalog was last revised (YYYY-MM-DD). Bundles use it
	// as a lower bound for today's date: a machine whose clock is earlier is
	// wrong. It is a catalog fact, not the build time, so builds stay
	// reproducible.
	Date string `yaml:"date"`
	// Intune is what keeps the Intune remediation (run.cmd /intune) from
	// resetting a machine every day.
	Intune IntuneRules `yaml:"intune"`
}

// IntuneRules are run.cmd /intune's brakes: detection runs daily, and what
// it finds can persist on a machine a reset cannot fix.
type IntuneRules struct {
	// CooldownDays is how many days after the last Intune remediation
	// another one is refused.
	CooldownDays int `yaml:"cooldown_days"`
	// MaxFailed failed remediations in a row stop them until one succeeds
	// or an administrator deletes the count.
	MaxFailed int `yaml:"max_failed"`
	// Unfixable are the steps whose failure a reset cannot cure: a run
	// failing only in them does not count as a failed remediation.
	Unfixable []Name `yaml:"unfixable"`
}

// Fact says where a value came from and how sure we are: H (Microsoft
// document or well-kept public script), M (consistent community evidence),
// L (memory or one weak source; to be verified on real media).
type Fact struct {
	Source     Name   `yaml:"source"`
	Confidence string `yaml:"confidence"`
	Note       string `yaml:"note"`
}

// Source is one reference that facts point to.
type Source struct {
	Title string `yaml:"title"`
	Where string `yaml:"where"`
}

// Tool is a program a step may call, always by absolute path so that a
// same-named file planted beside run.cmd never runs.
type Tool struct {
	Name string `yaml:"-"`
	// Path is relative to %SystemRoot%, e.g. System32\sc.exe.
	Path string `yaml:"path"`
	What string `yaml:"what"`
}

// Feature is a fact a target may have that is not a program: steps name
// it in when.features, templates ask for it with has.
type Feature struct {
	Name string `yaml:"-"`
	What string `yaml:"what"`
}

// Target is one Windows version family that gets its own bundle.
type Target struct {
	File       string                  `yaml:"-"`
	ID         Name                    `yaml:"id"`
	Name       string                  `yaml:"name"`
	Editions   []Edition               `yaml:"editions"`
	NT         string                  `yaml:"nt"`
	Builds     BuildRange              `yaml:"builds"`
	Products   []string                `yaml:"products"`
	Arch       []string                `yaml:"arch"`
	Facts      TargetFacts             `yaml:"facts"`
	PowerShell string                  `yaml:"powershell"`
	Sysnative  bool                    `yaml:"sysnative"`
	Services   map[string]*ServiceFact `yaml:"services"`
	Tools      map[string]*Fact        `yaml:"tools"`
	Features   map[string]*Fact        `yaml:"features"`
	// Intune: the Intune detection and remediation pair covers the target
	// (Intune manages its edition).
	Intune bool `yaml:"intune"`
	// PackageNames are the words Microsoft's standalone package names use
	// for this Windows ("windows6.1", "win7andw2k8r2"), each optionally
	// qualified by one architecture ("w2k8r2/x64": that word with that
	// architecture only); wufix build --payload places packages by them.
	PackageNames []Name    `yaml:"package_names"`
	BitsQueue    BitsQueue `yaml:"bits_queue"`
	// Prerequisites are the packages without which no repair gets Windows
	// Update working again on this version (SHA-2 code signing, a servicing
	// stack that installs SHA-2 signed updates): /diagnose names the ones
	// missing.
	Prerequisites []Prerequisite `yaml:"prerequisites"`
}

// Edition is a Windows release by the name people know it by ("Windows
// Server 2019"), with the builds it has when they are only part of the
// target's range; INDEX.txt lists every edition and the folder serving it.
// A plain string is an edition over the target's whole range.
type Edition struct {
	Name string `yaml:"name"`
	// Builds is empty (zero) when the edition spans the target's range.
	Builds BuildRange `yaml:"builds"`
	// Note is a short hint on how to tell the edition apart ("EditionID
	// ServerRdsh"), shown in INDEX.txt.
	Note string `yaml:"note"`
	Line int    `yaml:"-"`
}

func (e *Edition) UnmarshalYAML(node *yaml.Node) error {
	e.Line = node.Line
	if node.Kind == yaml.ScalarNode {
		e.Name = node.Value
		return nil
	}
	type plain Edition
	var p plain
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: an edition is a name or {name, builds, note}", node.Line)
	}
	for i := 0; i < len(node.Content); i += 2 {
		if k := node.Content[i].Value; k != "name" && k != "builds" && k != "note" {
			return fmt.Errorf("line %d: unknown key %q in an edition (name, builds, note)", node.Content[i].Line, k)
		}
	}
	if err := node.Decode(&p); err != nil {
		return err
	}
	*e = Edition(p)
	e.Line = node.Line
	return nil
}

// String is the edition's name, so templates can join editions.
func (e Edition) String() string { return e.Name }

// Range is the edition's builds, the target's when it names none.
func (e Edition) Range(t *Target) BuildRange {
	if e.Builds.Min == 0 && e.Builds.Max == 0 {
		return t.Builds
	}
	return e.Builds
}

// Prerequisite is one update package, found by its KB number among the
// Component Based Servicing package names.
type Prerequisite struct {
	KB   string `yaml:"kb"`
	What string `yaml:"what"`
	Fact `yaml:",inline"`
}

// TargetFacts are the sources for the target's scalar facts.
type TargetFacts struct {
	Builds       Fact `yaml:"builds"`
	PowerShell   Fact `yaml:"powershell"`
	Sysnative    Fact `yaml:"sysnative"`
	Intune       Fact `yaml:"intune"`
	PackageNames Fact `yaml:"package_names"`
}

// BuildRange is the CurrentBuild values a bundle accepts, inclusive.
type BuildRange struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

// ServiceFact is a service that exists on the target, with its default
// start type as installed (auto, manual, disabled; delayed for Automatic
// (Delayed Start)).
type ServiceFact struct {
	Display   string `yaml:"display"`
	Start     string `yaml:"start"`
	Delayed   bool   `yaml:"delayed"`
	Protected bool   `yaml:"protected"`
	Fact      `yaml:",inline"`
}

// BitsQueue is where BITS keeps its job queue on the target.
type BitsQueue struct {
	Dir   string   `yaml:"dir"`
	Files []string `yaml:"files"`
	Fact  `yaml:",inline"`
}

// Step is one remediation: data in step.yaml plus its cmd.tmpl.
type Step struct {
	Dir     string `yaml:"-"`
	File    string `yaml:"-"`
	ID      Name   `yaml:"id"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	// TitleRU, SummaryRU and RevertRU are the Russian README's and
	// explain --lang ru's text; every step must have them.
	TitleRU   string `yaml:"title_ru"`
	SummaryRU string `yaml:"summary_ru"`
	RevertRU  string `yaml:"revert_ru"`
	Addresses []Name `yaml:"addresses"`
	// Targets is [all], or empty when When says where the step applies.
	Targets  []Name   `yaml:"targets"`
	When     *When    `yaml:"when"`
	Requires Requires `yaml:"requires"`
	Uses     []Name   `yaml:"uses"`
	// Services the step stops and restarts where they exist, in stop order.
	Services []Name `yaml:"services"`
	// Rename lists folders the step renames aside, never deletes.
	Rename []string `yaml:"rename"`
	Reboot bool     `yaml:"reboot"`
	Risk   string   `yaml:"risk"`
	// Level says when the step runs: default (always, in its plans),
	// aggressive (only with /aggressive), optin (only when named with /with).
	Level string `yaml:"level"`
	// Long marks a step that can outlast the Group Policy script limit
	// (SFC, DISM): under /gpo it is handed to a one-shot scheduled task.
	Long bool `yaml:"long"`
	// Registry is data the step imports from <id>.reg in the bundle.
	Registry []RegKey           `yaml:"registry"`
	Revert   string             `yaml:"revert"`
	Template *template.Template `yaml:"-"` // cmd.tmpl
}

// Requires is what a step cannot run without on a target.
type Requires struct {
	Tools    []Name `yaml:"tools"`
	Services []Name `yaml:"services"`
}

// Lib is a routine shared by steps (cmd subroutines), emitted once into
// run.cmd only when a step uses it.
type Lib struct {
	Name  string `yaml:"-"`
	File  string `yaml:"-"`
	Tools []Name `yaml:"tools"`
	// OptionalTools are used only where the target has them (the template
	// asks with "has"); the tool function still refuses one a target lacks.
	OptionalTools []Name `yaml:"optional_tools"`
	Uses          []Name `yaml:"uses"`
	What          string `yaml:"what"`
	// Always puts the lib in every bundle: run.cmd's own routines.
	Always   bool               `yaml:"always"`
	Template *template.Template `yaml:"-"` // cmd.tmpl
}

// Plan is an ordered list of steps for a kind of failure.
type Plan struct {
	File    string `yaml:"-"`
	ID      Name   `yaml:"id"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	// TitleRU and SummaryRU are Title and Summary in Russian.
	TitleRU   string `yaml:"title_ru"`
	SummaryRU string `yaml:"summary_ru"`
	Default   bool   `yaml:"default"`
	// When says which targets the plan is for; nil means every target. A
	// bundle for another target has no such plan, and run.cmd says so for
	// its codes.
	When  *When       `yaml:"when"`
	Codes []Name      `yaml:"codes"`
	Steps []PlanEntry `yaml:"steps"`
}

// PlanEntry is a step id, or a group written {any: [a, b]} of which the
// first step that applies to a target is used: the way one plan serves
// versions that need different tools for the same job.
type PlanEntry struct {
	Any []Name
	// Optional entries are left out on targets none of their steps apply
	// to, instead of being an error: opt-in steps for some versions only.
	Optional bool
}

func (e *PlanEntry) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		var n Name
		if err := n.UnmarshalYAML(node); err != nil {
			return err
		}
		e.Any = []Name{n}
		return nil
	}
	var group struct {
		Any      []Name `yaml:"any"`
		Optional bool   `yaml:"optional"`
	}
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a plan step is a step id or {any: [ids], optional: true|false}", node.Line)
	}
	for i := 0; i < len(node.Content); i += 2 {
		if k := node.Content[i].Value; k != "any" && k != "optional" {
			return fmt.Errorf("line %d: unknown key %q in a plan step (any, optional)", node.Content[i].Line, k)
		}
	}
	if err := node.Decode(&group); err != nil {
		return err
	}
	if len(group.Any) == 0 {
		return fmt.Errorf("line %d: an any group needs at least one step", node.Line)
	}
	e.Any, e.Optional = group.Any, group.Optional
	return nil
}

// RegKey is one registry key a step writes, as data: the generator emits
// the .reg file, and the step's template imports it after a backup.
type RegKey struct {
	Key    string     `yaml:"key"`
	Values []RegValue `yaml:"values"`
}

// RegValue is one value under a RegKey. Type is string, expand, multi or
// dword; Data is the text (a dword in decimal or 0x hex); Multi the lines.
type RegValue struct {
	Name  string   `yaml:"name"`
	Type  string   `yaml:"type"`
	Data  string   `yaml:"data"`
	Multi []string `yaml:"multi"`
}

// RegFile is the name of the .reg file the step's registry data becomes in
// a bundle, or "" when the step has none.
func (s *Step) RegFile() string {
	if len(s.Registry) == 0 {
		return ""
	}
	return s.ID.Value + ".reg"
}

// ProductType is the value Windows stores in
// HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions\ProductType for a
// catalog product kind: what run.cmd compares to tell a server from the
// client with the same build number.
func ProductType(kind string) (string, error) {
	switch kind {
	case "workstation":
		return "WinNT", nil
	case "server":
		return "ServerNT", nil
	case "domain-controller":
		return "LanmanNT", nil
	}
	return "", fmt.Errorf("unknown product kind %q", kind)
}
