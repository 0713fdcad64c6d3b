package wine

import (
	"os"
	"path/filepath"
	"strings"
)

// InstallStub replaces C:\windows\system32\NAME.exe with the recording stub
// and returns that Windows path. Generated scripts call tools by absolute
// path (%SystemRoot%\System32\sfc.exe), so the stub has to sit there; Wine
// would still run its own built-in sc.exe, reg.exe... over a file in
// system32, so the prefix's runs also get the DLL override NAME.exe=n.
func (p *Prefix) InstallStub(name string) string {
	p.t.Helper()
	name = strings.TrimSuffix(strings.ToLower(name), ".exe")
	return p.InstallStubAt(`C:\windows\system32\` + name + ".exe")
}

// InstallStubAt is InstallStub for a program outside system32 itself
// (C:\windows\system32\WindowsPowerShell\v1.0\powershell.exe): the stub
// takes the path's base name.
func (p *Prefix) InstallStubAt(win string) string {
	p.t.Helper()
	name := strings.TrimSuffix(strings.ToLower(win[strings.LastIndexByte(win, '\\')+1:]), ".exe")
	data, err := os.ReadFile(stubTool.get(p.t))
	if err != nil {
		p.t.Fatal(err)
	}
	host := p.HostPath(win)
	if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
		p.t.Fatal(err)
	}
	// The file may be a hard link into the template: replace, never write.
	if err := os.Remove(host); err != nil && !os.IsNotExist(err) {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(host, data, 0o755); err != nil {
		p.t.Fatal(err)
	}
	p.overrides = append(p.overrides, name+".exe=n")
	return win
}

// StubCall is one recorded call of a stub.
type StubCall struct {
	Name        string   // lower-case base name: "sfc"
	CommandLine string   // the raw command line, as the program received it
	Args        []string // the arguments after the program name, parsed by the C runtime
}

// StubCalls returns the calls recorded so far in this prefix, oldest first.
func (p *Prefix) StubCalls() []StubCall {
	p.t.Helper()
	data, err := os.ReadFile(p.HostPath(harnessDir + `\stub.log`))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		p.t.Fatal(err)
	}
	var calls []StubCall
	for _, rec := range strings.Split(string(data), "\x1e\n") {
		if rec == "" {
			continue
		}
		fields := strings.Split(rec, "\x1f")
		if len(fields) < 2 {
			p.t.Fatalf("stub log: malformed record %q", rec)
		}
		calls = append(calls, StubCall{Name: fields[0], CommandLine: fields[1], Args: fields[2:]})
	}
	return calls
}
