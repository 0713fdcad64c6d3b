package hresult

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeFields(t *testing.T) {
	tests := []struct {
		what string
		c    Code
		want Decoded
	}{
		{"customer bit set: no facility name, no Win32 reading", 0xA0070005, Decoded{
			Code: 0xA0070005, Failure: true, Customer: true,
			Facility: 7, FacilityName: "customer-defined", Low: 5,
		}},
		{"Windows Backup: C bit clear, facility 256, not Win32", 0x81000037, Decoded{
			Code: 0x81000037, Failure: true,
			Facility: 256, FacilityName: "FACILITY_SPP/FACILITY_RESTORE/FACILITY_DMSERVER", Low: 0x37,
		}},
		{"wrapped NTSTATUS (STATUS_ACCESS_DENIED)", 0xD0000022, Decoded{
			Code: 0xD0000022, Failure: true, NTStatus: true, Low: 0x22,
		}},
		{"R bit set: NTSTATUS-style setup code", 0xC1900101, Decoded{
			Code: 0xC1900101, Failure: true, Reserved: true, Facility: 0x190, Low: 0x101,
		}},
		{"R bit set: the facility still names MSMQ", 0xC00E0001, Decoded{
			Code: 0xC00E0001, Failure: true, Reserved: true, Facility: 14, FacilityName: "FACILITY_MSMQ", Low: 1,
		}},
		{"X bit set: an 11-bit facility would be wrong, so none is named; the whole code is", 0x887A0005, Decoded{
			Code: 0x887A0005, Failure: true, Reserved: true, Facility: 122, Low: 5, Name: "DXGI_ERROR_DEVICE_REMOVED",
		}},
		{"a full-HRESULT name wins over the Win32 name", 0x80070005, Decoded{
			Code: 0x80070005, Failure: true, Facility: 7, FacilityName: "FACILITY_WIN32", Low: 5,
			Win32: 5, IsWin32: true, Name: "E_ACCESSDENIED",
		}},
		{"S_OK", 0, Decoded{Facility: 0, FacilityName: "FACILITY_NULL", Name: "S_OK"}},
		{"S_FALSE", 1, Decoded{Code: 1, FacilityName: "FACILITY_NULL", Low: 1, Name: "S_FALSE"}},
		{"success code that wusa returns", 0x00240006, Decoded{
			Code: 0x00240006, Facility: 36, FacilityName: "FACILITY_WINDOWSUPDATE", Low: 6, Name: "WU_S_ALREADY_INSTALLED",
		}},
		{"success with facility 7 is not HRESULT_FROM_WIN32 output", 0x00070005, Decoded{
			Code: 0x00070005, Facility: 7, FacilityName: "FACILITY_WIN32", Low: 5,
		}},
		{"unknown Win32 number: Win32 reading, no name", 0x80079999, Decoded{
			Code: 0x80079999, Failure: true, Facility: 7, FacilityName: "FACILITY_WIN32", Low: 0x9999,
			Win32: 0x9999, IsWin32: true,
		}},
		{"unknown code in a known facility", 0x80241234, Decoded{
			Code: 0x80241234, Failure: true, Facility: 36, FacilityName: "FACILITY_WINDOWSUPDATE", Low: 0x1234,
		}},
		{"unknown facility", 0x80AA0001, Decoded{
			Code: 0x80AA0001, Failure: true, Facility: 170, Low: 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			assert.Equal(t, tt.want, Decode(tt.c))
		})
	}
}

