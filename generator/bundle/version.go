package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// A bundle's version tells a changed bundle apart (Group Policy runs it
// again) while two builds of the same catalog stay byte-identical. It is
// a digest of the bundle's files with the version itself left empty,
// which is what it has always been: machines keep in the registry the
// version they last ran, and a rebuild of the same catalog must not look
// new to them.
//
// The bundle is rendered once, with VersionMark where the version goes,
// and the mark is then replaced. The mark is printable ASCII (run.cmd and
// README.txt are ASCII, run.ps1 UTF-8), holds nothing cmd or PowerShell
// treat specially, and has the version's width, so that no byte offset
// and no line moves (run.cmd's table of contents holds line numbers).
// No catalog file may contain it (TestVersionMarkIsNotInTheCatalog).
const VersionMark = "@@WUFIXVERSION@@"

// versionLen is the length of a version: 16 hex digits, 64 bits.
const versionLen = 16

// stampVersion computes the version of the rendered files and puts it in
// place of every VersionMark they hold.
func stampVersion(files Files) {
	mark := []byte(VersionMark)
	var marked []string
	draft := make(Files, len(files))
	for name, data := range files {
		draft[name] = data
		if bytes.Contains(data, mark) {
			draft[name] = bytes.ReplaceAll(data, mark, nil)
			marked = append(marked, name)
		}
	}
	version := []byte(digest(draft))
	for _, name := range marked {
		files[name] = bytes.ReplaceAll(files[name], mark, version)
	}
}

// digest is a short SHA-256 over every file, in path order.
func digest(files Files) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
		h.Write(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:versionLen]
}
