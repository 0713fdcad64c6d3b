package payload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wufix/wufix/generator/catalog"
)

// manifest is payload.yaml:
//
//	files:
//	  - file: windows10.0-kb5034441-x64.msu   # relative to the payload folder
//	    targets: [win10]                     # target ids, or [all]
//	  - file: extra/wsusscn2.cab
//	    targets: [win7, win81]
//
// An entry overrides what the file name says.
type manifest struct {
	files map[string][]string // by slash path relative to the folder
	order []string
}

type manifestFile struct {
	Files []struct {
		File    string   `yaml:"file"`
		Targets []string `yaml:"targets"`
	} `yaml:"files"`
}

func readManifest(dir string, all []*catalog.Target) (*manifest, error) {
	m := &manifest{files: map[string][]string{}}
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var raw manifestFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("payload: %s", yamlProblems(err))
	}
	var problems []string
	for i, f := range raw.Files {
		where := fmt.Sprintf("%s: files[%d]", ManifestName, i)
		rel, problem := cleanRel(f.File)
		if problem != "" {
			problems = append(problems, where+": "+problem)
			continue
		}
		if _, dup := m.files[rel]; dup {
			problems = append(problems, where+": "+rel+" is listed twice")
			continue
		}
		ids, problem := targetIDs(f.Targets, all)
		if problem != "" {
			problems = append(problems, where+" ("+rel+"): "+problem)
			continue
		}
		m.files[rel] = ids
		m.order = append(m.order, rel)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("payload:\n  %s", strings.Join(problems, "\n  "))
	}
	return m, nil
}

// cleanRel accepts a relative slash path inside the folder and nothing
// that could point outside it.
func cleanRel(p string) (string, string) {
	switch {
	case p == "":
		return "", "file is missing"
	case strings.Contains(p, `\`):
		return "", fmt.Sprintf("file %q: write paths with /", p)
	case path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "":
		return "", fmt.Sprintf("file %q: an absolute path; paths are relative to the payload folder", p)
	}
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") || slices.Contains(strings.Split(p, "/"), "..") {
		return "", fmt.Sprintf("file %q: leads out of the payload folder", p)
	}
	return clean, ""
}

func targetIDs(ids []string, all []*catalog.Target) ([]string, string) {
	if len(ids) == 0 {
		return nil, "targets is missing"
	}
	if len(ids) == 1 && ids[0] == "all" {
		var out []string
		for _, t := range all {
			out = append(out, t.ID.Value)
		}
		return out, ""
	}
	var out []string
	for _, t := range all {
		if slices.Contains(ids, t.ID.Value) {
			out = append(out, t.ID.Value)
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(all, func(t *catalog.Target) bool { return t.ID.Value == id }) {
			return nil, fmt.Sprintf("unknown target %q", id)
		}
	}
	return out, ""
}

var (
	yamlLine     = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlProblems words the decoder's errors as file:line: message.
func yamlProblems(err error) string {
	var te *yaml.TypeError
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []string
	for _, msg := range msgs {
		where := ManifestName
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			where, msg = ManifestName+":"+m[1], m[2]
		}
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("unknown key %q", m[1])
		}
		out = append(out, where+": "+msg)
	}
	return strings.Join(out, "; ")
}
