package hresult

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The codes wufix has remediation for, each written in the four forms
// people paste, and what Decode must make of them. All values are written
// out by hand (decimal forms from the reference tables) so that a slip in
// Parse or Decode cannot hide behind a value computed the same way.
func TestParseAndDecodeCodesInScope(t *testing.T) {
	tests := []struct {
		want                        Code
		hex, bare, signed, unsigned string
		facility                    uint16
		facilityName, name          string
		isWin32                     bool
		win32                       uint16
	}{
		{0x80070002, "0x80070002", "80070002", "-2147024894", "2147942402", 7, "FACILITY_WIN32", "ERROR_FILE_NOT_FOUND", true, 2},
		{0x80070003, "0X80070003", "80070003", "-2147024893", "2147942403", 7, "FACILITY_WIN32", "ERROR_PATH_NOT_FOUND", true, 3},
		{0x80070103, "0x80070103", "80070103", "-2147024637", "2147942659", 7, "FACILITY_WIN32", "ERROR_NO_MORE_ITEMS", true, 259},
		{0x80070001, "0x80070001", "80070001", "-2147024895", "2147942401", 7, "FACILITY_WIN32", "ERROR_INVALID_FUNCTION", true, 1},
		{0x81000037, "0x81000037", "81000037", "-2130706377", "2164260919", 256, "FACILITY_SPP/FACILITY_RESTORE/FACILITY_DMSERVER", "", false, 0},
		{0x8007000D, "0x8007000d", "8007000D", "-2147024883", "2147942413", 7, "FACILITY_WIN32", "ERROR_INVALID_DATA", true, 13},
		{0x80070005, "0x80070005", "80070005", "-2147024891", "2147942405", 7, "FACILITY_WIN32", "E_ACCESSDENIED", true, 5},
		{0x80070422, "0x80070422", "80070422", "-2147023838", "2147943458", 7, "FACILITY_WIN32", "ERROR_SERVICE_DISABLED", true, 1058},
		{0x800F081F, "0x800F081F", "800f081f", "-2146498529", "2148468767", 15, "FACILITY_SETUPAPI", "CBS_E_SOURCE_MISSING", false, 0},
		{0x800F0922, "0x800f0922", "800F0922", "-2146498270", "2148469026", 15, "FACILITY_SETUPAPI", "CBS_E_INSTALLERS_FAILED", false, 0},
		{0x80073712, "0x80073712", "80073712", "-2147010798", "2147956498", 7, "FACILITY_WIN32", "ERROR_SXS_COMPONENT_STORE_CORRUPT", true, 14098},
	}
	for _, tt := range tests {
		for _, in := range []string{tt.hex, tt.bare, tt.signed, tt.unsigned} {
			t.Run(in, func(t *testing.T) {
				got, err := Parse(in)
				require.NoError(t, err)
				require.Equal(t, tt.want, got, "parsed %q as %s", in, got)

				d := Decode(got)
				assert.Equal(t, tt.want, d.Code)
				assert.True(t, d.Failure)
				assert.False(t, d.Customer)
				assert.False(t, d.NTStatus)
				assert.Equal(t, tt.facility, d.Facility)
				assert.Equal(t, tt.facilityName, d.FacilityName)
				assert.Equal(t, tt.name, d.Name)
				assert.Equal(t, tt.isWin32, d.IsWin32)
				assert.Equal(t, tt.win32, d.Win32)
				assert.Equal(t, uint16(uint32(tt.want)), d.Low)
			})
		}
	}
}

