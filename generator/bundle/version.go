package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/dialect"
)

// A bundle's version tells a changed bundle apart (Group Policy runs it
// again) while two builds of the same catalog stay byte-identical. It is
// a digest of the bundle's files with the version itself left empty,
// which is what it has always been: machines keep in the registry the
// version they last ran, and a rebuild of the same catalog must not look
// new to them. A bundle built with payloads takes their names and sizes
// in too (their contents are hashed later, as they are copied): a stick
// rebuilt with this month's packages is a new version, which Group Policy
// runs again and which gets a protected copy of its own.
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

// The version takes the mark's place byte for byte: this fails to compile
// when their widths differ.
const _ = uint(versionLen-len(VersionMark)) + uint(len(VersionMark)-versionLen)

// stampVersion computes the version of the rendered files and of the
// payloads (packages/<name> and size) and puts it in place of every
// VersionMark the files hold. The mark and the version have the same
// width, so the files' own bytes take the version, without a copy.
func stampVersion(files Files, payloads []Entry) {
	version := digest(files, payloads)
	for name, data := range files {
		mark, stamp := markIn(name), inEncoding(name, version)
		for at := 0; ; at += len(mark) {
			i := bytes.Index(data[at:], mark)
			if i < 0 {
				break
			}
			at += i
			copy(data[at:], stamp)
		}
	}
}

// markIn is VersionMark as file name's encoding writes it: UTF-16LE in
// task.xml, ASCII (UTF-8) elsewhere.
func markIn(name string) []byte { return inEncoding(name, VersionMark) }

func inEncoding(name, text string) []byte {
	if _, ok := dialect.ForFile(name).(dialect.XML); ok {
		return dialect.UTF16LE(text)[2:] // without the byte-order mark
	}
	return []byte(text)
}

// digest is a short SHA-256 over every file, in path order, each with its
// version marks left out, then over each payload's path and size, in path
// order. Without payloads it is what it was before they counted.
func digest(files Files, payloads []Entry) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data, mark := files[name], markIn(name)
		fmt.Fprintf(h, "%s %d\n", name, len(data)-bytes.Count(data, mark)*len(mark))
		for {
			before, after, found := bytes.Cut(data, mark)
			h.Write(before)
			if !found {
				break
			}
			data = after
		}
	}
	payloads = slices.Clone(payloads)
	slices.SortFunc(payloads, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	for _, p := range payloads {
		fmt.Fprintf(h, "payload %s %d\n", p.Path, p.Size)
	}
	return hex.EncodeToString(h.Sum(nil))[:versionLen]
}
