package hresult

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Binary search needs every table sorted, and a duplicate key would hide
// one of its names.
func TestTablesAreSortedAndUnique(t *testing.T) {
	assertSorted(t, "wellKnown", wellKnown)
	assertSorted(t, "win32Names", win32Names)
	assertSorted(t, "sdkHRESULTs", sdkHRESULTs)
	assertSorted(t, "sdkWin32", sdkWin32)
	assertSorted(t, "facilityNames", facilityNames)
	assertSorted(t, "facilityNotes", facilityNotes)
}

func assertSorted[K ~uint16 | ~uint32](t *testing.T, table string, entries []entry[K]) {
	t.Helper()
	for i := 1; i < len(entries); i++ {
		assert.Less(t, entries[i-1].key, entries[i].key,
			"%s: %v (%s) must come before %v (%s)", table,
			entries[i].key, entries[i].name, entries[i-1].key, entries[i-1].name)
	}
}

func TestTableNamesLookLikeSymbols(t *testing.T) {
	symbol := regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Za-z0-9]$`)
	for _, e := range wellKnown {
		assert.Regexp(t, symbol, e.name)
	}
	for _, e := range win32Names {
		assert.Regexp(t, symbol, e.name)
	}
	for _, e := range sdkHRESULTs {
		assert.Regexp(t, symbol, e.name)
	}
	for _, e := range sdkWin32 {
		assert.Regexp(t, symbol, e.name)
	}
	facility := regexp.MustCompile(`^FACILITY_[A-Z0-9_]+(/FACILITY_[A-Z0-9_]+)*$`)
	for _, e := range facilityNames {
		assert.Regexp(t, facility, e.name)
		assert.Less(t, e.key, uint16(1<<11), "%s does not fit 11 bits", e.name)
	}
}

func TestWin32NamesRequiredForServicing(t *testing.T) {
	want := map[uint16]string{
		0:     "ERROR_SUCCESS",
		1:     "ERROR_INVALID_FUNCTION",
		2:     "ERROR_FILE_NOT_FOUND",
		3:     "ERROR_PATH_NOT_FOUND",
		5:     "ERROR_ACCESS_DENIED",
		13:    "ERROR_INVALID_DATA",
		32:    "ERROR_SHARING_VIOLATION",
		87:    "ERROR_INVALID_PARAMETER",
		112:   "ERROR_DISK_FULL",
		259:   "ERROR_NO_MORE_ITEMS",
		1058:  "ERROR_SERVICE_DISABLED",
		1060:  "ERROR_SERVICE_DOES_NOT_EXIST",
		1062:  "ERROR_SERVICE_NOT_ACTIVE",
		1067:  "ERROR_PROCESS_ABORTED",
		1168:  "ERROR_NOT_FOUND",
		1223:  "ERROR_CANCELLED",
		1392:  "ERROR_FILE_CORRUPT",
		1460:  "ERROR_TIMEOUT",
		1603:  "ERROR_INSTALL_FAILURE",
		1618:  "ERROR_INSTALL_ALREADY_RUNNING",
		1641:  "ERROR_SUCCESS_REBOOT_INITIATED",
		3010:  "ERROR_SUCCESS_REBOOT_REQUIRED",
		4390:  "ERROR_NOT_A_REPARSE_POINT",
		14098: "ERROR_SXS_COMPONENT_STORE_CORRUPT",
	}
	for n, name := range want {
		assert.Equal(t, name, win32Name(n), "Win32 error %d", n)
	}
}

// winerror.h names every number in these runs; the table must not skip one.
func TestWin32NamesCoverLowRange(t *testing.T) {
	runs := [][2]uint16{{0, 34}, {50, 72}, {100, 114}, {117, 162}, {186, 203}, {229, 235}}
	for _, r := range runs {
		for n := r[0]; n <= r[1]; n++ {
			if n == 35 {
				continue
			}
			assert.NotEmpty(t, win32Name(n), "Win32 error %d", n)
		}
	}
	assert.Empty(t, win32Name(35), "winerror.h has no error 35")
}

func TestFacilityNamesFromTheBrief(t *testing.T) {
	want := map[uint16]string{
		0:  "FACILITY_NULL",
		4:  "FACILITY_ITF",
		7:  "FACILITY_WIN32",
		9:  "FACILITY_SECURITY",
		11: "FACILITY_CERT",
		15: "FACILITY_SETUPAPI",
		32: "FACILITY_BACKGROUNDCOPY",
		36: "FACILITY_WINDOWSUPDATE",
	}
	for n, name := range want {
		assert.Equal(t, name, facilityName(n), "facility %d", n)
	}
	assert.Empty(t, facilityName(5), "winerror.h has no facility 5")
}

func TestLookupMisses(t *testing.T) {
	assert.Empty(t, lookup([]entry[uint16]{}, 1))
	assert.Empty(t, lookup([]entry[uint16]{{2, "TWO"}}, 1))
	assert.Empty(t, lookup([]entry[uint16]{{2, "TWO"}}, 3))
	assert.Equal(t, "TWO", lookup([]entry[uint16]{{1, "ONE"}, {2, "TWO"}, {3, "THREE"}}, 2))
}
