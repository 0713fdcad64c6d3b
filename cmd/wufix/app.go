package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// Exit codes of the wufix command itself.
const (
	exitOK      = 0
	exitDiffers = 1 // check found differences
	exitError   = 2 // bad usage, bad catalog, failed build
)

// exitCoder lets a command choose its exit code without printing.
type exitCoder int

func (e exitCoder) Error() string { return fmt.Sprintf("exit %d", int(e)) }

var positioned = regexp.MustCompile(`^[^\s:]+:\d+:\d+: `)

// run is the whole CLI, with its streams injected so tests drive it
// in-process exactly as a user would.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(args)
	var code exitCoder
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	}
	// A positioned error (a catalog problem per line) starts with its
	// file:line:col, which editors jump to; anything else is named as ours.
	if msg := err.Error(); positioned.MatchString(msg) {
		fmt.Fprintln(stderr, msg)
	} else {
		fmt.Fprintf(stderr, "wufix: %s\n", msg)
	}
	return exitError
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:            "wufix",
		Usage:           "build Windows Update repair bundles for every Windows version, XP to 11",
		Writer:          stdout,
		ErrWriter:       stderr,
		HideVersion:     true,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // run() reports errors
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "catalog", Usage: "use the catalog in `DIR` (holding targets/ and templates/) instead of the embedded one"},
		},
		Commands: []*cli.Command{buildCommand(), checkCommand(), verifyCommand(), explainCommand(), targetsCommand(), stepsCommand()},
	}
}

// catalogFS is the embedded catalog unless --catalog names a folder.
func catalogFS(c *cli.Context) (fs.FS, error) {
	dir := c.String("catalog")
	if dir == "" {
		return wufix.Catalog, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--catalog %s: not a folder", dir)
	}
	return os.DirFS(dir), nil
}

var (
	targetFlag = &cli.StringSliceFlag{Name: "target", Aliases: []string{"t"}, Usage: "build only target `ID` (repeatable; see wufix targets)"}
	outFlag    = &cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "dist", Usage: "output `DIR`"}
	errorFlag  = &cli.StringFlag{Name: "error", Aliases: []string{"e"}, Usage: "build only the plan for error `CODE` (see wufix explain)"}
)

func buildOutput(c *cli.Context) (*generator.Output, error) {
	fsys, err := catalogFS(c)
	if err != nil {
		return nil, err
	}
	opt, err := buildOptions(c)
	if err != nil {
		return nil, err
	}
	return generator.Build(fsys, opt)
}

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "build the bundles into a folder, one subfolder per target",
		ArgsUsage: " ",
		Flags:     append([]cli.Flag{targetFlag, outFlag, errorFlag, zipFlag}, deliveryFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("build takes no arguments, got %q", strings.Join(c.Args().Slice(), " "))
			}
			out, err := buildOutput(c)
			if err != nil {
				return err
			}
			if err := writeBuild(c, out); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "built %d bundles (%d files) in %s: %s\n",
				len(out.Targets), len(out.Files), c.String("out"), strings.Join(out.Targets, ", "))
			return nil
		},
	}
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "compare a folder with a fresh build; exit 1 and show each difference",
		ArgsUsage: " ",
		Flags:     append([]cli.Flag{targetFlag, outFlag, errorFlag}, deliveryFlags()...),
		Action: func(c *cli.Context) error {
			out, err := buildOutput(c)
			if err != nil {
				return err
			}
			diffs, err := out.Check(c.String("out"))
			if err != nil {
				return err
			}
			for _, d := range diffs {
				fmt.Fprintln(c.App.Writer, d)
			}
			if len(diffs) > 0 {
				fmt.Fprintf(c.App.ErrWriter, "wufix: %s differs from a fresh build: %d file(s)\n", c.String("out"), len(diffs))
				return exitCoder(exitDiffers)
			}
			return nil
		},
	}
}
