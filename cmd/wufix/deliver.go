package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/wufix/wufix/generator"
)

// deliveryFlags shape what a build holds beyond the bundles themselves:
// payloads, signatures, and the Group Policy and Intune settings. check
// takes them too, to compare with the same build.
func deliveryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "payload", Usage: "copy the update packages in `DIR` (.msu, .cab, .exe, and those in a .zip; see payload.yaml in the README) into the bundles that use them"},
		&cli.StringFlag{Name: "report", Usage: "Group Policy and Intune runs copy their JSON report to `SHARE` (\\\\server\\share\\wufix)"},
		&cli.StringFlag{Name: "intune-root", Usage: "where the Intune remediation finds the bundle folders on a device (`PATH`; default " + generator.DefaultIntuneRoot + ")"},
		&cli.StringFlag{Name: "sign-cert", Usage: "Authenticode-sign every .ps1 (and unsigned .cab payloads) with the PEM certificate chain in `FILE`"},
		&cli.StringFlag{Name: "sign-key", Usage: "the PEM private key for --sign-cert (`FILE`)"},
		&cli.StringFlag{Name: "pfx", Usage: "sign with the PKCS#12 `FILE` instead; its password comes from $WUFIX_PFX_PASSWORD"},
	}
}

// zipFlag asks build for archives as well.
var zipFlag = &cli.BoolFlag{Name: "zip", Usage: "also write reproducible archives beside the output folder: DIR.zip (everything) and DIR-<target>.zip"}

// buildOptions turns the command line into generator options.
func buildOptions(c *cli.Context) generator.Options {
	opt := generator.Options{
		Targets: c.StringSlice("target"),
		Error:   c.String("error"),
		Payload: c.String("payload"),
		Deploy:  generator.Deploy{Report: c.String("report"), IntuneRoot: c.String("intune-root")},
	}
	if c.String("sign-cert") != "" || c.String("sign-key") != "" || c.String("pfx") != "" {
		opt.Sign = &generator.Signing{Cert: c.String("sign-cert"), Key: c.String("sign-key"),
			PFX: c.String("pfx"), PFXPassword: os.Getenv("WUFIX_PFX_PASSWORD")}
	}
	return opt
}

// writeBuild writes the build (payloads with a progress bar when stderr is
// a terminal) and, with --zip, the archives.
func writeBuild(c *cli.Context, out *generator.Output) error {
	dir := c.String("out")
	if len(out.Skipped) > 0 {
		fmt.Fprintf(c.App.ErrWriter, "wufix: %d payload file(s) left out: only targets outside this build use them\n", len(out.Skipped))
	}
	for _, rel := range out.Ignored {
		fmt.Fprintf(c.App.ErrWriter, "wufix: payload %s ignored: what macOS or Windows leaves in folders, not an update package\n", rel)
	}
	for _, rel := range out.Unzipped {
		fmt.Fprintf(c.App.ErrWriter, "wufix: payload %s left out: not an update package; the packages beside it in the .zip are placed, and no bundle runs a script from it\n", rel)
	}
	bar := progress(c.App.ErrWriter, out)
	// Ctrl+C or a service stop while writing: the build cleans up its
	// staging folder and leaves the previous output as it was.
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := out.WriteContext(ctx, dir); err != nil {
		return err
	}
	if bar != nil {
		bar.Finish()
	}
	if !c.Bool("zip") {
		return nil
	}
	base, err := out.Archive(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "archives: %s.zip and %d per target (%s-<target>.zip)\n", base, len(out.Targets), base)
	return nil
}

// progress shows a bar for the payload copy, only on a terminal: tests and
// logs get no control characters.
func progress(w io.Writer, out *generator.Output) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || len(out.Payloads) == 0 {
		return nil
	}
	var total int64
	for _, p := range out.Payloads {
		total += p.Size
	}
	bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("payload"), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	out.Progress = func(n int64) { bar.Add64(n) }
	return bar
}
