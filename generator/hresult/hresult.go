// Package hresult reads the 32-bit error codes that Windows Update, the
// servicing stack (CBS) and Windows Backup report, and explains them.
//
// The bit layout is the HRESULT of MS-ERREF section 2.1:
//
//	bit  31     S  severity: 1 = failure, 0 = success
//	bit  30     R  reserved (part of the NTSTATUS severity when N is set)
//	bit  29     C  customer: defined by a vendor, not by Microsoft
//	bit  28     N  an NTSTATUS wrapped by HRESULT_FROM_NT
//	bit  27     X  reserved
//	bits 16-26     facility: the component that raised the error
//	bits 0-15      code within that facility
//
// The package is pure: no I/O, no global state beyond read-only tables.
package hresult

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code is a 32-bit Windows error code, usually an HRESULT.
type Code uint32

// String formats c as Windows shows it: 0x and 8 upper-case hex digits.
func (c Code) String() string {
	return fmt.Sprintf("0x%08X", uint32(c))
}

// Signed returns c as the signed 32-bit integer that PowerShell, SCCM and
// event data print, e.g. -2147024893 for 0x80070003.
func (c Code) Signed() int32 {
	return int32(c)
}

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("not an error code")

// accepted ends every parse error so that the reader learns what to type.
const accepted = "accepted: 0x80070003 (0x and 1-8 hex digits), " +
	"80070003 (exactly 8 hex digits), -2147024893 (signed decimal), " +
	"2147942403 (unsigned decimal)"

const (
	maxHexDigits     = 8  // 32 bits
	maxDecimalDigits = 10 // len("4294967295")
)

// Parse reads an error code the way people copy it from the Windows Update
// screen, logs and event data. Surrounding white space is ignored; the
// first rule that matches decides the form:
//
//  1. A "0x" or "0X" prefix: hexadecimal, 1 to 8 digits.
//  2. A leading "-": signed 32-bit decimal, as PowerShell prints HRESULTs.
//  3. Exactly 8 hex digits and nothing else: hexadecimal, even when every
//     digit is 0-9, so "80070003" is 0x80070003. People drop the 0x when
//     they copy a code from the Windows Update screen, while a failure
//     code written in decimal never has 8 digits: it has 10, or a sign.
//  4. Any other run of 1 to 10 decimal digits: unsigned 32-bit decimal,
//     such as 2147942403 or 2359302 (WU_S_ALREADY_INSTALLED). To force
//     decimal for an 8-digit number, write it with a leading zero.
//
// Anything else, including a bare hex string that is not exactly 8 digits
// long, is an error that wraps ErrSyntax and lists the accepted forms.
func Parse(s string) (Code, error) {
	c, problem := parse(strings.TrimSpace(s))
	if problem != "" {
		return 0, fmt.Errorf("%w %q: %s; %s", ErrSyntax, s, problem, accepted)
	}
	return c, nil
}

// parse applies the rules documented on Parse to t, which has no
// surrounding space. It returns the code, or a reason when t is malformed.
func parse(t string) (Code, string) {
	switch {
	case t == "":
		return 0, "empty"
	case len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'):
		return parseHex(t[2:])
	case t[0] == '-':
		return parseSigned(t)
	case len(t) == maxHexDigits && isHex(t):
		return parseHex(t)
	case isDecimal(t):
		return parseUnsigned(t)
	case isHex(t):
		return 0, "hex without 0x must be exactly 8 digits"
	default:
		return 0, "not a number"
	}
}

func parseHex(digits string) (Code, string) {
	switch {
	case digits == "":
		return 0, "no hex digits after 0x"
	case !isHex(digits):
		return 0, "not a hex number"
	case len(digits) > maxHexDigits:
		return 0, "too many hex digits (at most 8)"
	}
	v, err := strconv.ParseUint(digits, 16, 32)
	if err != nil {
		return 0, "not a hex number" // unreachable: digits were checked above
	}
	return Code(v), ""
}

func parseSigned(t string) (Code, string) {
	digits := t[1:]
	switch {
	case !isDecimal(digits):
		return 0, "not a decimal number after the minus sign"
	case len(digits) > maxDecimalDigits:
		return 0, "too many decimal digits (at most 10)"
	}
	v, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, "below -2147483648, the 32-bit minimum"
	}
	return Code(uint32(int32(v))), ""
}

func parseUnsigned(t string) (Code, string) {
	if len(t) > maxDecimalDigits {
		return 0, "too many decimal digits (at most 10)"
	}
	v, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, "above 4294967295, the 32-bit maximum"
	}
	return Code(v), ""
}

// isHex reports whether s is one or more ASCII hex digits.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !('a' <= c && c <= 'f') && !('A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isDecimal reports whether s is one or more ASCII decimal digits.
func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
