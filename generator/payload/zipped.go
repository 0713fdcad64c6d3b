package payload

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Some updates come from Microsoft as a .zip: Windows Management Framework
// 5.1 for Windows 7 and Server 2008 R2 (Win7AndW2K8R2-KB3191566-x64.zip)
// holds the .msu and Install-WMF5.1.ps1. The packages inside are placed by
// their own names, as loose files are, and copied out of the .zip while
// they are staged; the rest is left out with a note.

// Bounds on a .zip, so that a damaged or hostile one (a "zip bomb", a few
// kilobytes that inflate to terabytes) fails the build early instead of
// filling the disk. The uncompressed sizes are the ones the .zip declares;
// archive/zip refuses a member that inflates to more (or less) than its
// declared size, so the bound holds for the bytes written too. Update
// packages are compressed already and barely deflate further, so a .zip
// holding them is not much smaller than its contents.
const (
	zipMaxTotal   = 32 << 30 // all members together; the largest cumulative updates are under 6 GiB
	zipMaxRatio   = 20       // uncompressed bytes per byte of the .zip, beyond zipSlack
	zipSlack      = 64 << 20 // text and scripts deflate well; this much may, whatever the ratio
	zipMaxMembers = 1000
)

// member is one package found in a .zip.
type member struct {
	name string // the member's path inside the .zip
	size int64  // uncompressed
}

// zipContents is what scanZip found in a .zip: the members to place, and
// those left out (slash paths after the .zip's own, for the notes).
type zipContents struct {
	packages []member
	left     []string
}

// scanZip reads the central directory of the .zip at p (of the given
// size) and sorts its members, or says why the .zip is refused. Each
// package member's first bytes are read and checked as a loose file's are.
func scanZip(p string, size int64) (*zipContents, string) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err.Error()
	}
	defer f.Close()
	zr, err := zip.NewReader(f, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Sprintf("not a readable .zip (%v): download it again", err)
	}
	if problem := zipBounds(zr.File, size); problem != "" {
		return nil, problem
	}
	var out zipContents
	for _, m := range zr.File {
		problem, keep := zipMember(m)
		if problem != "" {
			return nil, problem
		}
		switch {
		case keep:
			out.packages = append(out.packages, member{name: m.Name, size: int64(m.UncompressedSize64)})
		case !m.FileInfo().IsDir():
			out.left = append(out.left, m.Name)
		}
	}
	if len(out.packages) == 0 {
		return nil, "holds no update package (.msu, .cab or .exe): nothing in it can be placed"
	}
	return &out, ""
}

// zipBounds refuses a .zip whose members are too many or would inflate to
// an absurd size.
func zipBounds(files []*zip.File, size int64) string {
	if len(files) > zipMaxMembers {
		return fmt.Sprintf("holds %d members, more than the %d a package download has", len(files), zipMaxMembers)
	}
	var total uint64
	for _, m := range files {
		total += m.UncompressedSize64
		if total > zipMaxTotal || total < m.UncompressedSize64 {
			return fmt.Sprintf("would unpack to more than %d GiB: not a package download", zipMaxTotal>>30)
		}
	}
	if total > uint64(size)*zipMaxRatio+zipSlack {
		return fmt.Sprintf("would unpack to %d bytes from %d, more than update packages (compressed already) ever inflate: refused as a zip bomb", total, size)
	}
	return ""
}

// zipMember checks one member: whether it is a package to place, or what
// makes the whole .zip refused (a path leading out, encryption, a package
// that is not what its name says).
func zipMember(m *zip.File) (string, bool) {
	name := m.Name
	if problem := zipPath(name); problem != "" {
		return fmt.Sprintf("member %q: %s", name, problem), false
	}
	if m.Flags&0x1 != 0 {
		return fmt.Sprintf("member %q is encrypted: unpack it with its password and give the package itself", name), false
	}
	base := path.Base(strings.TrimSuffix(name, "/"))
	ext := strings.ToLower(path.Ext(base))
	if m.FileInfo().IsDir() || litter(base) || strings.HasPrefix(name, "__MACOSX/") || magic[ext].prefix == "" {
		return "", false
	}
	if problem := checkMember(m, ext); problem != "" {
		return fmt.Sprintf("member %q: %s", name, problem), false
	}
	return "", true
}

// zipPath refuses a member path that would lead out of a folder it was
// unpacked into, or that names a drive: archive/zip keeps the name as the
// .zip says it, and Windows reads \ as a separator too.
func zipPath(name string) string {
	slashed := strings.ReplaceAll(name, `\`, "/")
	switch {
	case name == "" || strings.HasPrefix(slashed, "/") || (len(name) > 1 && name[1] == ':'):
		return "an absolute path; a package download holds relative paths only"
	case strings.ContainsRune(name, 0):
		return "a NUL byte in its name"
	}
	for _, part := range strings.Split(slashed, "/") {
		if part == ".." {
			return "leads out of the folder it would be unpacked into (..): refused as hostile"
		}
	}
	return ""
}

// checkMember reads a package member's first bytes, as checkContent does
// for a loose file.
func checkMember(m *zip.File, ext string) string {
	if m.UncompressedSize64 == 0 {
		return "an empty file is not an update package; download it again"
	}
	r, err := m.Open()
	if err != nil {
		return fmt.Sprintf("cannot be read (%v): download the .zip again", err)
	}
	defer r.Close()
	want := magic[ext]
	head := make([]byte, len(want.prefix))
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("cannot be read (%v): download the .zip again", err)
	}
	if string(head[:n]) != want.prefix {
		return fmt.Sprintf("not %s: a %s file starts with %q, this one with %q", want.what, ext, want.prefix, head[:n])
	}
	return ""
}

// openMember opens, in the already open .zip file in, the member of f.
func openMember(f File, in *os.File, seen os.FileInfo) (io.ReadCloser, error) {
	zr, err := zip.NewReader(in, seen.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("no longer a readable .zip: %w", err)
	}
	for _, m := range zr.File {
		if m.Name == f.Member {
			return m.Open()
		}
	}
	return nil, fmt.Errorf("no member %q any more%s", f.Member, buildAgain)
}

// unzip places the packages in the .zip at p (slash path rel) as Scan
// places loose files, by their own names or by the targets payload.yaml
// lists for the .zip, and returns the problems that refuse it.
func (res *Result) unzip(p, rel string, e fs.DirEntry, m *manifest, all, built []*catalog.Target) []string {
	info, err := e.Info()
	if err != nil {
		return []string{rel + ": " + err.Error()}
	}
	got, problem := scanZip(p, info.Size())
	if problem != "" {
		return []string{rel + ": " + problem}
	}
	var problems []string
	ids, listed := m.files[rel]
	for _, mb := range got.packages {
		name := path.Base(mb.name)
		targets, problem := targetsOf(name, ids, listed, all)
		if problem != "" {
			problems = append(problems, fmt.Sprintf("%s: member %q: %s", rel, mb.name, problem))
			continue
		}
		f := File{Src: p, Rel: rel + "/" + mb.name, Name: name, Member: mb.name, Size: mb.size, seen: info}
		if f.Targets = filterBuilt(targets, built); len(f.Targets) == 0 {
			f.Targets = targets
			res.Skipped = append(res.Skipped, f)
			continue
		}
		res.Files = append(res.Files, f)
	}
	for _, name := range got.left {
		res.Unzipped = append(res.Unzipped, rel+"/"+name)
	}
	return problems
}
