// Package verify checks a written build, a bundle folder or a .zip of
// either against the SHA256SUMS and manifest.json it carries: every file
// listed must be there with its digest, and every file there must be
// listed. A build's top-level SHA256SUMS lists each bundle's SHA256SUMS, so
// the files of all bundles hang from it.
package verify

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
)

const (
	sumsName     = "SHA256SUMS"
	manifestName = "manifest.json"
)

// What a build keeps in its output folder beside the build itself; verify
// and check treat both alike.
const (
	// RecordName is the build's owner record at the top of the folder: the
	// files wufix wrote there, so a later build replaces only those. It is
	// the builder's bookkeeping, not part of the build, and is not checked.
	RecordName = ".wufix-owned"
	// DigestsName records the digests of the payload files a build staged,
	// so the next one links those whose sources did not change instead of
	// copying them again; bookkeeping too, not checked.
	DigestsName = ".wufix-payloads"
	// StagingPrefix starts the name of the folder a build stages in. One
	// left behind belongs to a build that is running or was stopped.
	StagingPrefix = ".wufix-staging-"
	// StagingDetail says so, as one problem rather than one per file in it.
	StagingDetail = "a build's staging folder: a build is writing here or was stopped (the next build removes a stopped one's)"
)

// Problem is one file that does not match.
type Problem struct {
	Path   string
	Kind   string // "missing", "changed", "extra", "unlisted" or "invalid"
	Detail string
}

func (p Problem) String() string {
	if p.Detail == "" {
		return p.Path + ": " + p.Kind
	}
	return p.Path + ": " + p.Kind + ": " + p.Detail
}

// Report is the outcome: the files checked and the problems found.
type Report struct {
	Checked  int
	Problems []Problem
}

// Path verifies a folder or a .zip file.
func Path(p string) (*Report, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if st.IsDir() {
		return FS(os.DirFS(p))
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("verify: %s: neither a folder nor a zip archive: %w", p, err)
	}
	defer zr.Close()
	return FS(zr)
}

// sum is one line of a SHA256SUMS: the digest of path (relative to the
// root of the checked tree).
type sum struct {
	path, digest, from string
}

var sumLine = regexp.MustCompile(`^([0-9a-f]{64}) [ *](.+)$`)

// FS verifies the tree rooted at fsys.
func FS(fsys fs.FS) (*Report, error) {
	files, odd, err := list(fsys)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	r := &Report{Problems: odd}
	var sums []sum
	var sumsFiles []string
	for _, f := range files {
		if path.Base(f) != sumsName {
			continue
		}
		sumsFiles = append(sumsFiles, f)
		s, problems, err := readSums(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		sums = append(sums, s...)
		r.Problems = append(r.Problems, problems...)
		r.Problems = append(r.Problems, checkManifest(fsys, f, s)...)
	}
	if len(sumsFiles) == 0 {
		return nil, errors.New("verify: no SHA256SUMS here: not a wufix build or bundle")
	}
	present := map[string]bool{}
	for _, f := range files {
		present[f] = true
	}
	listed := map[string]bool{}
	for _, s := range sums {
		listed[s.path] = true
		if !present[s.path] {
			r.Problems = append(r.Problems, Problem{Path: s.path, Kind: "missing", Detail: s.from + " lists it"})
			continue
		}
		got, err := digest(fsys, s.path)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		r.Checked++
		if got != s.digest {
			r.Problems = append(r.Problems, Problem{Path: s.path, Kind: "changed", Detail: fmt.Sprintf("sha256 %s, %s says %s", got, s.from, s.digest)})
		}
	}
	for _, f := range files {
		if listed[f] {
			continue
		}
		// The outermost SHA256SUMS vouches for itself: nothing lists it.
		if path.Base(f) == sumsName && !listedAbove(f, sumsFiles) {
			continue
		}
		detail := "no SHA256SUMS lists it"
		if path.Base(f) == sumsName {
			detail = "the folder's files match it, but the SHA256SUMS above does not list it: a folder from another build"
		}
		r.Problems = append(r.Problems, Problem{Path: f, Kind: "extra", Detail: detail})
	}
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Path < r.Problems[j].Path })
	return r, nil
}

