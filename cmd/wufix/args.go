package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// catalogFlag is --catalog, which every command that reads the catalog
// takes after its name as well as before it (wufix build --catalog DIR).
func catalogFlag() cli.Flag {
	return &cli.StringFlag{Name: "catalog", Usage: "use the catalog in `DIR` (holding targets/ and templates/) instead of the embedded one"}
}

// commandFlags are a build's flags: these, the delivery flags and --catalog.
func commandFlags(flags ...cli.Flag) []cli.Flag {
	return append(append(flags, deliveryFlags()...), catalogFlag())
}

// catalogDir is --catalog as given nearest the command: after its name,
// or else before it.
func catalogDir(c *cli.Context) string {
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && hasFlag(ctx.Command.Flags, "catalog") && ctx.IsSet("catalog") {
			return ctx.String("catalog")
		}
	}
	return ""
}

func hasFlag(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// takesArgs refuses fewer than least or more than most arguments; what
// says what they are ("one folder"). An option written after an argument
// is an argument too (the flag package stops at the first one), and the
// message says so.
func takesArgs(c *cli.Context, least, most int, what string) error {
	n := c.NArg()
	if n >= least && n <= most {
		return nil
	}
	args := c.Args().Slice()
	if most == 0 {
		return fmt.Errorf("%s takes no arguments, got %q%s", c.Command.Name, strings.Join(args, " "), optionHint(args))
	}
	return fmt.Errorf("%s takes %s, got %d arguments%s", c.Command.Name, what, n, optionHint(args))
}

// optionHint explains an argument that looks like an option.
func optionHint(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			return " (options go before arguments; -- ends options)"
		}
	}
	return ""
}

// usageError words a flag the parser refused as one line on stderr,
// instead of the library's "Incorrect Usage" and the whole help on stdout.
func usageError(c *cli.Context, err error, _ bool) error {
	if c.Command == nil || c.Command.Name == "" || c.Command.Name == c.App.Name {
		return fmt.Errorf("%w (see wufix help)", err)
	}
	return fmt.Errorf("%s: %w (see wufix help %s)", c.Command.Name, err, c.Command.Name)
}

// checkedWriter remembers the first failed write to stdout (a full disk, a
// closed pipe) and drops what comes after it, so that run can fail the
// command even where the library ignores write errors (help, version).
type checkedWriter struct {
	w   io.Writer
	err error
}

func (w *checkedWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	w.err = err
	return n, err
}
