package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// versionFlag is wufix --version. The library's own flag prints through a
// function that cannot fail, and the version names the catalog's date,
// which means reading the catalog (--catalog's, when given).
var versionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version, the source revision and the catalog's date"}

// printVersion prints what this binary was built from and the catalog it
// builds with; the catalog is read after the binary's lines are printed,
// so a broken catalog still leaves those.
func printVersion(c *cli.Context) error {
	info, _ := debug.ReadBuildInfo()
	fmt.Fprint(c.App.Writer, versionLines(info))
	cat, err := loadCatalog(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "catalog   %s\n", cat.Info.Date)
	return nil
}

// versionLines are the module version, the VCS revision (with "modified"
// when the work tree had changes) and the Go release, from the build info
// the Go toolchain embeds (-buildvcs, on by default in a git checkout).
func versionLines(info *debug.BuildInfo) string {
	version, revision, modified := "(unknown)", "", false
	goVersion := runtime.Version()
	if info != nil {
		version, goVersion = info.Main.Version, info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "wufix     %s\n", version)
	switch {
	case revision == "":
		b.WriteString("revision  unknown (built without version control information)\n")
	case modified:
		fmt.Fprintf(&b, "revision  %s (modified: built with uncommitted changes)\n", revision)
	default:
		fmt.Fprintf(&b, "revision  %s\n", revision)
	}
	fmt.Fprintf(&b, "go        %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}
