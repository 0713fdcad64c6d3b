package proof

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/internal/wine"
)

// Names in another alphabet than the console code page's: cmd reads text
// from a pipe or a file in that code page, where a Cyrillic letter on
// English Windows (cp437 here, as under Wine) is a question mark.

// expandSz is a .reg hex(2) value: REG_EXPAND_SZ data as UTF-16LE.
func expandSz(s string) string {
	var b []string
	for _, u := range append(utf16.Encode([]rune(s)), 0) {
		var two [2]byte
		binary.LittleEndian.PutUint16(two[:], u)
		b = append(b, fmt.Sprintf("%02x", two[0]), fmt.Sprintf("%02x", two[1]))
	}
	return "hex(2):" + strings.Join(b, ",")
}

// importUTF16 imports .reg text, written as regedit writes it (UTF-16LE
// with a BOM), so that names outside ASCII arrive intact.
func importUTF16(t *testing.T, p *wine.Prefix, text string) {
	t.Helper()
	u := utf16.Encode([]rune("\ufeff" + strings.ReplaceAll(text, "\n", "\r\n")))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	file := filepath.Join(p.HostPath(`C:\`), "profiles.reg")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	out, err := p.ImportReg(file)
	require.NoError(t, err, out)
}

// A profile whose user name is Cyrillic is found, with its libraries: a
// library location that is missing is created by backup-restore-folders
// and removed again by /undo. A library file is the user's to write: one
// whose location holds a double quote, which would end a quoted set and
// run the rest as a command, is named and not read.
func TestAProfileNamedInCyrillicIsFound(t *testing.T) {
	t.Parallel()
	const user = "Пётр Иванов"
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		importUTF16(t, p, "Windows Registry Editor Version 5.00\n\n"+
			`[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList]`+"\n"+
			`"ProfilesDirectory"=`+expandSz(`%SystemDrive%\users`)+"\n\n"+
			`[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\S-1-5-21-1-2-3-1001]`+"\n"+
			`"ProfileImagePath"=`+expandSz(`%SystemDrive%\users\`+user)+"\n")
		profile := p.HostPath(`C:\users\` + user)
		libs := filepath.Join(profile, "AppData", "Roaming", "Microsoft", "Windows", "Libraries")
		require.NoError(t, os.MkdirAll(libs, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(profile, "NTUSER.DAT"), []byte("regf"), 0o644))
		library := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<libraryDescription>\r\n  <searchConnectorDescriptionList>\r\n" +
			"    <searchConnectorDescription>\r\n      <simpleLocation>\r\n        <url>C:\\Reports\\2026</url>\r\n" +
			"      </simpleLocation>\r\n    </searchConnectorDescription>\r\n  </searchConnectorDescriptionList>\r\n</libraryDescription>\r\n"
		require.NoError(t, os.WriteFile(filepath.Join(libs, "Reports.library-ms"), []byte(library), 0o644))
		forged := strings.Replace(library, `C:\Reports\2026`, `C:\x" &amp; mkdir C:\pwned &amp; rem `, 1)
		require.NoError(t, os.WriteFile(filepath.Join(libs, "Forged.library-ms"), []byte(forged), 0o644))

		r := p.Run(dir, "run.cmd", "0x80070001", "/with:backup-restore-folders")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.Contains(t, r.Stdout, "  profile C:\\users\\???? ??????\n", "the name as cmd writes it in cp437")
		assert.Contains(t, r.Stdout, `created C:\Reports (empty; for C:\users\`)
		assert.DirExists(t, p.HostPath(`C:\Reports\2026`))
		assert.NoDirExists(t, p.HostPath(`C:\pwned`), "the forged location ran as a command")
		assert.Contains(t, r.Stdout, `Forged.library-ms includes a location whose name holds characters run.cmd cannot read from the library file (a location holding a double quote)`)

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Equal(t, 0, r.Code, r.Stdout+r.Stderr)
		assert.NoDirExists(t, p.HostPath(`C:\Reports`))
		return false
	})
}

// A folder renamed by the run under a path in another alphabet is put
// back by /undo: the state file holds such a path by the system folder it
// lies in (%ALLUSERSPROFILE% here), which cmd expands in full at /undo.
func TestACyrillicPathInTheStateFileIsUndone(t *testing.T) {
	t.Parallel()
	const all = `C:\ОбщиеДанные`
	wine.Retry(t, func() bool {
		p := machine(t, "win7")
		// Wine sets %ALLUSERSPROFILE% and %ProgramData% from this value.
		importUTF16(t, p, "Windows Registry Editor Version 5.00\n\n"+
			`[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList]`+"\n"+
			`"ProgramData"=`+expandSz(all)+"\n")
		dir := install(t, "win7", p.HostPath(`C:\wufix`))
		queue := p.HostPath(all + `\Microsoft\Network\Downloader`)
		require.NoError(t, os.MkdirAll(queue, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(queue, "qmgr0.dat"), []byte("queue"), 0o644))

		r := p.Run(dir, "run.cmd")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 1, 3010}, r.Code, r.Stdout+r.Stderr)
		assert.NoFileExists(t, filepath.Join(queue, "qmgr0.dat"))
		assert.FileExists(t, filepath.Join(queue, "qmgr0.dat.wufix-1"))
		state, err := os.ReadFile(p.HostPath(`C:\windows\Logs\wufix\win7-0001.state`))
		require.NoError(t, err)
		assert.Contains(t, string(state), `|component-reset|rename|<ALLUSERSPROFILE>\Microsoft\Network\Downloader\qmgr0.dat|qmgr0.dat.wufix-1`)
		assert.Contains(t, string(state), `|component-reset|rename|C:\windows\SoftwareDistribution|SoftwareDistribution.wufix-1`, "a path the code page holds is written as it is")
		assert.NotContains(t, r.Stdout, "warning: the state file cannot hold")

		r = p.Run(dir, "run.cmd", "/undo")
		if wine.Flake(r) {
			return true
		}
		require.Contains(t, []int{0, 3010}, r.Code, r.Stdout+r.Stderr)
		data, err := os.ReadFile(filepath.Join(queue, "qmgr0.dat"))
		require.NoError(t, err, r.Stdout+r.Stderr)
		assert.Equal(t, "queue", string(data))
		assert.NoFileExists(t, filepath.Join(queue, "qmgr0.dat.wufix-1"))
		return false
	})
}
