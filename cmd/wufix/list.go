package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

func loadCatalog(c *cli.Context) (*catalog.Catalog, error) {
	fsys, err := catalogFS(c)
	if err != nil {
		return nil, err
	}
	return generator.Load(fsys)
}

// withCatalog is the action of a listing command: it takes no arguments
// and reads the catalog (--catalog or the embedded one).
func withCatalog(list func(*cli.Context, *catalog.Catalog) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := takesArgs(c, 0, 0, ""); err != nil {
			return err
		}
		cat, err := loadCatalog(c)
		if err != nil {
			return err
		}
		return list(c, cat)
	}
}

func targetsCommand() *cli.Command {
	return &cli.Command{
		Name:  "targets",
		Usage: "list the supported Windows versions and what each has",
		Flags: []cli.Flag{catalogFlag()},
		Action: withCatalog(func(c *cli.Context, cat *catalog.Catalog) error {
			for _, t := range cat.Targets {
				printTarget(c, t)
			}
			return nil
		}),
	}
}

func printTarget(c *cli.Context, t *catalog.Target) {
	w := c.App.Writer
	ps := t.PowerShell
	if ps == "" {
		ps = "none"
	}
	fmt.Fprintf(w, "%s\t%s\n", t.ID.Value, t.Name)
	fmt.Fprintf(w, "  NT %s, builds %d-%d, %s; %s\n", t.NT, t.Builds.Min, t.Builds.Max,
		strings.Join(t.Arch, "/"), strings.Join(t.Products, ", "))
	fmt.Fprintf(w, "  PowerShell %s; Sysnative %s\n", ps, yesNo(t.Sysnative))
	var svcs []string
	for _, name := range slices.Sorted(maps.Keys(t.Services)) {
		s := t.Services[name]
		desc := name + " (" + s.Start
		if s.Delayed {
			desc += ", delayed"
		}
		if s.Protected {
			desc += ", protected"
		}
		svcs = append(svcs, desc+")")
	}
	fmt.Fprintf(w, "  services: %s\n", strings.Join(svcs, ", "))
	fmt.Fprintf(w, "  tools: %s\n", strings.Join(slices.Sorted(maps.Keys(t.Tools)), " "))
	fmt.Fprintf(w, "  features: %s\n", strings.Join(slices.Sorted(maps.Keys(t.Features)), " "))
	if t.Intune {
		fmt.Fprintln(w, "  Intune: the detection and remediation pair covers it")
	}
	fmt.Fprintf(w, "  BITS queue: %s\\{%s}\n", t.BitsQueue.Dir, strings.Join(t.BitsQueue.Files, ","))
}

func stepsCommand() *cli.Command {
	return &cli.Command{
		Name:  "steps",
		Usage: "list the catalog's steps and the targets each applies to",
		Flags: []cli.Flag{&cli.StringFlag{Name: "target", Aliases: []string{"t"}, Usage: "only steps that apply to target `ID`"}, catalogFlag()},
		Action: withCatalog(func(c *cli.Context, cat *catalog.Catalog) error {
			only := c.String("target")
			if only != "" {
				if _, err := generator.Select(cat, []string{only}); err != nil {
					return err
				}
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "STEP\tRISK\tREBOOT\tTARGETS\tTITLE")
			for _, id := range slices.Sorted(maps.Keys(cat.Steps)) {
				s := cat.Steps[id]
				var ids []string
				for _, t := range catalog.StepTargets(cat, s) {
					ids = append(ids, t.ID.Value)
				}
				if only != "" && !slices.Contains(ids, only) {
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, s.Risk, yesNo(s.Reboot), strings.Join(ids, ","), s.Title)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if only == "" {
				return nil
			}
			return printNotes(c, cat, only)
		}),
	}
}

// printNotes names each step and plan the target does not get, and why.
func printNotes(c *cli.Context, cat *catalog.Catalog, id string) error {
	targets, err := generator.Select(cat, []string{id})
	if err != nil {
		return err
	}
	b, err := plan.For(cat, targets[0], plan.Options{})
	if err != nil {
		return err
	}
	for _, note := range plan.Notes(cat, b, plan.Options{}) {
		fmt.Fprintln(c.App.Writer, "note: "+note)
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
