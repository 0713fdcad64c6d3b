// Command wufix builds self-contained Windows Update repair bundles from a
// declarative catalog: one folder per Windows version, each with run.cmd,
// run.ps1 where the version has PowerShell, README.txt, CHANGES.txt,
// manifest.json and SHA256SUMS.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
