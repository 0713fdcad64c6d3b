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
		Flags: []cli.Flag{catalogFlag(), &cli.StringFlag{
			Name: "lang", Value: string(generator.English), Usage: "language of the meaning and the plan: en or ru",
		}},
		Action: func(c *cli.Context) error {
			code, help, err := explainArgs(c)
			if err != nil || help {
				return err
			}
			lang, err := generator.ParseLang(c.String("lang"))
			if err != nil {
				return usageError(c, err, true)
			}
			cat, err := loadCatalog(c)
			if err != nil {
				return err
			}
			e, err := generator.Explain(cat, code)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, strings.Join(e.Text(lang), "\n"))
			return nil
		},
	}
}

// valued are explain's options that take a value.
var valued = map[string]bool{"catalog": true, "lang": true}

// negative is a signed decimal code, an argument although it starts with '-'.
var negative = regexp.MustCompile(`^-[0-9]+$`)

// explainArgs reads explain's arguments as the flag package would, except
// that a negative number is an argument: -h or --help shows the help,
// --catalog DIR and --lang L (or --catalog=DIR, --lang=L) are kept in the
// context, -- ends options.
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
		case valued[name] && !hasValue && i+1 < len(args):
			i++
			value = args[i]
			fallthrough
		case valued[name] && (hasValue || value != ""):
			if err := c.Set(name, value); err != nil {
				return "", false, err
			}
		case valued[name]:
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
