//go:build cgo && grammar

package grammar

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CheckTree walks root, a folder of bundles (root/<target>/...), and checks
// every .cmd with CheckCmd and every .ps1 with CheckPS1 at the PowerShell
// version that the string field "powershell" of root/<target>/manifest.json
// names. A .ps1 in a bundle without that version is itself a problem.
// Problems are sorted; the error is for files that cannot be read.
func CheckTree(root string) ([]Problem, error) {
	t := &treeCheck{root: root, versions: map[string]string{}}
	if err := filepath.WalkDir(root, t.visit); err != nil {
		return nil, fmt.Errorf("grammar: %w", err)
	}
	sortProblems(t.problems)
	return t.problems, nil
}

type treeCheck struct {
	root     string
	versions map[string]string // bundle folder -> PowerShell version, read once
	problems []Problem
}

func (t *treeCheck) visit(path string, d fs.DirEntry, err error) error {
	if err != nil || d.IsDir() {
		return err
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".cmd" && ext != ".ps1" {
		return nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if ext == ".cmd" {
		t.problems = append(t.problems, CheckCmd(path, src)...)
		return nil
	}
	bundle := t.bundleOf(path)
	version, err := t.powerShellVersion(bundle)
	if err != nil {
		return err
	}
	if version == "" {
		// Scripts outside a bundle (intune/) state their own floor.
		version = requiresVersion(src)
	}
	if version == "" {
		t.problems = append(t.problems, Problem{File: path, Line: 1, Col: 1,
			Msg: "script in a bundle without PowerShell: neither manifest.json nor a #Requires -Version line names a version"})
		return nil
	}
	t.problems = append(t.problems, CheckPS1(path, src, version)...)
	return nil
}

// bundleOf returns the bundle folder that holds path: the first folder below
// root, or "" for a file directly in root.
func (t *treeCheck) bundleOf(path string) string {
	rel, err := filepath.Rel(t.root, path)
	if err != nil {
		return ""
	}
	first, _, nested := strings.Cut(filepath.ToSlash(rel), "/")
	if !nested {
		return ""
	}
	return filepath.Join(t.root, first)
}

// powerShellVersion reads a bundle's manifest once. A manifest that is
// missing or names no version yields ""; one that is not valid JSON is
// reported as a problem of the manifest itself.
func (t *treeCheck) powerShellVersion(bundle string) (string, error) {
	if bundle == "" {
		return "", nil
	}
	if v, ok := t.versions[bundle]; ok {
		return v, nil
	}
	path := filepath.Join(bundle, "manifest.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.versions[bundle] = ""
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var m struct {
		PowerShell string `json:"powershell"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.manifestProblem(path, data, err)
	}
	t.versions[bundle] = m.PowerShell
	return m.PowerShell, nil
}

// manifestProblem reports a JSON error at the offset it names, if any.
func (t *treeCheck) manifestProblem(path string, data []byte, err error) {
	s := newSource(path, data)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the offending byte as read; point at it.
		s.reportf(int(syntax.Offset)-1, "invalid manifest: %v", err)
	case errors.As(err, &typ):
		// Offset is where the value ends.
		s.reportf(int(typ.Offset), "invalid manifest: %q must be a %s, not a %s", typ.Field, typ.Type, typ.Value)
	default:
		s.reportf(0, "invalid manifest: %v", err)
	}
	t.problems = append(t.problems, s.problems...)
}

// requiresVersion is the version of a "#Requires -Version N" line, or "".
// PowerShell refuses to run such a script on an older version, so it is
// the version the script may be written for.
func requiresVersion(src []byte) string {
	for _, line := range strings.Split(string(src), "\n") {
		fields := strings.Fields(strings.TrimSpace(line))
		if len(fields) == 3 && strings.EqualFold(fields[0], "#Requires") && strings.EqualFold(fields[1], "-Version") {
			return fields[2]
		}
	}
	return ""
}
