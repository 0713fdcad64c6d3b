package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// scripts are the completion scripts, one per shell. Each one asks
// `wufix __complete` for the candidates, so they follow the commands and
// the catalog's targets without being regenerated.
//
//go:embed completion
var scripts embed.FS

var shells = []string{"bash", "zsh", "fish", "powershell"}

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for " + strings.Join(shells, ", "),
		ArgsUsage: strings.Join(shells, "|"),
		Description: "bash:       source <(wufix completion bash)          (in ~/.bashrc)\n" +
			"zsh:        source <(wufix completion zsh)           (in ~/.zshrc, after compinit)\n" +
			"fish:       wufix completion fish > ~/.config/fish/completions/wufix.fish\n" +
			"PowerShell: wufix completion powershell | Out-String | Invoke-Expression   (in $PROFILE)",
		Action: func(c *cli.Context) error {
			if err := takesArgs(c, 1, 1, "one shell ("+strings.Join(shells, ", ")+")"); err != nil {
				return err
			}
			shell := c.Args().First()
			if !slices.Contains(shells, shell) {
				return fmt.Errorf("completion: unknown shell %q (known: %s)", shell, strings.Join(shells, ", "))
			}
			data, err := scripts.ReadFile("completion/wufix." + shell)
			if err != nil {
				return err
			}
			_, err = c.App.Writer.Write(data)
			return err
		},
	}
}

// completeCommand is what the scripts call: `wufix __complete --word=CUR
// WORD...` prints, one a line, the candidates for CUR, the word under the
// cursor, after WORDs, those before it (without "wufix"). Nothing printed
// means a file name is expected: the script lets the shell complete one.
// CUR travels inside --word= because Windows PowerShell drops an empty
// argument to a native program.
func completeCommand() *cli.Command {
	return &cli.Command{
		Name:            "__complete",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) == 0 || !strings.HasPrefix(args[0], "--word=") {
				return fmt.Errorf("__complete: the first argument must be --word=CURRENT")
			}
			for _, s := range candidates(c.App, args[1:], strings.TrimPrefix(args[0], "--word=")) {
				fmt.Fprintln(c.App.Writer, s)
			}
			return nil
		},
	}
}

// line is what the words before the cursor say: the command, the flag
// whose value is being typed, whether -- was seen, and --catalog.
type line struct {
	cmd     *cli.Command
	value   cli.Flag // the flag before the cursor waits for its value
	dashes  bool
	catalog string
}

// candidates are the completions of cur after words.
func candidates(app *cli.App, words []string, cur string) []string {
	l := readLine(app, words)
	var all []string
	switch {
	case l == nil:
		return nil
	case l.value != nil:
		all = values(l, l.value.Names()[0])
	case strings.HasPrefix(cur, "-") && !l.dashes:
		flags := app.Flags
		if l.cmd != nil {
			flags = l.cmd.Flags
		}
		all = flagNames(flags)
	case l.cmd == nil || l.cmd.Name == "help":
		for _, c := range app.Commands { // help among them
			if !c.Hidden {
				all = append(all, c.Name)
			}
		}
	case l.cmd.Name == "completion":
		all = shells
	case l.cmd.Name == "explain":
		all = values(l, "error")
	}
	var out []string
	for _, s := range all {
		if strings.HasPrefix(s, cur) {
			out = append(out, s)
		}
	}
	return out
}

// readLine follows the words as the parser would; nil when they name no
// command wufix has.
func readLine(app *cli.App, words []string) *line {
	l := &line{}
	flags := app.Flags
	for _, w := range words {
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		switch {
		case l.value != nil:
			if slices.Contains(l.value.Names(), "catalog") {
				l.catalog = w
			}
			l.value = nil
		case w == "--":
			l.dashes = true
		case strings.HasPrefix(w, "-") && !l.dashes && len(w) > 1:
			f := flagNamed(flags, name)
			switch {
			case f == nil:
			case hasValue && name == "catalog":
				l.catalog = value
			case !hasValue && takesValue(f):
				l.value = f
			}
		case l.cmd == nil && w == "help":
			l.cmd = &cli.Command{Name: "help"}
			flags = nil
		case l.cmd == nil:
			l.cmd = app.Command(w)
			if l.cmd == nil || l.cmd.Hidden {
				return nil
			}
			flags = l.cmd.Flags
		}
	}
	return l
}

func flagNamed(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// takesValue is false for switches (--zip), which take no value.
func takesValue(f cli.Flag) bool {
	_, isBool := f.(*cli.BoolFlag)
	return !isBool
}

// flagNames are the flags as typed: --name, and -x for one letter.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	out = append(out, "--help")
	slices.Sort(out)
	return slices.Compact(out)
}

// fixedValues are the values of flags that take one of a few words.
var fixedValues = map[string][]string{
	"format":  {"text", "csv", "json"},
	"lang":    {"en", "ru"},
	"fail-on": {"failed", "refused", "pending", "restart", "fixed", "nothing", "undone", "missing", "old"},
}

// values are the catalog's target ids for --target and its error codes
// for --error and explain, the words of a flag that takes one of a few,
// and nil (a file name) for other flags.
func values(l *line, flag string) []string {
	if v, ok := fixedValues[flag]; ok {
		return v
	}
	if flag != "target" && flag != "error" {
		return nil
	}
	var fsys fs.FS = wufix.Catalog
	if l.catalog != "" {
		fsys = os.DirFS(l.catalog)
	}
	cat, err := generator.Load(fsys)
	if err != nil {
		return nil
	}
	var out []string
	if flag == "target" {
		for _, t := range cat.Targets {
			out = append(out, t.ID.Value)
		}
		return out
	}
	for _, e := range cat.Errors {
		out = append(out, e.Code.Value)
	}
	slices.Sort(out)
	return out
}
