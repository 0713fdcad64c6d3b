package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// parseErr is text/template's parse error: "template: NAME:LINE: MESSAGE".
var parseErr = regexp.MustCompile(`^template: [^:]*:(\d+): (.*)$`)
var undefinedFunc = regexp.MustCompile(`^function "([^"]+)" not defined$`)

// TemplateError turns a template parse error into a position in file and
// a message. text/template gives the line only; the column is where the
// offending name starts on that line when the message names one. funcs is
// the function map the template was parsed with: a sprig function missing
// from it was left out on purpose, and the message says why.
func TemplateError(file string, data []byte, err error, funcs template.FuncMap) (Pos, string) {
	msg := err.Error()
	m := parseErr.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0])
	if m == nil {
		return Pos{File: file, Line: 1, Col: 1}, strings.TrimPrefix(msg, "template: ")
	}
	line, _ := strconv.Atoi(m[1])
	pos, msg := Pos{File: file, Line: line, Col: 1}, m[2]
	if f := undefinedFunc.FindStringSubmatch(msg); f != nil {
		pos.Col = columnOf(data, line, f[1])
		if _, inSprig := sprig.TxtFuncMap()[f[1]]; inSprig && funcs[f[1]] == nil {
			msg = "function " + strconv.Quote(f[1]) + " is not available to templates: they see no environment, clock or random numbers, so two builds give the same bytes"
		}
	}
	return pos, msg
}

// columnOf is the 1-based column of the first word on line that is name.
func columnOf(data []byte, line int, name string) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	if loc := re.FindStringIndex(lines[line-1]); loc != nil {
		return loc[0] + 1
	}
	return 1
}

// execErr is text/template's execution error after "template: ":
// "NAME:LINE:COL: MESSAGE", its COL counted from 0.
var execErr = regexp.MustCompile(`^([^\s:]+):(\d+):(\d+): `)

// ExecError restates a template execution error as file:line:col with the
// column counted from 1, like every other position, and dir completing a
// name given without its folder (the bundle and deploy sets name their
// templates by file name).
func ExecError(dir string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	m := execErr.FindStringSubmatchIndex(msg)
	if m == nil {
		return errors.New(msg)
	}
	name := msg[m[2]:m[3]]
	if dir != "" && !strings.HasPrefix(name, "templates/") {
		name = dir + "/" + name
	}
	col, _ := strconv.Atoi(msg[m[6]:m[7]])
	return fmt.Errorf("%s:%s:%d: %s", name, msg[m[4]:m[5]], col+1, msg[m[1]:])
}
