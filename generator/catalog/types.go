// Package catalog loads the declarative catalog (targets, tools, sources,
// steps, plans and bundle templates) strictly: unknown keys, missing
// templates, duplicate ids and dangling references are errors, all
// reported at once with file:line.
package catalog

import "text/template"

// Catalog is everything the generator builds from.
type Catalog struct {
	Targets []*Target          // sorted by NT version, then id
	Steps   map[string]*Step   // by id
	Plans   []*Plan            // sorted by id
	Tools   map[string]*Tool   // by name
	Libs    map[string]*Lib    // shared script routines, by name
	Sources map[string]*Source // fact sources, by short name
	Bundle  *template.Template // templates/bundle/*.tmpl, one per output file
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

// Target is one Windows version family that gets its own bundle.
type Target struct {
	File       string                  `yaml:"-"`
	ID         Name                    `yaml:"id"`
	Name       string                  `yaml:"name"`
	Editions   []string                `yaml:"editions"`
	NT         string                  `yaml:"nt"`
	Builds     BuildRange              `yaml:"builds"`
	Products   []string                `yaml:"products"`
	Arch       []string                `yaml:"arch"`
	Facts      TargetFacts             `yaml:"facts"`
	PowerShell string                  `yaml:"powershell"`
	Sysnative  bool                    `yaml:"sysnative"`
	Services   map[string]*ServiceFact `yaml:"services"`
	Tools      map[string]*Fact        `yaml:"tools"`
	BitsQueue  BitsQueue               `yaml:"bits_queue"`
}

// TargetFacts are the sources for the target's scalar facts.
type TargetFacts struct {
	Builds     Fact `yaml:"builds"`
	PowerShell Fact `yaml:"powershell"`
	Sysnative  Fact `yaml:"sysnative"`
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

// Step is one remediation: data in step.yaml plus a template per dialect.
type Step struct {
	Dir       string   `yaml:"-"`
	File      string   `yaml:"-"`
	ID        Name     `yaml:"id"`
	Title     string   `yaml:"title"`
	Summary   string   `yaml:"summary"`
	Addresses []Name   `yaml:"addresses"`
	Targets   []Name   `yaml:"targets"`
	Requires  Requires `yaml:"requires"`
	Uses      []Name   `yaml:"uses"`
	// Services the step stops and restarts where they exist, in stop order.
	Services []Name `yaml:"services"`
	// Rename lists folders the step renames aside, never deletes.
	Rename    []string                      `yaml:"rename"`
	Reboot    bool                          `yaml:"reboot"`
	Risk      string                        `yaml:"risk"`
	Revert    string                        `yaml:"revert"`
	Templates map[string]*template.Template `yaml:"-"` // by dialect name
}

// Requires is what a step cannot run without on a target.
type Requires struct {
	Tools    []Name `yaml:"tools"`
	Services []Name `yaml:"services"`
}

// Lib is a routine shared by steps (a cmd subroutine, a PowerShell
// function), emitted once into a script only when a step uses it.
type Lib struct {
	Name      string                        `yaml:"-"`
	File      string                        `yaml:"-"`
	Tools     []Name                        `yaml:"tools"`
	Uses      []Name                        `yaml:"uses"`
	What      string                        `yaml:"what"`
	Templates map[string]*template.Template `yaml:"-"`
}

// Plan is an ordered list of steps for a kind of failure.
type Plan struct {
	File    string `yaml:"-"`
	ID      Name   `yaml:"id"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	Default bool   `yaml:"default"`
	Codes   []Name `yaml:"codes"`
	Steps   []Name `yaml:"steps"`
}
