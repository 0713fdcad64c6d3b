package wine

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// ImportReg imports a .reg file (a host path) with "reg import". Wine's
// importer skips lines it does not understand and still exits 0, so any
// output at all counts as a failure, as does a non-zero exit. The output is
// returned either way for the failure message.
func (p *Prefix) ImportReg(file string) (string, error) {
	p.t.Helper()
	out := p.wine("", "reg", "import", p.WinPath(file))
	text := decode(out.stdout) + decode(out.stderr)
	if out.code != 0 || text != "" {
		return text, fmt.Errorf("reg import %s: exit %d: %s", file, out.code, strings.TrimSpace(text))
	}
	return "", nil
}

// ExportKey returns the bytes "reg export KEY file /y" writes: a version
// 5.00 file in UTF-16LE, laid out as regedit lays it out (regread.Parse
// reads it). Wine lists values in name order, not in creation order.
func (p *Prefix) ExportKey(key string) ([]byte, error) {
	p.t.Helper()
	file := p.harnessFile("export", ".reg")
	out := p.wine("", "reg", "export", key, file, "/y")
	if text := decode(out.stdout) + decode(out.stderr); out.code != 0 || text != "" {
		return nil, fmt.Errorf("reg export %s: exit %d: %s", key, out.code, strings.TrimSpace(text))
	}
	host := p.HostPath(file)
	defer os.Remove(host)
	return os.ReadFile(host)
}

// Query returns the type (REG_SZ, REG_DWORD...) and the data of one value
// as "reg query KEY /v NAME" prints them ("" queries the default value with
// /ve). DWORDs read 0x..., multi-strings a\0b, as on Windows.
func (p *Prefix) Query(key, value string) (typ, data string, err error) {
	p.t.Helper()
	args := []string{"reg", "query", key, "/v", value}
	if value == "" {
		args = []string{"reg", "query", key, "/ve"}
	}
	out := p.wine("", args...)
	text := decode(out.stdout)
	if out.code != 0 {
		return "", "", fmt.Errorf("reg query %s %q: exit %d: %s", key, value, out.code, strings.TrimSpace(text))
	}
	name := value
	if name == "" {
		name = "(Default)"
	}
	// Lines read "    NAME    REG_TYPE    DATA"; the four-space separators
	// are fixed, so split on them rather than on any whitespace.
	for _, line := range strings.Split(text, "\n") {
		fields := strings.SplitN(strings.TrimPrefix(line, "    "), "    ", 3)
		if len(fields) >= 2 && strings.EqualFold(fields[0], name) && strings.HasPrefix(fields[1], "REG_") {
			if len(fields) == 3 {
				data = fields[2]
			}
			return fields[1], data, nil
		}
	}
	return "", "", fmt.Errorf("reg query %s %q: no value line in:\n%s", key, value, text)
}

// Snapshot returns branches of HKEY_LOCAL_MACHINE (subkeys such as
// "SOFTWARE") as text for before-and-after comparisons, 20 times faster
// than ExportKey: the wineserver writes each branch itself (RegSaveKey,
// through the harness's regsave.exe) instead of reg.exe walking it a key
// at a time. Each key that has values, or no subkeys, is a line
// "[HKEY_LOCAL_MACHINE\SOFTWARE\...]" followed by its values in name order,
// in Wine's system.reg notation ("name"="text", dword:0000000a,
// str(2):"%x%"...); a key with only subkeys shows through them. Key
// modification times are left out, and volatile keys, which only Wine
// itself makes, are not saved.
func (p *Prefix) Snapshot(subkeys ...string) (string, error) {
	p.t.Helper()
	exe := harnessDir + `\regsave.exe`
	if _, err := os.Stat(p.HostPath(exe)); err != nil {
		data, err := os.ReadFile(regsaveTool.get(p.t))
		if err == nil {
			err = os.WriteFile(p.HostPath(exe), data, 0o755)
		}
		if err != nil {
			return "", fmt.Errorf("regsave: %w", err)
		}
	}
	args := []string{exe}
	files := map[string]string{}
	for _, sub := range subkeys {
		files[sub] = p.harnessFile("save", ".txt")
		args = append(args, sub, files[sub])
	}
	out := p.wine("", args...)
	if text := decode(out.stdout) + decode(out.stderr); out.code != 0 || text != "" {
		return "", fmt.Errorf("regsave %s: exit %d: %s", strings.Join(subkeys, " "), out.code, strings.TrimSpace(text))
	}
	var b strings.Builder
	for _, sub := range subkeys {
		host := p.HostPath(files[sub])
		data, err := os.ReadFile(host)
		os.Remove(host)
		if err != nil {
			return "", fmt.Errorf("regsave %s: %w", sub, err)
		}
		savedBranch(&b, `HKEY_LOCAL_MACHINE\`+sub, string(data))
	}
	return b.String(), nil
}

// savedKey matches a key line of Wine's registry files: the path relative
// to the saved branch, backslashes doubled, then the modification time.
var savedKey = regexp.MustCompile(`^\[(.*)\] [0-9]+$`)

// savedBranch writes a branch saved by the wineserver to b, keys named in
// full, without the file header, modification times and blank lines.
func savedBranch(b *strings.Builder, root, saved string) {
	for _, line := range strings.Split(saved, "\n") {
		switch {
		case line == "", strings.HasPrefix(line, "WINE REGISTRY Version"), strings.HasPrefix(line, ";;"),
			strings.HasPrefix(line, "#time="), strings.HasPrefix(line, "#arch="):
			continue
		case savedKey.MatchString(line):
			path := strings.ReplaceAll(savedKey.FindStringSubmatch(line)[1], `\\`, `\`)
			if path != "" {
				path = `\` + path
			}
			b.WriteString("[" + root + path + "]\n")
		default:
			b.WriteString(line + "\n")
		}
	}
}
