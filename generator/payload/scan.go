// Package payload places update packages downloaded elsewhere (.msu, .cab,
// .exe, and those in a .zip) into the packages folder of the bundles that
// can install them. Scan decides where each file goes, from Microsoft's file names or
// from a small payload.yaml, and refuses anything doubtful before a byte is
// written; Stage copies the files, hashing them on the way (each source is
// read once), into a staging folder the caller swaps in.
package payload

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Folder is where, inside a bundle, the offline-install steps look
// (%WUFIX_HOME%packages\).
const Folder = "packages"

// ManifestName is the optional file in the payload folder that places
// files their names do not place.
const ManifestName = "payload.yaml"

// File is one update package and the bundles it goes into.
type File struct {
	Src     string   // path on this machine (of the .zip, for a member of one)
	Rel     string   // slash path relative to the payload folder, for messages
	Member  string   // the path inside the .zip Src, for a package in one
	Name    string   // file name inside packages/
	Targets []string // target ids, in catalog order
	Size    int64
	seen    os.FileInfo // what Scan saw, to tell a file that changed since
}

// Result is what Scan found.
type Result struct {
	Files []File
	// Skipped are files only targets outside this build can use.
	Skipped []File
	// Ignored are the files another system leaves in a folder (see
	// litter), as slash paths: they are no packages, and not copied.
	Ignored []string
	// Unzipped are the members of a .zip that are not update packages
	// (Install-WMF5.1.ps1 beside the .msu), as the .zip's slash path and
	// theirs: left out, and named in the build's notes.
	Unzipped []string
}

// litter says whether a file named name is what macOS or Explorer leaves
// in a folder, not something a user put there: ._NAME (the AppleDouble
// file holding NAME's resource fork on a FAT or exFAT stick, whatever
// NAME's extension), .DS_Store (Finder's view settings), Thumbs.db and
// desktop.ini (Explorer's thumbnail cache and folder settings). They turn
// up on any stick that went through a Mac or was opened in Explorer, and
// are ignored with a note rather than refused.
func litter(name string) bool {
	if strings.HasPrefix(name, "._") {
		return true
	}
	switch strings.ToLower(name) {
	case ".ds_store", "thumbs.db", "desktop.ini":
		return true
	}
	return false
}

// litterDir says whether a folder named name is one macOS or Windows keeps
// at the root of a volume (a payload folder may be a stick's root): the
// Spotlight index, the file system event log, the trash, the restore
// points and the recycle bin.
func litterDir(name string) bool {
	switch strings.ToLower(name) {
	case ".spotlight-v100", ".fseventsd", ".trashes", ".temporaryitems", "system volume information", "$recycle.bin":
		return true
	}
	return false
}

// safeName is what a payload file may be called: it travels through
// run.cmd in variables and must mean the same to cmd on every version.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Scan reads the payload folder dir and decides, for every file in it, the
// targets of the whole catalog that can use it; only those in built are
// kept. Every problem is reported at once, sorted.
func Scan(dir string, all, built []*catalog.Target) (*Result, error) {
	root, err := resolveRoot(dir)
	if err != nil {
		return nil, err
	}
	m, err := readManifest(root, all)
	if err != nil {
		return nil, err
	}
	var problems []string
	res := &Result{}
	found := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case p != root && e.IsDir() && litterDir(e.Name()):
			res.Ignored = append(res.Ignored, rel+"/")
			return fs.SkipDir
		case p == root || (e.IsDir() && e.Type()&fs.ModeSymlink == 0):
			return nil
		case rel == ManifestName:
			return nil
		case litter(e.Name()) && e.Type().IsRegular():
			res.Ignored = append(res.Ignored, rel)
			return nil
		case e.Type()&fs.ModeSymlink != 0:
			problems = append(problems, rel+": a symbolic link; payload files must be regular files in the folder")
			return nil
		case !e.Type().IsRegular():
			problems = append(problems, rel+": not a regular file")
			return nil
		}
		found[rel] = true
		if strings.EqualFold(path.Ext(rel), ".zip") {
			problems = append(problems, res.unzip(p, rel, e, m, all, built)...)
			return nil
		}
		f, problem := place(rel, m, all)
		if problem != "" {
			problems = append(problems, rel+": "+problem)
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if problem := checkContent(p, strings.ToLower(path.Ext(f.Name)), info.Size()); problem != "" {
			problems = append(problems, rel+": "+problem)
			return nil
		}
		f.Src, f.Size, f.seen = p, info.Size(), info
		keep := filterBuilt(f.Targets, built)
		if len(keep) == 0 {
			res.Skipped = append(res.Skipped, f)
			return nil
		}
		f.Targets = keep
		res.Files = append(res.Files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	for _, rel := range m.order {
		if !found[rel] {
			problems = append(problems, ManifestName+": "+rel+": no such file in the payload folder")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("payload %s:\n  %s", dir, strings.Join(problems, "\n  "))
	}
	return res, nil
}

// resolveRoot follows dir to the folder it names. A payload folder given
// as a symbolic link (~/updates pointing at a larger disk) is the folder
// the user chose, so it is followed; links inside it stay refused, since
// they could lead out of that folder without anyone seeing it.
func resolveRoot(dir string) (string, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("payload: %s: not a folder", dir)
	}
	st, err := os.Stat(root)
	if err != nil || !st.IsDir() {
		return "", fmt.Errorf("payload: %s: not a folder", dir)
	}
	return root, nil
}

// place decides the name and targets of one file, or says why it cannot.
func place(rel string, m *manifest, all []*catalog.Target) (File, string) {
	name := path.Base(rel)
	ids, listed := m.files[rel]
	targets, problem := targetsOf(name, ids, listed, all)
	return File{Rel: rel, Name: name, Targets: targets}, problem
}

// targetsOf decides the targets of a package named name: those payload.yaml
// lists for it (when listed), else those its name says.
func targetsOf(name string, ids []string, listed bool, all []*catalog.Target) ([]string, string) {
	if !safeName.MatchString(name) {
		return nil, "a name with characters other than letters, digits, '.', '_' and '-' cannot be passed safely to run.cmd; rename it"
	}
	ext := strings.ToLower(path.Ext(name))
	if ext != ".msu" && ext != ".cab" && ext != ".exe" {
		return nil, "not an update package (.msu, .cab or .exe, or a .zip holding one)"
	}
	if listed {
		return ids, ""
	}
	return FromName(name, all)
}

func filterBuilt(ids []string, built []*catalog.Target) []string {
	var out []string
	for _, t := range built {
		if slices.Contains(ids, t.ID.Value) {
			out = append(out, t.ID.Value)
		}
	}
	return out
}
