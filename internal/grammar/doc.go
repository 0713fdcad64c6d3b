//go:build cgo && grammar

// Package grammar checks generated .cmd and .ps1 scripts statically with
// third-party tree-sitter grammars, because no Windows interpreter runs in the
// project's tests.
//
// The grammars are C code, so this package needs cgo. Import it from tests
// only: anything under cmd/ must cross-compile for Windows as pure Go.
//
// The PowerShell grammar's Go binding does not put its own src folder on the
// C include path (upstream airbus-cert/tree-sitter-powershell#42), so every
// build of this package needs
//
//	CGO_CFLAGS="-O2 -g -I$(go list -m -f '{{.Dir}}' github.com/airbus-cert/tree-sitter-powershell)/src"
//
// Without it the build stops with "tree_sitter/parser.h: No such file or
// directory". The project's Makefile exports it. Keep -O2 -g in it: setting
// CGO_CFLAGS replaces the default, and the parsers run twice as slow at -O0.
//
// Positions in a Problem are 1-based; columns count characters (UTF-8 runes),
// not bytes, and ignore a leading byte order mark.
package grammar
