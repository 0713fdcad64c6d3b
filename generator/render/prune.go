package render

import (
	"regexp"
	"strings"
)

// A lib goes into every bundle that uses any of its routines, so a bundle
// would also carry the routines nothing in it calls: dead code that an
// administrator reading the script has to skip. prune takes those out of
// the rendered script, again and again, until every routine left is named
// somewhere outside itself. A name counts wherever it stands as a word (a
// call, a goto, a handler variable, even a comment), so doubt keeps a
// routine, never drops one.

// routine is one routine of the rendered libs: a batch label that opens a
// paragraph, up to the next such label.
type routine struct {
	name string
	text string
	// entered reports that the batch code before the routine may run on
	// into it (it does not end in goto or exit): such a routine stays.
	entered bool
}

var (
	cmdLabel = regexp.MustCompile(`^:([A-Za-z0-9_]+)\n$`)
	cmdLeave = regexp.MustCompile(`(?i)^(goto :?[A-Za-z0-9_]+|exit /b( .*)?)$`)
)

// prune removes from script the routines of libs (as the bundle template
// lays them out: one blank line between two) that nothing names.
func prune(script string, libs []string) string {
	if len(libs) == 0 {
		return script // no lib, no routine to take out
	}
	routines := cmdRoutines(strings.Join(libs, "\n\n") + "\n")
	names := map[string]int{} // lower-case name -> index into the counts
	for _, r := range routines {
		if _, ok := names[strings.ToLower(r.name)]; !ok {
			names[strings.ToLower(r.name)] = len(names)
		}
	}
	uses := count(script, names)
	own := make([][]int, len(routines))
	for i, r := range routines {
		own[i] = count(r.text, names)
	}
	for removed := true; removed; {
		removed = false
		for i, r := range routines {
			name := names[strings.ToLower(r.name)]
			if r.text == "" || r.entered || uses[name] > own[i][name] {
				continue
			}
			// The routine goes with one of the blank lines around it.
			cut := r.text + "\n"
			if !strings.Contains(script, cut) {
				cut = "\n" + r.text
			}
			script = strings.Replace(script, cut, "", 1)
			for w, n := range own[i] {
				uses[w] -= n
			}
			routines[i].text = ""
			removed = true
		}
	}
	return script
}

// count counts how often each of names (lower-case, to their index in the
// result) stands in text as a whole name, without regard to case, as cmd
// reads labels.
func count(text string, names map[string]int) []int {
	counts := make([]int, len(names))
	var lower []byte
	start := -1
	for i := 0; i <= len(text); i++ {
		in := i < len(text) && cmdNameChars[text[i]]
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			lower = appendLower(lower[:0], text[start:i])
			if n, ok := names[string(lower)]; ok {
				counts[n]++
			}
			start = -1
		}
	}
	return counts
}

// appendLower appends word, an ASCII name, in lower case.
func appendLower(dst []byte, word string) []byte {
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// cmdNameChars are the bytes a batch label is made of.
var cmdNameChars = func() *[256]bool {
	var in [256]bool
	for _, c := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" {
		in[c] = true
	}
	return &in
}()

// cmdRoutines splits batch text at the labels that open a paragraph; each
// routine runs to the line before the blank line that ends it.
func cmdRoutines(text string) []routine {
	var out []routine
	lines := strings.SplitAfter(text, "\n")
	start := -1
	for i, line := range lines {
		if !cmdLabel.MatchString(line) || (i > 0 && lines[i-1] != "\n") {
			continue
		}
		if start >= 0 {
			out[len(out)-1].text = strings.Join(lines[start:i-1], "")
		}
		out = append(out, routine{name: cmdLabel.FindStringSubmatch(line)[1], entered: i > 0 && !leaves(lines[:i])})
		start = i
	}
	if start >= 0 {
		out[len(out)-1].text = strings.Join(lines[start:], "")
	}
	return out
}

// leaves reports that the last line of batch code passes control
// elsewhere, so the code cannot run on into what follows it.
func leaves(lines []string) bool {
	for i := len(lines) - 1; i >= 0; i-- {
		if line := strings.TrimSpace(lines[i]); line != "" {
			return cmdLeave.MatchString(line)
		}
	}
	return true
}
