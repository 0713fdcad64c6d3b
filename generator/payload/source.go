package payload

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// magic is what the first bytes of each accepted extension must be: a
// .msu is a cabinet holding the update and its metadata, like a .cab, and
// every update .exe (Update.exe packages, service packs) is a Windows
// program. A file that is not what its name says is most often a download
// that failed (an HTML error page saved under the package's name), which
// wusa or DISM would reject only on the PC being repaired.
var magic = map[string]struct{ prefix, what string }{
	".msu": {"MSCF", "a cabinet"},
	".cab": {"MSCF", "a cabinet"},
	".exe": {"MZ", "a Windows program"},
}

// checkContent says why the file at p, of the given size and extension,
// is not an update package, or "" when it may be one.
func checkContent(p, ext string, size int64) string {
	if size == 0 {
		return "an empty file is not an update package; download it again"
	}
	m := magic[ext]
	f, err := os.Open(p)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	head := make([]byte, len(m.prefix))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err.Error()
	}
	if !bytes.Equal(head[:n], []byte(m.prefix)) {
		return fmt.Sprintf("not %s: a %s file starts with %q, this one with %q; download it again", m.what, ext, m.prefix, head[:n])
	}
	return ""
}

// openSource opens a payload file for reading, refusing it when its path
// no longer names the regular file Scan saw, with the size and time Scan
// saw.
func openSource(f File) (*os.File, os.FileInfo, error) {
	named, err := os.Lstat(f.Src)
	if err != nil {
		return nil, nil, err
	}
	if !named.Mode().IsRegular() {
		return nil, nil, errors.New("changed into something other than a regular file since the payload folder was read")
	}
	in, err := os.Open(f.Src)
	if err != nil {
		return nil, nil, err
	}
	now, err := in.Stat()
	if err == nil && !os.SameFile(named, now) {
		err = errors.New("changed into something other than a regular file since the payload folder was read")
	}
	seen := f.seen
	if seen == nil {
		seen = now
	}
	if err == nil {
		if d := drift(seen, now, named); len(d) > 0 {
			err = fmt.Errorf("changed since the payload folder was read (%s)%s", strings.Join(d, ", "), buildAgain)
		}
	}
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, seen, nil
}

// reading is a payload being read: its bytes (a member's, inflated, for a
// package in a .zip), the file on disk they come from, and what Scan saw
// of that file, to tell whether it changed while it was read.
type reading struct {
	io.Reader
	f      File
	file   *os.File
	seen   os.FileInfo
	member io.ReadCloser
}

// open starts reading the payload f.
func open(f File) (*reading, error) {
	in, seen, err := openSource(f)
	if err != nil {
		return nil, err
	}
	r := &reading{Reader: in, f: f, file: in, seen: seen}
	if f.Member == "" {
		return r, nil
	}
	if r.member, err = openMember(f, in, seen); err != nil {
		in.Close()
		return nil, err
	}
	r.Reader = r.member
	return r, nil
}

// Close closes the member, then the file.
func (r *reading) Close() {
	if r.member != nil {
		r.member.Close()
	}
	r.file.Close()
}

// done checks, once n bytes were read, that they are the whole payload and
// that its file did not change meanwhile; err is the copy's own error,
// worded for a member of a .zip that turned out damaged.
func (r *reading) done(n int64, err error) error {
	if err != nil {
		return damaged(r.f, err)
	}
	want := r.seen.Size()
	if r.f.Member != "" {
		want = r.f.Size
	}
	return settled(r.f, r.file, r.seen, n, want)
}

// damaged words a read error inside a .zip: archive/zip checks each
// member's CRC-32 and declared size as it inflates it.
func damaged(f File, err error) error {
	if f.Member != "" && (errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF)) {
		return fmt.Errorf("damaged inside the .zip (%w): download it again", err)
	}
	return err
}

// buildAgain ends the message that refuses a file that changed.
const buildAgain = ": nothing may write to the payload folder during a build; build again when it is complete"

// settled checks, once n bytes of want were read from in, that the source did not
// change while it was read: a file cut short or grown during the copy,
// rewritten, or replaced under its name would otherwise be sealed into
// the bundle with a digest of bytes that were never one package.
func settled(f File, in *os.File, seen os.FileInfo, n, want int64) error {
	now, err := in.Stat()
	if err != nil {
		return err
	}
	named, err := os.Lstat(f.Src)
	if err != nil {
		named = nil
	}
	var d []string
	if n != want {
		d = append(d, fmt.Sprintf("%d bytes read of %d", n, want))
	}
	d = append(d, drift(seen, now, named)...)
	if len(d) > 0 {
		return fmt.Errorf("changed while being copied (%s)%s", strings.Join(d, ", "), buildAgain)
	}
	return nil
}

// drift lists how now, the open file, and named, what its path names now
// (nil when nothing), differ from seen.
func drift(seen, now, named os.FileInfo) []string {
	var d []string
	if now.Size() != seen.Size() {
		d = append(d, fmt.Sprintf("size %d, then %d", seen.Size(), now.Size()))
	}
	if !now.ModTime().Equal(seen.ModTime()) {
		d = append(d, "modified")
	}
	switch {
	case named == nil:
		d = append(d, "removed")
	case !os.SameFile(now, named) || !os.SameFile(seen, now):
		d = append(d, "replaced by another file")
	}
	return d
}
