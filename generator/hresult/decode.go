package hresult

import "fmt"

// Bits and fields of an HRESULT (MS-ERREF 2.1).
const (
	bitSeverity = 1 << 31
	bitReserved = 1 << 30 // R
	bitCustomer = 1 << 29 // C
	bitNTStatus = 1 << 28 // N
	bitX        = 1 << 27 // X, also reserved

	facilityMask  = 0x7FF // 11 bits, 16-26
	facilityShift = 16

	// win32Prefix is the upper half of every HRESULT_FROM_WIN32 result:
	// failure, facility 7, no other bit. Nothing else carries a Win32 error.
	win32Prefix = 0x8007
)

// Decoded is an error code split into its fields, with the names this
// package knows for it.
type Decoded struct {
	Code     Code
	Failure  bool // S, bit 31
	Customer bool // C, bit 29: vendor-defined, so facility names do not apply
	NTStatus bool // N, bit 28: an NTSTATUS wrapped by HRESULT_FROM_NT
	// Reserved is set when bit 30 (R) or bit 27 (X) is set while N is clear.
	// MS-ERREF reserves both; NTSTATUS-style codes such as 0xC1900101 set R.
	Reserved bool

	Facility     uint16 // bits 16-26
	FacilityName string // e.g. "FACILITY_WIN32", "customer-defined", "" if unknown
	Low          uint16 // bits 0-15

	Win32   uint16 // the Win32 error number; valid only when IsWin32
	IsWin32 bool   // true only for 0x8007xxxx, what HRESULT_FROM_WIN32 makes

	Name string // best symbolic name, "" if unknown
}

// Decode splits c into its fields and names it. A name from the table of
// well-known HRESULTs wins; otherwise a 0x8007xxxx code is named after its
// Win32 error. Customer-defined codes (C bit) and wrapped NTSTATUS values
// (N bit) get no winerror.h facility name and no Win32 reading, because
// their facility numbers are not the winerror.h facilities.
func Decode(c Code) Decoded {
	d := Decoded{
		Code:     c,
		Failure:  c&bitSeverity != 0,
		Customer: c&bitCustomer != 0,
		NTStatus: c&bitNTStatus != 0,
		Facility: uint16(c>>facilityShift) & facilityMask,
		Low:      uint16(c),
		Name:     wellKnownName(c),
	}
	d.Reserved = !d.NTStatus && c&(bitReserved|bitX) != 0
	switch {
	case d.Customer:
		d.FacilityName = "customer-defined"
	case d.NTStatus:
		// The facility field belongs to the wrapped NTSTATUS.
	case c&bitX != 0:
		// Facilities above 2047 (DirectX and others) spill into bit 27, so
		// the 11-bit field alone would name the wrong component.
	default:
		d.FacilityName = facilityName(d.Facility)
	}
	if uint32(c)>>16 == win32Prefix {
		d.IsWin32 = true
		d.Win32 = d.Low
		if d.Name == "" {
			d.Name = win32Name(d.Win32)
		}
	}
	return d
}

// label pads a field label so that every value starts in the same column.
func label(name string) string {
	return fmt.Sprintf("%-10s", name)
}

// Lines explains d for `wufix explain`, one plain-ASCII line per fact, in
// a fixed order; the same code always gives the same lines.
func (d Decoded) Lines() []string {
	lines := []string{
		label("code") + fmt.Sprintf("%s (%d, %d)", d.Code, d.Code.Signed(), uint32(d.Code)),
		label("name") + orUnknown(d.Name),
		label("severity") + d.severity(),
		label("facility") + d.facility(),
		label("low") + fmt.Sprintf("0x%04X (%d)", d.Low, d.Low),
	}
	if d.IsWin32 {
		lines = append(lines, label("win32")+fmt.Sprintf("%d %s", d.Win32, orUnknown(win32Name(d.Win32))))
	}
	for _, n := range d.notes() {
		lines = append(lines, label("note")+n)
	}
	return lines
}

func (d Decoded) severity() string {
	if d.Failure {
		return "failure"
	}
	return "success"
}

func (d Decoded) facility() string {
	switch {
	case d.Customer:
		return fmt.Sprintf("%d customer-defined (C bit set)", d.Facility)
	case d.NTStatus:
		return fmt.Sprintf("%d (NTSTATUS facility, N bit set)", d.Facility)
	}
	return fmt.Sprintf("%d %s", d.Facility, orUnknown(d.FacilityName))
}

// notes are the warnings a reader needs so as not to misread the code.
func (d Decoded) notes() []string {
	var notes []string
	switch {
	case d.Customer:
		notes = append(notes, "vendor-defined code: not a Win32 error, no standard facility applies")
	case d.NTStatus:
		notes = append(notes, fmt.Sprintf("wraps NTSTATUS %s (HRESULT_FROM_NT)", d.Code&^bitNTStatus))
	default:
		if n := facilityNote(d.Facility); n != "" {
			notes = append(notes, n)
		}
	}
	if d.Reserved {
		notes = append(notes, "reserved bit 30 or 27 is set: NTSTATUS-style or product-specific code, not a plain HRESULT")
	}
	return notes
}

func orUnknown(name string) string {
	if name == "" {
		return "unknown"
	}
	return name
}