// TestParseAmbiguity pins the rule that decides between hex and decimal.
func TestParseAmbiguity(t *testing.T) {
	tests := []struct {
		in   string
		want Code
		why  string
	}{
		{"80070003", 0x80070003, "8 digits, all decimal: hex, as copied from the Windows Update screen"},
		{"12345678", 0x12345678, "8 digits, all decimal: still hex"},
		{"00240006", 0x00240006, "8 digits with leading zeros: hex"},
		{"012345678", 12345678, "9 digits: a leading zero forces decimal"},
		{"2359302", 0x00240006, "7 digits: unsigned decimal (WU_S_ALREADY_INSTALLED)"},
		{"2147942403", 0x80070003, "10 digits: unsigned decimal"},
		{"4294967295", 0xFFFFFFFF, "largest unsigned decimal"},
		{"0", 0, "one digit: decimal"},
		{"5", 5, "one digit: decimal"},
		{"0x5", 5, "0x with fewer than 8 digits"},
		{"0x0", 0, "0x zero"},
		{"-1", 0xFFFFFFFF, "signed decimal"},
		{"-0", 0, "signed zero"},
		{"-2147483648", 0x80000000, "smallest signed decimal"},
		{"-2147024893", 0x80070003, "signed decimal, as PowerShell prints it"},
		{"  0x80070003\t\n", 0x80070003, "surrounding white space is trimmed"},
		{" 2147942403 ", 0x80070003, "surrounding spaces around decimal"},
		{"0xffffffff", 0xFFFFFFFF, "lower-case hex digits"},
		{"DEADBEEF", 0xDEADBEEF, "8 bare hex digits, upper case"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, tt.why)
		})
	}
}

func TestParseRejectsMalformedInput(t *testing.T) {
	tests := []struct {
		in, reason string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"0x", "no hex digits after 0x"},
		{"0X", "no hex digits after 0x"},
		{"0xZZ", "not a hex number"},
		{"0x-5", "not a hex number"},
		{"0x8007_0003", "not a hex number"},
		{"0x80070003L", "not a hex number"},
		{"0x800700030", "too many hex digits (at most 8)"},
		{"0x0000000001", "too many hex digits (at most 8)"},
		{"800F81F", "hex without 0x must be exactly 8 digits"},
		{"800F081F0", "hex without 0x must be exactly 8 digits"},
		{"-", "not a decimal number after the minus sign"},
		{"--5", "not a decimal number after the minus sign"},
		{"-0x5", "not a decimal number after the minus sign"},
		{"-12345678901", "too many decimal digits (at most 10)"},
		{"-2147483649", "below -2147483648, the 32-bit minimum"},
		{"4294967296", "above 4294967295, the 32-bit maximum"},
		{"9999999999", "above 4294967295, the 32-bit maximum"},
		{"12345678901", "too many decimal digits (at most 10)"},
		{"+5", "not a number"},
		{"8007 0003", "not a number"},
		{"hello", "not a number"},
		{"0x80070003 0x80070002", "not a hex number"},
		{"\uff18\uff10", "not a number"}, // full-width digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			require.Error(t, err)
			assert.Equal(t, Code(0), got)
			assert.True(t, errors.Is(err, ErrSyntax))

			msg := err.Error()
			want := "not an error code " + strconv.Quote(tt.in) + ": " + tt.reason + "; " + accepted
			assert.Equal(t, want, msg)
			assert.Equal(t, strings.ToLower(msg[:1]), msg[:1], "starts lower-case")
			assert.False(t, strings.HasSuffix(msg, "."), "no trailing period")
		})
	}
}

func TestErrorListsTheAcceptedForms(t *testing.T) {
	_, err := Parse("nonsense")
	require.Error(t, err)
	for _, form := range []string{"0x80070003", "80070003", "-2147024893", "2147942403"} {
		assert.Contains(t, err.Error(), form)
	}
}

func TestCodeString(t *testing.T) {
	tests := []struct {
		c    Code
		want string
	}{
		{0x80070003, "0x80070003"},
		{0x800F081F, "0x800F081F"},
		{0x00240006, "0x00240006"},
		{0, "0x00000000"},
		{0xFFFFFFFF, "0xFFFFFFFF"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.c.String())
	}
}

func TestCodeSigned(t *testing.T) {
	assert.Equal(t, int32(-2147024893), Code(0x80070003).Signed())
	assert.Equal(t, int32(2359302), Code(0x00240006).Signed())
	assert.Equal(t, int32(-2147483648), Code(0x80000000).Signed())
}

// Whatever String and Signed print, Parse reads back. (None of these codes
// is an 8-digit decimal, which Parse reads as hex by design.)
func TestParseReadsBackWhatCodePrints(t *testing.T) {
	for _, c := range []Code{0, 1, 0x00240006, 0x7FFFFFFF, 0x80000000, 0x80070003, 0x81000037, 0xFFFFFFFF} {
		got, err := Parse(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got)

		got, err = Parse(strconv.FormatInt(int64(c.Signed()), 10))
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
}
