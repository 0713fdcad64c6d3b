// Package proof holds the tests that prove the generated bundles with
// third-party interpreters: each bundle's run.cmd runs under Wine's cmd on
// a prefix set to its Windows version, and each .reg file is imported into
// Wine's registry and read back. The package has no code of its own.
package proof
