package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/wufix/wufix/generator/verify"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check a build, a bundle folder or a .zip of either against its SHA256SUMS and manifest.json; exit 1 on any missing, changed or extra file",
		ArgsUsage: "DIR|ZIP",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("verify takes one folder or .zip file, got %d arguments%s", c.NArg(), optionHint(c.Args().Slice()))
			}
			r, err := verify.Path(c.Args().First())
			if err != nil {
				return err
			}
			for _, p := range r.Problems {
				fmt.Fprintln(c.App.Writer, p)
			}
			if len(r.Problems) > 0 {
				fmt.Fprintf(c.App.ErrWriter, "wufix: %s does not match its SHA256SUMS: %d problem(s)\n", c.Args().First(), len(r.Problems))
				return exitCoder(exitDiffers)
			}
			fmt.Fprintf(c.App.Writer, "%s: %d files match SHA256SUMS and manifest.json\n", c.Args().First(), r.Checked)
			return nil
		},
	}
}
