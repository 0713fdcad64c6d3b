package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// requireRussian insists on the Russian twin of each English text a
// technician reads (README.ru.txt, wufix explain --lang ru), so that a new
// step, plan or error code cannot ship without it. A text with no Cyrillic
// letter is an English text pasted into the wrong field.
func requireRussian(ps *Problems, at Pos, fields map[string]string) {
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		v := strings.TrimSpace(fields[key])
		switch {
		case v == "":
			ps.Add(at, "%s is required: the Russian README and explain --lang ru show it", key)
		case !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }):
			ps.Add(at, "%s: %q has no Russian letter", key, shorten(v))
		}
	}
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}

// validateEditions checks the usual names INDEX.txt lists: at least one,
// each named, and each inside the target's build range.
func validateEditions(t *Target, ps *Problems) {
	if len(t.Editions) == 0 {
		ps.Add(Pos{File: t.File}, "editions is required: the names people know this Windows by")
	}
	seen := map[string]bool{}
	for _, e := range t.Editions {
		at := Pos{File: t.File, Line: e.Line}
		if strings.TrimSpace(e.Name) == "" {
			ps.Add(at, "edition: name is required")
		}
		if seen[e.Name] {
			ps.Add(at, "edition %q is listed twice", e.Name)
		}
		seen[e.Name] = true
		r := e.Range(t)
		if r.Min <= 0 || r.Max < r.Min || r.Min < t.Builds.Min || r.Max > t.Builds.Max {
			ps.Add(at, "edition %q: builds %s are not inside the target's %s", e.Name, r, t.Builds)
		}
	}
}

func (r BuildRange) String() string {
	if r.Min == r.Max {
		return fmt.Sprint(r.Min)
	}
	return fmt.Sprintf("%d-%d", r.Min, r.Max)
}