// list returns every regular file as a slash path, and a problem for each
// entry that is neither file nor folder (a link, a device) and for each
// staging folder a build left. The owner record is neither.
func list(fsys fs.FS) ([]string, []Problem, error) {
	var files []string
	var odd []Problem
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case path.Dir(p) == "." && d.IsDir() && strings.HasPrefix(p, StagingPrefix):
			odd = append(odd, Problem{Path: p, Kind: "extra", Detail: StagingDetail})
			return fs.SkipDir
		case (p == RecordName || p == DigestsName) && d.Type().IsRegular():
		case d.IsDir():
		case d.Type().IsRegular():
			files = append(files, p)
		default:
			odd = append(odd, Problem{Path: p, Kind: "invalid", Detail: "not a regular file (" + d.Type().String() + ")"})
		}
		return nil
	})
	sort.Strings(files)
	return files, odd, err
}

// listedAbove reports whether a SHA256SUMS in a parent folder exists,
// which then should list f.
func listedAbove(f string, sumsFiles []string) bool {
	for _, s := range sumsFiles {
		dir := path.Dir(s)
		if s != f && (dir == "." || strings.HasPrefix(f, dir+"/")) {
			return true
		}
	}
	return false
}

// readSums parses one SHA256SUMS; its paths are relative to its folder.
func readSums(fsys fs.FS, name string) ([]sum, []Problem, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	dir := path.Dir(name)
	var sums []sum
	var problems []Problem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sumLine.FindStringSubmatch(line)
		rel := ""
		if m != nil {
			rel = path.Clean(m[2])
		}
		if m == nil || path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
			problems = append(problems, Problem{Path: name, Kind: "invalid", Detail: fmt.Sprintf("line %d is not \"<sha256>  <path>\" inside its folder", n)})
			continue
		}
		sums = append(sums, sum{path: path.Join(dir, rel), digest: m[1], from: name})
	}
	return sums, problems, sc.Err()
}

// checkManifest compares the manifest.json beside a SHA256SUMS with it:
// the same files with the same digests (the manifest also lists sizes).
func checkManifest(fsys fs.FS, sumsFile string, sums []sum) []Problem {
	dir := path.Dir(sumsFile)
	name := path.Join(dir, manifestName)
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return []Problem{{Path: name, Kind: "missing", Detail: "every SHA256SUMS has a manifest.json beside it"}}
	}
	var m struct {
		Files []struct {
			Path   string `json:"path"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	if err != nil {
		return []Problem{{Path: name, Kind: "invalid", Detail: err.Error()}}
	}
	want := map[string]string{}
	for _, s := range sums {
		want[s.path] = s.digest
	}
	var problems []Problem
	seen := map[string]bool{}
	for _, f := range m.Files {
		p := path.Join(dir, f.Path)
		seen[p] = true
		if p == name {
			continue // manifest.json lists the files rendered before it
		}
		if d, ok := want[p]; !ok || d != f.SHA256 {
			problems = append(problems, Problem{Path: p, Kind: "changed", Detail: name + " and " + sumsFile + " disagree"})
			continue
		}
		if st, err := fs.Stat(fsys, p); err == nil && st.Size() != f.Size {
			problems = append(problems, Problem{Path: p, Kind: "changed", Detail: fmt.Sprintf("%d bytes, %s says %d", st.Size(), name, f.Size)})
		}
	}
	for _, s := range sums {
		if !seen[s.path] && s.path != name {
			problems = append(problems, Problem{Path: s.path, Kind: "unlisted", Detail: sumsFile + " lists it, " + name + " does not"})
		}
	}
	return problems
}

// digest is a file's SHA-256, streamed.
func digest(fsys fs.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 1<<20)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
