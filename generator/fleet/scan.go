package fleet

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// decode reads one report: a reader made for this one shape of JSON (flat
// fields and a list of flat steps), several times faster than reflection,
// which is most of the time a fleet's worth of reports takes. It accepts
// exactly the JSON encoding/json accepts into a Report and gives the same
// result (FuzzDecodeMatchesEncodingJSON holds it to that), and says where
// the text breaks as line:col.
func decode(data []byte, r *Report) error {
	s := &scanner{data: data}
	s.space()
	if err := s.report(r); err != nil {
		return err
	}
	s.space()
	if s.i < len(s.data) {
		if s.startsValue() {
			return errors.New("more than one JSON value: not a wufix report")
		}
		return s.fail("broken JSON: invalid character %s after the report", quoteByte(s.data[s.i]))
	}
	return nil
}

// maxDepth bounds how deep a value the reader skips may nest, as
// encoding/json does (10000), so no input can exhaust the stack.
const maxDepth = 10000

type scanner struct {
	data []byte
	i    int
}

// fail is an error positioned at the current byte.
func (s *scanner) fail(format string, args ...any) error {
	return fmt.Errorf("%s: %s", position(s.data, int64(s.i)), fmt.Sprintf(format, args...))
}

func (s *scanner) eof() error {
	return fmt.Errorf("%s: cut short: the JSON ends in the middle of a value", position(s.data, int64(len(s.data))))
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) startsValue() bool {
	c := s.data[s.i]
	return c == '{' || c == '[' || c == '"' || c == '-' || c >= '0' && c <= '9' ||
		c == 't' || c == 'f' || c == 'n'
}

// expect consumes c after optional white space.
func (s *scanner) expect(c byte, what string) error {
	s.space()
	if s.i >= len(s.data) {
		if len(s.data) == 0 || onlySpace(s.data) {
			return errors.New("empty: no JSON value")
		}
		return s.eof()
	}
	if s.data[s.i] != c {
		return s.fail("broken JSON: invalid character %s %s", quoteByte(s.data[s.i]), what)
	}
	s.i++
	return nil
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// object reads {"key": value, ...}, handing each key to field, which reads
// the value.
func (s *scanner) object(field func(key string) error) error {
	if err := s.expect('{', "looking for the beginning of an object"); err != nil {
		return err
	}
	s.space()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.space()
		if s.i >= len(s.data) {
			return s.eof()
		}
		if s.data[s.i] != '"' {
			return s.fail("broken JSON: invalid character %s looking for the beginning of an object key", quoteByte(s.data[s.i]))
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':', "after an object key"); err != nil {
			return err
		}
		s.space()
		if err := field(key); err != nil {
			return err
		}
		if more, err := s.more('}', "an object value"); !more {
			return err
		}
	}
}

func (s *scanner) report(r *Report) error {
	return s.object(func(key string) error {
		switch fold(key, reportKeys) {
		case "report_version":
			return s.integer(key, &r.Version, nil)
		case "generated":
			return s.text(key, &r.Generated)
		case "bundle":
			return s.text(key, &r.Bundle)
		case "bundle_version":
			return s.text(key, &r.BundleVer)
		case "computer":
			return s.text(key, &r.Computer)
		case "run":
			return s.text(key, &r.Run)
		case "mode":
			return s.text(key, &r.Mode)
		case "plan":
			return s.text(key, &r.Plan)
		case "windows_build":
			return s.text(key, &r.Build)
		case "started":
			return s.text(key, &r.Started)
		case "finished":
			return s.text(key, &r.Finished)
		case "log":
			return s.text(key, &r.Log)
		case "exit_code":
			return s.integer(key, nil, &r.ExitCode)
		case "steps":
			return s.steps(key, &r.Steps)
		}
		return s.skip(0)
	})
}

// computerBytes returns the "computer" string of a report decode read,
// as its bytes stand between the quotes. A second pass, taken only for a
// name that is not UTF-8, keeps decode's result the one encoding/json
// gives.
func computerBytes(data []byte) string {
	s := &scanner{data: data}
	s.space()
	var raw string
	s.object(func(key string) error {
		if fold(key, reportKeys) != "computer" || s.i >= len(s.data) || s.data[s.i] != '"' {
			return s.skip(0)
		}
		start := s.i + 1
		_, err := s.str()
		raw = string(s.data[start : s.i-1])
		return err
	})
	return raw
}