// The names the brief and the reference tables call out, by full code.
func TestDecodeNames(t *testing.T) {
	tests := []struct {
		c                  Code
		name, facilityName string
	}{
		{0x80004005, "E_FAIL", "FACILITY_NULL"},
		{0x8000FFFF, "E_UNEXPECTED", "FACILITY_NULL"},
		{0x80070057, "E_INVALIDARG", "FACILITY_WIN32"},
		{0x80240017, "WU_E_NOT_APPLICABLE", "FACILITY_WINDOWSUPDATE"},
		{0x80240020, "WU_E_NO_INTERACTIVE_USER", "FACILITY_WINDOWSUPDATE"},
		{0x80242006, "WU_E_UH_INVALIDMETADATA", "FACILITY_WINDOWSUPDATE"},
		{0x8024402C, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED", "FACILITY_WINDOWSUPDATE"},
		{0x80244007, "WU_E_PT_SOAPCLIENT_SOAPFAULT", "FACILITY_WINDOWSUPDATE"},
		{0x800F0831, "CBS_E_STORE_CORRUPTION", "FACILITY_SETUPAPI"},
		{0x800B0101, "CERT_E_EXPIRED", "FACILITY_CERT"},
		{0x80092013, "CRYPT_E_REVOCATION_OFFLINE", "FACILITY_SECURITY"},
		{0x80200001, "BG_E_NOT_FOUND", "FACILITY_BACKGROUNDCOPY"},
		{0x80040154, "REGDB_E_CLASSNOTREG", "FACILITY_ITF"},
		{0x80072F8F, "ERROR_WINHTTP_SECURE_FAILURE", "FACILITY_WIN32"},
		{0x80072EE2, "ERROR_WINHTTP_TIMEOUT", "FACILITY_WIN32"},
		{0x80070643, "ERROR_INSTALL_FAILURE", "FACILITY_WIN32"},
		{0x80070BC2, "ERROR_SUCCESS_REBOOT_REQUIRED", "FACILITY_WIN32"},
		{0x80070BC9, "ERROR_FAIL_REBOOT_REQUIRED", "FACILITY_WIN32"},
		{0x800706BA, "RPC_S_SERVER_UNAVAILABLE", "FACILITY_WIN32"},
		{0x80070020, "ERROR_SHARING_VIOLATION", "FACILITY_WIN32"},
		{0x80070070, "ERROR_DISK_FULL", "FACILITY_WIN32"},
		{0x8007000E, "E_OUTOFMEMORY", "FACILITY_WIN32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decode(tt.c)
			assert.Equal(t, tt.name, d.Name)
			assert.Equal(t, tt.facilityName, d.FacilityName)
		})
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		c    Code
		want []string
	}{
		{0x80070003, []string{
			"code      0x80070003 (-2147024893, 2147942403)",
			"name      ERROR_PATH_NOT_FOUND",
			"severity  failure",
			"facility  7 FACILITY_WIN32",
			"low       0x0003 (3)",
			"win32     3 ERROR_PATH_NOT_FOUND",
		}},
		{0x80070005, []string{
			"code      0x80070005 (-2147024891, 2147942405)",
			"name      E_ACCESSDENIED",
			"severity  failure",
			"facility  7 FACILITY_WIN32",
			"low       0x0005 (5)",
			"win32     5 ERROR_ACCESS_DENIED",
		}},
		{0x81000037, []string{
			"code      0x81000037 (-2130706377, 2164260919)",
			"name      unknown",
			"severity  failure",
			"facility  256 FACILITY_SPP/FACILITY_RESTORE/FACILITY_DMSERVER",
			"low       0x0037 (55)",
			"note      0x8100xxxx codes come from Windows Backup (sdengin) and System Restore: the low word is not a Win32 error",
		}},
		{0x800F081F, []string{
			"code      0x800F081F (-2146498529, 2148468767)",
			"name      CBS_E_SOURCE_MISSING",
			"severity  failure",
			"facility  15 FACILITY_SETUPAPI",
			"low       0x081F (2079)",
		}},
		{0x00240006, []string{
			"code      0x00240006 (2359302, 2359302)",
			"name      WU_S_ALREADY_INSTALLED",
			"severity  success",
			"facility  36 FACILITY_WINDOWSUPDATE",
			"low       0x0006 (6)",
		}},
		{0xA0070005, []string{
			"code      0xA0070005 (-1610153979, 2684813317)",
			"name      unknown",
			"severity  failure",
			"facility  7 customer-defined (C bit set)",
			"low       0x0005 (5)",
			"note      vendor-defined code: not a Win32 error, no standard facility applies",
		}},
		{0xD0000022, []string{
			"code      0xD0000022 (-805306334, 3489660962)",
			"name      unknown",
			"severity  failure",
			"facility  0 (NTSTATUS facility, N bit set)",
			"low       0x0022 (34)",
			"note      wraps NTSTATUS 0xC0000022 (HRESULT_FROM_NT)",
		}},
		{0xC1900101, []string{
			"code      0xC1900101 (-1047527167, 3247440129)",
			"name      unknown",
			"severity  failure",
			"facility  400 unknown",
			"low       0x0101 (257)",
			"note      reserved bit 30 or 27 is set: NTSTATUS-style or product-specific code, not a plain HRESULT",
		}},
		{0x80079999, []string{
			"code      0x80079999 (-2146985575, 2147981721)",
			"name      unknown",
			"severity  failure",
			"facility  7 FACILITY_WIN32",
			"low       0x9999 (39321)",
			"win32     39321 unknown",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.c.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, Decode(tt.c).Lines())
		})
	}
}

// Every line is plain ASCII, a lower-case label, and a value that starts in
// column 10, whatever the code.
func TestLinesShape(t *testing.T) {
	shape := regexp.MustCompile(`^[a-z0-9]{1,8} +[!-~][ -~]*$`)
	codes := []Code{0, 1, 0x00070005, 0x80070002, 0x81000037, 0xA0070005, 0xD0000022,
		0xC1900101, 0x887A0005, 0x80AA0001, 0xFFFFFFFF, 0x7FFFFFFF}
	for _, c := range codes {
		lines := Decode(c).Lines()
		assert.Equal(t, lines, Decode(c).Lines(), "deterministic")
		for _, l := range lines {
			assert.Regexp(t, shape, l)
			assert.NotEqual(t, byte(' '), l[10], "value starts in column 10: %q", l)
			assert.Equal(t, "  ", l[8:10], "label fits 8 columns: %q", l)
		}
	}
}
