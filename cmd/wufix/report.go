package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wufix/wufix/generator/fleet"
)

// now is the clock report judges ages by; tests set it.
var now = time.Now

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "summarize the JSON reports bundles copied to a share (/report:DIR): machines by outcome, failures by reason",
		ArgsUsage: "DIR|ZIP...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "`FORMAT` of the summary on stdout: text, csv (one line per machine) or json"},
			&cli.StringFlag{Name: "html", Usage: "also write the summary as one self-contained page to `FILE`"},
			&cli.StringFlag{Name: "older-than", Usage: "list machines whose newest report is older than `AGE` (30d, 12h)"},
			&cli.StringFlag{Name: "expect", Usage: "list the computers named in `FILE` (one per line) that never reported"},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 1 when any machine is `OUTCOME` (failed, refused, pending, restart, missing, old; repeatable)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("report takes one or more folders or .zip files of reports")
			}
			opt, err := reportOptions(c)
			if err != nil {
				return err
			}
			col := fleet.NewCollector()
			if err := fleet.Read(c.Args().Slice(), runtime.GOMAXPROCS(0), col); err != nil {
				return err
			}
			s := col.Summary()
			s.Judge(now(), opt.age, opt.expected)
			if err := writeSummary(c, s); err != nil {
				return err
			}
			return failOn(s, opt.failOn)
		},
	}
}

type reportOpts struct {
	age      time.Duration
	expected []string
	failOn   []string
}

func reportOptions(c *cli.Context) (reportOpts, error) {
	var opt reportOpts
	if f := c.String("format"); !slices.Contains([]string{"text", "csv", "json"}, f) {
		return opt, fmt.Errorf("--format %s: choose text, csv or json", f)
	}
	if v := c.String("older-than"); v != "" {
		age, err := parseAge(v)
		if err != nil {
			return opt, err
		}
		opt.age = age
	}
	if f := c.String("expect"); f != "" {
		names, err := readNames(f)
		if err != nil {
			return opt, err
		}
		opt.expected = names
	}
	known := append([]string{"missing", "old"}, outcomeNames()...)
	for _, o := range c.StringSlice("fail-on") {
		if !slices.Contains(known, o) {
			return opt, fmt.Errorf("--fail-on %s: choose from %s", o, strings.Join(known, ", "))
		}
	}
	opt.failOn = c.StringSlice("fail-on")
	return opt, nil
}

func outcomeNames() []string {
	var names []string
	for _, o := range fleet.Outcomes {
		names = append(names, string(o))
	}
	return names
}

// parseAge reads 30d as well as Go's durations (12h, 90m).
func parseAge(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--older-than %s: give an age such as 30d or 12h", v)
}

// readNames reads one computer name a line; blank lines and lines that
// start with # are left out.
func readNames(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--expect: %w", err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if name != "" && !strings.HasPrefix(name, "#") {
			names = append(names, name)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--expect %s: %w", file, err)
	}
	return names, nil
}

func writeSummary(c *cli.Context, s *fleet.Summary) error {
	var err error
	switch c.String("format") {
	case "csv":
		err = s.CSV(c.App.Writer)
	case "json":
		err = s.JSON(c.App.Writer)
	default:
		err = s.Text(c.App.Writer)
	}
	if err != nil {
		return fmt.Errorf("writing the summary: %w", err)
	}
	if file := c.String("html"); file != "" {
		return writeHTML(file, s)
	}
	return nil
}

// writeHTML writes the page beside its final name and renames it there,
// so a page that failed half way never replaces a good one.
func writeHTML(file string, s *fleet.Summary) error {
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	err = s.HTML(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--html: %w", err)
	}
	return nil
}

// failOn returns exit code 1 (without a message: the summary says it all)
// when a machine has one of the outcomes asked for.
func failOn(s *fleet.Summary, outcomes []string) error {
	for _, o := range outcomes {
		switch {
		case o == "missing" && len(s.Missing) > 0,
			o == "old" && len(s.Old) > 0,
			len(s.Outcomes[fleet.Outcome(o)]) > 0:
			return exitCoder(exitDiffers)
		}
	}
	return nil
}
