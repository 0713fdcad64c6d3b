package wine

import (
	"os"
)

// InstallGoRuntime lets Go-built Windows programs run in the prefix: it
// places the bcryptprimitives.dll stand-in in C:\windows\system32, where
// Go's runtime looks for it (LOAD_LIBRARY_SEARCH_SYSTEM32: a copy beside
// the program is not found).
func (p *Prefix) InstallGoRuntime() {
	p.t.Helper()
	data, err := os.ReadFile(prngTool.get(p.t))
	if err != nil {
		p.t.Fatal(err)
	}
	host := p.HostPath(`C:\windows\system32\bcryptprimitives.dll`)
	if err := os.WriteFile(host, data, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
