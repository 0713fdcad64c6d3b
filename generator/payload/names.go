package payload

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Microsoft names its standalone packages after the Windows version, the
// KB number and the processor architecture:
//
//	windows6.1-kb947821-v34-x64.msu          Windows 7 / Server 2008 R2
//	windows10.0-kb5034441-x64_0a1b2c....msu  a catalog download (digest suffix)
//	WindowsXP-KB2347290-x86-ENU.exe          XP: Update.exe, with a language
//	WindowsServer2003.WindowsXP-KB...-x64-ENU.exe  Server 2003 and XP x64
var (
	ntName = regexp.MustCompile(`^windows(6\.0|6\.1|6\.2|6\.3|8-rt|8\.1|10\.0|11\.0)-kb[0-9]+(-[a-z0-9]+)*-(x86|x64|arm64|ia64)(_[0-9a-f]+)?\.(msu|cab|exe)$`)
	xpName = regexp.MustCompile(`^(windowsxp|windowsserver2003|windowsserver2003\.windowsxp)-kb[0-9]+(-[a-z0-9]+)*-(x86|x64|ia64)-[a-z]{3}\.exe$`)
)

// byVersion maps the version in a package name to the targets it serves.
// Names with "10.0" serve Windows 10, Server 2016 to 2022, the first
// Windows 11 release and (through the same servicing line) Server 2025
// alike, so they are not placed by name: payload.yaml says where they go.
// "11.0" names Windows 11 client packages; Server 2025 takes one only
// through payload.yaml, because the same prefix names Windows 11 updates
// that do not apply to it [L].
var byVersion = map[string][]string{
	"6.0":  {"vista"},
	"6.1":  {"win7"},
	"6.2":  {"win8"},
	"8-rt": {"win8"},
	"6.3":  {"win81"},
	"8.1":  {"win81"},
	"11.0": {"win11"},
}

// FromName returns the targets a package serves by its file name, or why
// its name does not say.
func FromName(name string, all []*catalog.Target) ([]string, string) {
	lower := strings.ToLower(name)
	var ids []string
	var arch string
	if m := ntName.FindStringSubmatch(lower); m != nil {
		if m[1] == "10.0" {
			return nil, "windows10.0 packages serve Windows 10, Server 2016 to 2022, Windows 11 and Server 2025 alike: name its targets in " + ManifestName
		}
		ids, arch = byVersion[m[1]], m[3]
	} else if m := xpName.FindStringSubmatch(lower); m != nil {
		// XP x64 is NT 5.2, the Server 2003 code base: its packages go to
		// the server2003 bundle, which serves both.
		ids, arch = []string{"server2003"}, m[3]
		if m[1] == "windowsxp" && arch == "x86" {
			ids = []string{"xp"}
		}
	} else {
		return nil, "the name does not say which Windows it is for: name its targets in " + ManifestName
	}
	var out []string
	for _, t := range all {
		if slices.Contains(ids, t.ID.Value) && slices.Contains(t.Arch, arch) {
			out = append(out, t.ID.Value)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("no target can use it: %s is not an architecture of %s", arch, strings.Join(ids, ", "))
	}
	return out, ""
}
