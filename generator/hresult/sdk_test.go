package hresult

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/hresult/sdk"
)

// headers returns the MinGW-w64 include folder, or skips the test where
// the headers are not installed (CI installs them with MinGW and sets
// WUFIX_REQUIRE_WINE, so there a missing header fails instead).
func headers(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sdk.MinGWInclude, "winerror.h")); err != nil {
		if os.Getenv("WUFIX_REQUIRE_WINE") != "" {
			t.Fatalf("the MinGW-w64 headers are required: %v", err)
		}
		t.Skipf("no MinGW-w64 headers (Debian mingw-w64-common): %v", err)
	}
	return sdk.MinGWInclude
}

// The committed tables are exactly what go generate makes of the headers.
func TestSDKTablesMatchHeaders(t *testing.T) {
	want, err := sdk.Generate(headers(t))
	require.NoError(t, err)
	got, err := os.ReadFile("sdk_gen.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "sdk_gen.go is stale: run go generate ./generator/hresult")
}

// Every code the headers define decodes to a name: its own, or another
// name the headers give the same value.
func TestEveryHeaderCodeIsNamed(t *testing.T) {
	dir := headers(t)
	var s sdk.Set
	for _, name := range sdk.Headers {
		f, err := os.Open(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, s.Read(f))
		f.Close()
	}
	require.Greater(t, len(s.HRESULT), 2000)
	require.Greater(t, len(s.Win32), 2000)
	for _, c := range s.HRESULT {
		assert.NotEmpty(t, Decode(Code(c.Value)).Name, "%s 0x%08X", c.Name, c.Value)
	}
	for _, c := range s.Win32 {
		assert.NotEmpty(t, Decode(Code(0x80070000|c.Value)).Name, "%s %d", c.Name, c.Value)
	}
}

// Codes people meet with Windows Update are named from the generated
// tables, whether or not the headers are on this machine.
func TestWindowsUpdateCodesAreNamed(t *testing.T) {
	for code, name := range map[Code]string{
		0x8024402C: "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED",
		0x80244022: "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL",
		0x80246017: "WU_E_DM_UNAUTHORIZED_LOCAL_USER",
		0x80200010: "BG_E_NETWORK_DISCONNECTED",
		0x80073712: "ERROR_SXS_COMPONENT_STORE_CORRUPT",
		0x8007371B: "ERROR_SXS_TRANSACTION_CLOSURE_INCOMPLETE",
		0x80073701: "ERROR_SXS_ASSEMBLY_MISSING",
		0x80072EFD: "ERROR_WINHTTP_CANNOT_CONNECT",
		0x80070BC9: "ERROR_FAIL_REBOOT_REQUIRED",
		0x80070020: "ERROR_SHARING_VIOLATION",
		0x80070643: "ERROR_INSTALL_FAILURE",
		0x80070570: "ERROR_FILE_CORRUPT",
		0x8007000E: "E_OUTOFMEMORY",
	} {
		assert.Equal(t, name, Decode(code).Name, "0x%08X", uint32(code))
	}
}
