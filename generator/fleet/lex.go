package fleet

import (
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON grammar below the report's shape: numbers, strings with their
// escapes, and any value the reader skips. Each function starts at the
// value's first byte and leaves s.i after its last.

// number reads a JSON number's literal text, checking its grammar.
func (s *scanner) number() (string, error) {
	start := s.i
	if s.i < len(s.data) && s.data[s.i] == '-' {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i >= len(s.data) {
		return "", s.eof()
	}
	if s.data[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return "", s.fail("broken JSON: invalid character %s in numeric literal", quoteByte(s.data[s.i]))
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return "", s.numberEnd()
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return "", s.numberEnd()
		}
	}
	return string(s.data[start:s.i]), nil
}

func (s *scanner) numberEnd() error {
	if s.i >= len(s.data) {
		return s.eof()
	}
	return s.fail("broken JSON: invalid character %s in numeric literal", quoteByte(s.data[s.i]))
}

// str reads a string, s.i at its opening quote, decoding escapes; invalid
// UTF-8 becomes U+FFFD, as encoding/json makes it.
func (s *scanner) str() (string, error) {
	s.i++
	start := s.i
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			raw := s.data[start:s.i]
			s.i++
			if utf8.Valid(raw) {
				return string(raw), nil
			}
			return string([]rune(string(raw))), nil // each invalid byte becomes U+FFFD
		case c == '\\':
			return s.escaped(start)
		case c < 0x20:
			return "", s.fail("broken JSON: invalid character %s in string literal", quoteByte(c))
		}
		s.i++
	}
	return "", s.eof()
}

// escaped finishes a string that holds a backslash escape.
func (s *scanner) escaped(start int) (string, error) {
	buf := []rune(string(s.data[start:s.i]))
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			return string(buf), nil
		case c < 0x20:
			return "", s.fail("broken JSON: invalid character %s in string literal", quoteByte(c))
		case c == '\\':
			r, err := s.escape()
			if err != nil {
				return "", err
			}
			buf = append(buf, r)
			continue
		}
		r, size := utf8.DecodeRune(s.data[s.i:])
		buf = append(buf, r) // RuneError for an invalid byte, as encoding/json
		s.i += size
	}
	return "", s.eof()
}

// escape reads one backslash escape, s.i at the backslash.
func (s *scanner) escape() (rune, error) {
	if s.i+1 >= len(s.data) {
		return 0, s.eof()
	}
	s.i++
	c := s.data[s.i]
	s.i++
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := s.hex4()
		if err != nil {
			return 0, err
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate pairs with a \u low one that follows; any
			// other surrogate is U+FFFD, as encoding/json reads it.
			if len(s.data)-s.i >= 6 && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
				save := s.i
				s.i += 2
				if r2, err := s.hex4(); err == nil {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return d, nil
					}
				}
				s.i = save
			}
			return utf8.RuneError, nil
		}
		return r, nil
	}
	s.i--
	return 0, s.fail("broken JSON: invalid character %s in string escape code", quoteByte(c))
}

func (s *scanner) hex4() (rune, error) {
	if len(s.data)-s.i < 4 {
		for s.i < len(s.data) {
			if !isHex(s.data[s.i]) {
				return 0, s.fail("broken JSON: invalid character %s in \\u hexadecimal character escape", quoteByte(s.data[s.i]))
			}
			s.i++
		}
		return 0, s.eof()
	}
	var r rune
	for range 4 {
		c := s.data[s.i]
		if !isHex(c) {
			return 0, s.fail("broken JSON: invalid character %s in \\u hexadecimal character escape", quoteByte(c))
		}
		r = r<<4 | rune(hexVal(c))
		s.i++
	}
	return r, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// skip reads past any JSON value, checking its grammar.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return s.fail("broken JSON: exceeded max depth")
	}
	s.space()
	if s.i >= len(s.data) {
		return s.eof()
	}
	switch c := s.data[s.i]; {
	case c == '"':
		_, err := s.str()
		return err
	case c == '{':
		return s.object(func(string) error { return s.skip(depth + 1) })
	case c == '[':
		return s.array(depth)
	case c == '-' || c >= '0' && c <= '9':
		_, err := s.number()
		return err
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(s.data)-s.i >= len(lit) && string(s.data[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return nil
		}
	}
	return s.fail("broken JSON: invalid character %s looking for the beginning of a value", quoteByte(s.data[s.i]))
}

func (s *scanner) array(depth int) error {
	s.i++
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if err := s.skip(depth + 1); err != nil {
			return err
		}
		if more, err := s.more(']', "an array element"); !more {
			return err
		}
	}
}

// more reads what follows an array element (closer ']') or an object's
// value ('}'): a comma, and another one follows, or the closer, which
// ends the list (more false, err nil).
func (s *scanner) more(closer byte, after string) (bool, error) {
	s.space()
	if s.i >= len(s.data) {
		return false, s.eof()
	}
	switch s.data[s.i] {
	case ',':
		s.i++
		return true, nil
	case closer:
		s.i++
		return false, nil
	}
	return false, s.fail("broken JSON: invalid character %s after %s", quoteByte(s.data[s.i]), after)
}
