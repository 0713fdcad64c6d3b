package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wufix/wufix/generator"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "decode an error code and show the plan each Windows version runs for it",
		ArgsUsage: "CODE (0x80070003, 80070003, -2147024893 or 2147942403)",
		// A signed decimal code starts with '-' and is not a flag, so the
		// options are read by explainArgs instead of the flag package.
		SkipFlagParsing: true,
		Flags:           []cli.Flag{catalogFlag()},
		Action: func(c *cli.Context) error {
			code, help, err := explainArgs(c)
			if err != nil || help {
				return err
			}
			cat, err := loadCatalog(c)
			if err != nil {
				return err
			}
			e, err := generator.Explain(cat, code)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, strings.Join(e.Lines(), "\n"))
			return nil
		},
	}
}

// negative is a signed decimal code, an argument although it starts with '-'.
var negative = regexp.MustCompile(`^-[0-9]+$`)

// explainArgs reads explain's arguments as the flag package would, except
// that a negative number is an argument: -h or --help shows the help,
// --catalog DIR (or --catalog=DIR) is kept in the context, -- ends options.
func explainArgs(c *cli.Context) (code string, help bool, err error) {
	var codes []string
	args := c.Args().Slice()
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--":
			codes = append(codes, args[i+1:]...)
			i = len(args)
		case !strings.HasPrefix(a, "-") || a == "-" || negative.MatchString(a):
			codes = append(codes, a)
		case name == "h" || name == "help":
			return "", true, cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
		case name == "catalog" && !hasValue && i+1 < len(args):
			i++
			value = args[i]
			fallthrough
		case name == "catalog" && (hasValue || value != ""):
			if err := c.Set("catalog", value); err != nil {
				return "", false, err
			}
		case name == "catalog":
			return "", false, usageError(c, fmt.Errorf("flag needs an argument: %s", a), true)
		default:
			return "", false, usageError(c, fmt.Errorf("flag provided but not defined: %s", a), true)
		}
	}
	if len(codes) != 1 {
		return "", false, fmt.Errorf("explain takes one error code, got %d arguments%s", len(codes), optionHint(codes))
	}
	return codes[0], false, nil
}
