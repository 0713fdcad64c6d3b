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
// in-process exactly as a user would. A failed write to stdout fails the
// command: output cut short must not pass for a clean run.
func run(args []string, stdout, stderr io.Writer) int {
	out := &checkedWriter{w: stdout}
	app := newApp(out, stderr)
	err := app.Run(args)
	code := exitOK
	var coded exitCoder
	switch {
	case err == nil:
	case errors.As(err, &coded):
		code = int(coded)
	case out.err != nil && errors.Is(err, out.err):
		// said once, below
	default:
		printError(stderr, err)
		code = exitError
	}
	if out.err != nil {
		fmt.Fprintf(stderr, "wufix: writing to standard output: %v\n", out.err)
		code = exitError
	}
	return code
}

// printError writes a positioned error (a catalog problem per line) as it
// is, starting with the file:line:col editors jump to; anything else is
// named as ours.
func printError(stderr io.Writer, err error) {
	if msg := err.Error(); positioned.MatchString(msg) {
		fmt.Fprintln(stderr, msg)
	} else {
		fmt.Fprintf(stderr, "wufix: %s\n", msg)
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:           "wufix",
		Usage:          "build Windows Update repair bundles for every Windows version, XP to 11",
		Writer:         stdout,
		ErrWriter:      stderr,
		HideVersion:    true,                         // --version is ours: it loads the catalog and can fail
		ExitErrHandler: func(*cli.Context, error) {}, // run() reports errors
		OnUsageError:   usageError,
		Flags:          []cli.Flag{catalogFlag(), versionFlag},
		Action:         rootAction,
		Commands: []*cli.Command{buildCommand(), checkCommand(), verifyCommand(), explainCommand(),
			targetsCommand(), stepsCommand(), reportCommand(), completionCommand(), completeCommand()},
	}
	for _, cmd := range app.Commands {
		// -h and wufix help CMD show a command's help; "help" is not
		// a subcommand of each command (check help would not check ./help).
		cmd.HideHelpCommand = true
		cmd.OnUsageError = usageError
	}
	return app
}

// rootAction runs when no command is named: --version, or the help.
func rootAction(c *cli.Context) error {
	if c.Bool("version") {
		return printVersion(c)
	}
	if c.NArg() > 0 {
		return fmt.Errorf("unknown command %q (see wufix help)", c.Args().First())
	}
	return cli.ShowAppHelp(c)
}

// catalogFS is the embedded catalog unless --catalog names a folder.
func catalogFS(c *cli.Context) (fs.FS, error) {
	dir := catalogDir(c)
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
	return generator.Build(fsys, buildOptions(c))
}

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "build the bundles into a folder, one subfolder per target",
		ArgsUsage: " ",
		Flags:     commandFlags(targetFlag, outFlag, errorFlag, zipFlag),
		Action: func(c *cli.Context) error {
			if err := takesArgs(c, 0, 0, ""); err != nil {
				return err
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
			// What each target does not get, and why, after the summary
			// line, which stays the first.
			for _, note := range out.Notes {
				fmt.Fprintln(c.App.Writer, "note: "+note)
			}
			return nil
		},
	}
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "compare a folder (DIR, or --out) with a fresh build; exit 1 and show each difference",
		ArgsUsage: "[DIR]",
		Flags:     commandFlags(targetFlag, outFlag, errorFlag),
		Action: func(c *cli.Context) error {
			dir, err := checkDir(c)
			if err != nil {
				return err
			}
			out, err := buildOutput(c)
			if err != nil {
				return err
			}
			diffs, err := out.Check(dir)
			if err != nil {
				return err
			}
			for _, d := range diffs {
				fmt.Fprintln(c.App.Writer, d)
			}
			if len(diffs) > 0 {
				fmt.Fprintf(c.App.ErrWriter, "wufix: %s differs from a fresh build: %d file(s)\n", dir, len(diffs))
				return exitCoder(exitDiffers)
			}
			return nil
		},
	}
}

// checkDir is the folder check compares: its argument, or --out.
func checkDir(c *cli.Context) (string, error) {
	if err := takesArgs(c, 0, 1, "at most one folder"); err != nil {
		return "", err
	}
	if c.NArg() == 0 {
		return c.String("out"), nil
	}
	if c.IsSet("out") && c.String("out") != c.Args().First() {
		return "", fmt.Errorf("check: the folder is given twice, as %s and --out %s", c.Args().First(), c.String("out"))
	}
	return c.Args().First(), nil
}
