package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wufix/wufix/generator"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "decode an error code and show the plan each Windows version runs for it",
		ArgsUsage: "CODE (0x80070003, 80070003, -2147024893 or 2147942403)",
		// A signed decimal code starts with '-' and is not a flag.
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("explain takes one error code, got %d arguments", c.NArg())
			}
			cat, err := loadCatalog(c)
			if err != nil {
				return err
			}
			e, err := generator.Explain(cat, c.Args().First())
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, strings.Join(e.Lines(), "\n"))
			return nil
		},
	}
}
