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
// paragraph, up to the next such label, or a PowerShell function up to the
// closing brace that starts a line.
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
	psFunc   = regexp.MustCompile(`^function ([A-Za-z0-9_-]+)[ ({]`)
)

// prune removes from script the routines of libs (as the bundle template
// lays them out: one blank line between two) that nothing names.
func prune(script string, libs []string, dialect string) string {
	joined := strings.Join(libs, "\n\n") + "\n"
	routines, chars := cmdRoutines(joined), "A-Za-z0-9_"
	if dialect == "ps1" {
		routines, chars = psRoutines(joined), "A-Za-z0-9_-"
	}
	for removed := true; removed; {
		removed = false
		for i, r := range routines {
			if r.text == "" || r.entered {
				continue
			}
			// Both languages read names without regard to case.
			named := regexp.MustCompile(`(?i)(^|[^` + chars + `])` + regexp.QuoteMeta(r.name) + `($|[^` + chars + `])`)
			if named.MatchString(strings.Replace(script, r.text, "", 1)) {
				continue
			}
			// The routine goes with one of the blank lines around it.
			cut := r.text + "\n"
			if !strings.Contains(script, cut) {
				cut = "\n" + r.text
			}
			script = strings.Replace(script, cut, "", 1)
			routines[i].text = ""
			removed = true
		}
	}
	return script
}

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

// psRoutines lists the functions in PowerShell text, each from its
// "function" line to the "}" that starts a line, that line break included.
func psRoutines(text string) []routine {
	var out []routine
	lines := strings.SplitAfter(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := psFunc.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if lines[j] == "}\n" {
				out = append(out, routine{name: m[1], text: strings.Join(lines[i:j+1], "")})
				i = j
				break
			}
		}
	}
	return out
}