// steps reads the list of steps. As encoding/json does, null empties the
// list, and a list given twice decodes into the elements of the first.
func (s *scanner) steps(key string, steps *[]Step) error {
	if s.null() {
		*steps = nil
		return nil
	}
	if s.i >= len(s.data) {
		return s.eof()
	}
	if s.data[s.i] != '[' {
		return s.typeError(key)
	}
	s.i++
	old := *steps
	list := old[:0]
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		*steps = list
		if *steps == nil {
			*steps = []Step{}
		}
		return nil
	}
	for {
		var st Step
		if len(list) < len(old) {
			st = old[len(list)]
		}
		s.space()
		if s.null() {
			list = append(list, st)
		} else {
			if s.i >= len(s.data) {
				return s.eof()
			}
			if s.data[s.i] != '{' {
				return s.typeError("steps")
			}
			if err := s.step(&st); err != nil {
				return err
			}
			list = append(list, st)
		}
		more, err := s.more(']', "an array element")
		if err != nil {
			return err
		}
		if !more {
			*steps = list
			return nil
		}
	}
}

func (s *scanner) step(st *Step) error {
	return s.object(func(key string) error {
		switch fold(key, stepKeys) {
		case "id":
			return s.text("steps."+key, &st.ID)
		case "status":
			return s.text("steps."+key, &st.Status)
		case "exit_code":
			return s.integer("steps."+key, &st.ExitCode, nil)
		case "before":
			return s.text("steps."+key, &st.Before)
		case "after":
			return s.text("steps."+key, &st.After)
		}
		return s.skip(0)
	})
}

// null consumes a JSON null, which leaves a field as it was.
func (s *scanner) null() bool {
	if len(s.data)-s.i >= 4 && string(s.data[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// text reads a string value into *dst.
func (s *scanner) text(key string, dst *string) error {
	if s.null() {
		return nil
	}
	if s.i >= len(s.data) {
		return s.eof()
	}
	if s.data[s.i] != '"' {
		return s.typeError(key)
	}
	v, err := s.str()
	*dst = v
	return err
}

// integer reads a whole number into *dst, or a fresh *int into *ptr. A
// null leaves *dst as it was and sets *ptr to nil, as encoding/json does.
func (s *scanner) integer(key string, dst *int, ptr **int) error {
	if s.null() {
		if ptr != nil {
			*ptr = nil
		}
		return nil
	}
	if s.i >= len(s.data) {
		return s.eof()
	}
	c := s.data[s.i]
	if c != '-' && (c < '0' || c > '9') {
		return s.typeError(key)
	}
	start := s.i
	lit, err := s.number()
	if err != nil {
		return err
	}
	n, perr := strconv.ParseInt(lit, 10, strconv.IntSize)
	if perr != nil {
		s.i = start
		return fmt.Errorf("%s: field %q holds a JSON number %s", position(s.data, int64(start)), key, lit)
	}
	v := int(n)
	if dst != nil {
		*dst = v
	} else {
		*ptr = &v
	}
	return nil
}

// typeError says what JSON type a field holds instead of the one it needs.
func (s *scanner) typeError(key string) error {
	start := s.i
	kind := map[byte]string{'"': "string", '{': "object", '[': "array", 't': "bool", 'f': "bool"}[s.data[s.i]]
	if kind == "" {
		kind = "number"
	}
	if err := s.skip(0); err != nil {
		return err
	}
	return fmt.Errorf("%s: field %q holds a JSON %s", position(s.data, int64(start)), key, kind)
}

// reportKeys and stepKeys are the fields the reader fills.
var (
	reportKeys = []string{"report_version", "generated", "bundle", "bundle_version", "computer", "run",
		"mode", "plan", "windows_build", "started", "finished", "log", "exit_code", "steps"}
	stepKeys = []string{"id", "status", "exit_code", "before", "after"}
)

// fold matches a key to a field as encoding/json does: exactly, or else
// ignoring case by Unicode's simple folding (so "STATUS" is status).
func fold(key string, known []string) string {
	if slices.Contains(known, key) {
		return key
	}
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

func quoteByte(c byte) string { return strconv.QuoteRune(rune(c)) }
