package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireSignEnv names the variable that turns missing signing tools from a
// skip into a failure, so that CI cannot pass with every signing test
// skipped.
const requireSignEnv = "WUFIX_REQUIRE_SIGN"

var signNotice sync.Once

// signTools skips the test (fails it under WUFIX_REQUIRE_SIGN=1) when
// osslsigncode or openssl is missing.
func signTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"osslsigncode", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s is not installed (apt-get install osslsigncode openssl): signing is not tested", tool)
			if os.Getenv(requireSignEnv) == "1" {
				t.Fatal(msg + " and " + requireSignEnv + "=1")
			}
			signNotice.Do(func() { fmt.Fprintln(os.Stderr, "SKIP: "+msg) })
			t.Skip(msg)
		}
	}
}

// testCert makes a throwaway code-signing certificate, self-signed, and
// returns the certificate and key files (PEM) and a PKCS#12 of both with
// the password "secret".
func testCert(t *testing.T) (cert, key, pfx string) {
	t.Helper()
	dir := t.TempDir()
	cert, key, pfx = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pfx")
	run := func(args ...string) {
		out, err := exec.Command("openssl", args...).CombinedOutput()
		require.NoError(t, err, "openssl %v: %s", args, out)
	}
	run("req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "30", "-nodes", "-subj", "/CN=wufix test signing",
		"-addext", "extendedKeyUsage=codeSigning", "-keyout", key, "-out", cert)
	run("pkcs12", "-export", "-in", cert, "-inkey", key, "-out", pfx, "-passout", "pass:secret")
	return cert, key, pfx
}

// osslVerify runs osslsigncode verify against the test CA. Without
// -CAfile a failed verification still exits 0, so the text is checked too.
func osslVerify(t *testing.T, ca, file string) (bool, string) {
	t.Helper()
	out, err := exec.Command("osslsigncode", "verify", "-CAfile", ca, "-in", file).CombinedOutput()
	ok := err == nil && bytes.Contains(out, []byte("Signature verification: ok")) && !bytes.Contains(out, []byte("Signature verification: failed"))
	return ok, string(out)
}

// cab is a minimal cabinet file holding one stored file: enough for
// osslsigncode, which signs the cabinet structure, not its contents.
func cab(name, data string) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	const header, folder = 36, 8
	fileEntry := 16 + len(name) + 1
	dataStart := header + folder + fileEntry
	total := dataStart + 8 + len(data)
	b.WriteString("MSCF")
	le(uint32(0))
	le(uint32(total))
	le(uint32(0))
	le(uint32(header + folder)) // first CFFILE
	le(uint32(0))
	b.Write([]byte{3, 1}) // version 1.3
	le(uint16(1))         // folders
	le(uint16(1))         // files
	le(uint16(0))         // flags
	le(uint16(0))         // set id
	le(uint16(0))         // cabinet number
	le(uint32(dataStart)) // CFFOLDER: first CFDATA
	le(uint16(1))         // CFDATA blocks
	le(uint16(0))         // stored
	le(uint32(len(data))) // CFFILE
	le(uint32(0))
	le(uint16(0))
	le(uint16(0x5b21)) // 2025-09-01
	le(uint16(0))
	le(uint16(0x20))
	b.WriteString(name + "\x00")
	le(uint32(0)) // CFDATA: no checksum
	le(uint16(len(data)))
	le(uint16(len(data)))
	b.WriteString(data)
	return b.Bytes()
}

func TestSignedBuild(t *testing.T) {
	signTools(t)
	cert, key, pfx := testCert(t)
	payloads := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(payloads, "extra.cab"), cab("a.txt", "hello"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(payloads, "payload.yaml"), []byte("files:\n  - file: extra.cab\n    targets: [win10]\n"), 0o644))

	var builds []map[string]string
	for _, args := range [][]string{
		{"--sign-cert", cert, "--sign-key", key},
		{"--sign-cert", cert, "--sign-key", key},
		{"--pfx", pfx},
	} {
		t.Setenv("WUFIX_PFX_PASSWORD", "secret")
		dir := t.TempDir()
		code, _, errOut := runCLI(append([]string{"build", "--out", dir, "--target", "win10", "--target", "xp", "--payload", payloads}, args...)...)
		require.Equal(t, 0, code, errOut)
		for _, f := range []string{"win10/run.ps1", "intune/detect.ps1", "intune/remediate.ps1", "win10/packages/extra.cab"} {
			ok, out := osslVerify(t, cert, filepath.Join(dir, f))
			assert.True(t, ok, "%s: %s", f, out)
		}
		code, out, _ := runCLI("verify", dir)
		assert.Equal(t, 0, code, "signed before summing: %s", out)
		builds = append(builds, snapshot(t, dir))
	}
	assert.Equal(t, builds[0], builds[1], "signing is reproducible: fixed time, no timestamp server")
	assert.Equal(t, builds[0]["win10/run.ps1"], builds[2]["win10/run.ps1"], "the PFX holds the same key")

	// A changed signed script no longer verifies.
	dir := t.TempDir()
	p := filepath.Join(dir, "run.ps1")
	require.NoError(t, os.WriteFile(p, bytes.Replace([]byte(builds[0]["win10/run.ps1"]), []byte("Set-StrictMode"), []byte("Set-strictMode"), 1), 0o644))
	ok, out := osslVerify(t, cert, p)
	assert.False(t, ok, out)
}

func TestSignErrors(t *testing.T) {
	signTools(t)
	cert, key, _ := testCert(t)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate\n"), 0o600))
	cases := []struct {
		name string
		args []string
		path string
		want string
	}{
		{"not a certificate", []string{"--sign-cert", bad, "--sign-key", key}, "",
			"wufix: sign win7/run.ps1: exit status 255: No certificate found; Failed to read key or certificates"},
		{"no osslsigncode", []string{"--sign-cert", cert, "--sign-key", key}, t.TempDir(),
			"wufix: sign: osslsigncode is not installed (apt-get install osslsigncode): it signs the .ps1 and .cab files\n"},
		{"key without certificate", []string{"--sign-key", key}, "",
			"wufix: sign: --sign-cert and --sign-key go together\n"},
		{"both kinds of key", []string{"--sign-cert", cert, "--sign-key", key, "--pfx", cert}, "",
			"wufix: sign: give either --pfx or --sign-cert with --sign-key, not both\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path != "" {
				t.Setenv("PATH", tc.path)
			}
			dir := t.TempDir()
			code, _, errOut := runCLI(append([]string{"build", "--out", dir, "--target", "win7"}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.True(t, strings.HasPrefix(errOut, tc.want), errOut)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
		})
	}
}
