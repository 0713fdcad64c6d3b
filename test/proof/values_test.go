package proof

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/internal/wine"
)

// The registry values a run saves before it deletes or resets them come
// back from /undo exactly, whatever their type, and with data that holds
// the state file's own separators (| between fields, * inside a registry
// record). The machine is WSUS-managed with a client identity stored,
// which the default plan deletes with /with:wsus-client-reset. As in
// TestEveryPlanAtFullStrengthIsUndone, a step Wine cannot carry out may
// fail the run (exit code 1); the values and the undo must not care.
func TestRegistryValuesComeBackExactly(t *testing.T) {
	t.Parallel()
	const wu = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate`
	values := []struct{ name, regLine, typ, data string }{
		{"SusClientId", `"SusClientId"="a|b*c|d"`, "REG_SZ", "a|b*c|d"},
		{"SusClientIDValidation", `"SusClientIDValidation"=hex:06,02,00,0c,7c,2a`, "REG_BINARY", "0602000C7C2A"},
		{"PingID", `"PingID"=dword:0000002a`, "REG_DWORD", "0x2a"},
		{"AccountDomainSid", `"AccountDomainSid"=hex(7):53,00,2d,00,31,00,00,00,7c,00,00,00,00,00`, "REG_MULTI_SZ", `S-1\0|`},
	}
	lines := []string{"Windows Registry Editor Version 5.00", "",
		`[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate]`, `"WUServer"="http://wsus.example:8530"`, "",
		`[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU]`, `"UseWUServer"=dword:00000001`, "",
		"[" + wu + "]"}
	for _, v := range values {
		lines = append(lines, v.regLine)
	}
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		seedReg(t, p, lines...)
		for _, v := range values {
			typ, data, err := p.Query(wu, v.name)
			require.NoError(t, err)
			require.Equal(t, v.typ+" "+v.data, typ+" "+data, "seeded %s", v.name)
		}
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		before := registry(t, p)

		r := p.Run(dir, "run.cmd", "/with:wsus-client-reset")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		for _, v := range values {
			_, _, err := p.Query(wu, v.name)
			assert.Error(t, err, "the run deletes %s", v.name)
		}
		state, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win10-0001.state`))
		require.NoError(t, err)
		assert.Contains(t, string(state), `|wsus-client-reset|regentry|HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate|SusClientId*REG_SZ*a|b*c|d`)

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		r.AssertNoErrors(t)
		for _, v := range values {
			typ, data, err := p.Query(wu, v.name)
			if assert.NoError(t, err, "undo writes %s back", v.name) {
				assert.Equal(t, v.typ+" "+v.data, typ+" "+data, v.name)
			}
		}
		sameRegistry(t, before, registry(t, p), "run then /undo")
		return false
	})
}

// The WinHTTP proxy reset saves the proxy of 64-bit programs and the copy
// 32-bit programs read under WOW6432Node, and /undo writes both back.
// netsh is a stub here: the test clears both values as the reset does.
func TestWinHTTPProxyOfBothViewsComesBack(t *testing.T) {
	t.Parallel()
	const (
		native = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`
		wow    = `HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`
		proxy  = `"WinHttpSettings"=hex:18,00,00,00,00,00,00,00,03,00,00,00,0e,00,00,00,70,72,6f,78,79,2e,6c,61,6e,3a,38,30,38,30,00,00,00,00`
	)
	wine.Retry(t, func() bool {
		p := machine(t, "win10")
		seedReg(t, p, "Windows Registry Editor Version 5.00", "", "["+native+"]", proxy, "", "["+wow+"]", proxy)
		dir := install(t, "win10", p.HostPath(`C:\wufix`))
		before := registry(t, p)

		r := p.Run(dir, "run.cmd", "/with:proxy-reset-winhttp")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr)
		state, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win10-0001.state`))
		require.NoError(t, err)
		assert.Contains(t, string(state), `|proxy-reset-winhttp|regentry|HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections|WinHttpSettings*REG_BINARY*`)
		assert.Contains(t, string(state), `|proxy-reset-winhttp|regentry|HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\Connections|WinHttpSettings*REG_BINARY*`)
		for _, key := range []string{native, wow} {
			r := p.RunAgain("", `C:\windows\system32\reg.exe`, "delete", key, "/v", "WinHttpSettings", "/f")
			require.Equal(t, 0, r.Code, r.Stdout)
		}

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		sameRegistry(t, before, registry(t, p), "the reset then /undo")
		return false
	})
}

// seedReg imports the lines, a .reg file's, into the prefix's registry.
func seedReg(t *testing.T, p *wine.Prefix, lines ...string) {
	t.Helper()
	file := p.HostPath(`C:\seed.reg`)
	data, err := dialect.Reg{}.Encode(strings.Join(lines, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, data, 0o644))
	out, err := p.ImportReg(file)
	require.NoError(t, err, out)
}
