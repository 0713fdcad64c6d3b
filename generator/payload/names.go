package payload

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// A family is one way Microsoft names standalone packages, on the Update
// Catalog or the Download Center. Each pattern matches a lower-cased name
// and captures the Windows it is for (ver) and its architecture (arch);
// parts that say neither (a package revision, SP3, a language, "custom",
// "wave1", "multipkg", a catalog digest) are allowed and ignored.
type family struct {
	name    string
	pattern *regexp.Regexp
}

// families, with an example of each. The lazy run before the architecture
// keeps "-v3-x86" and "-sp3-x86" from being read as architectures.
var families = []family{
	// windows6.1-kb947821-v34-x64.msu, windows10.0-kb5034441-x64_0a1b2c.msu,
	// Windows6.0-KB936330-X86-wave1.exe, Windows6.1-KB2819745-x64-MultiPkg.msu
	{"windowsN.N-kb", regexp.MustCompile(`^(?P<ver>windows(?:6\.0|6\.1|6\.2|6\.3|8-rt|8\.1|10\.0|11\.0))-kb\d+(?:-[a-z0-9]+)*?-(?P<arch>x86|x64|arm64|ia64)(?:-[a-z0-9]+)*(?:_[0-9a-f]+)?\.(?:msu|cab|exe)$`)},
	// WindowsXP-KB2347290-x86-ENU.exe, WindowsXP-KB4012598-x86-Custom-ENU.exe,
	// WindowsXP-KB942288-v3-x86.exe, WindowsServer2003.WindowsXP-KB914961-SP2-x64-ENU.exe
	{"WindowsXP-KB", regexp.MustCompile(`^(?P<ver>windowsxp|windowsserver2003|windowsserver2003\.windowsxp)-kb\d+(?:-[a-z0-9]+)*?-(?P<arch>x86|x64|ia64)(?:-custom)?(?:-[a-z]{3})?\.exe$`)},
	// Windows Management Framework: W2K12-KB3191565-x64.msu,
	// Win8.1AndW2K12R2-KB3191564-x64.msu, Win7AndW2K8R2-KB3191566-x64.msu
	// (from the .zip it ships in)
	{"Win7AndW2K8R2-KB", regexp.MustCompile(`^(?P<ver>win7andw2k8r2|win7|w2k8r2|w2k8|win8\.1andw2k12r2|win8\.1|w2k12r2|w2k12)-kb\d+(?:-[a-z0-9]+)*?-(?P<arch>x86|x64|arm64)\.msu$`)},
	// Internet Explorer: IE11-Windows6.1-x64-en-us.exe, IE9-Windows6.0-x86-enu.exe,
	// IE8-WindowsXP-x86-ENU.exe, IE8-WindowsServer2003-x64-ENU.exe
	{"IE11-Windows6.1", regexp.MustCompile(`^ie\d+-(?P<ver>windows6\.0|windows6\.1|windowsxp|windowsserver2003)-(?P<arch>x86|x64|ia64)(?:-(?:[a-z]{2}-[a-z]{2}|[a-z]{3}))?\.exe$`)},
	// Updates of Internet Explorer: Update.exe packages for XP and 2003,
	// IE8-WindowsXP-KB2964358-x86-ENU.exe, IE8-WindowsServer2003-KB2964358-x64-ENU.exe,
	// IE6-WindowsServer2003.WindowsXP-KB2964358-x64-ENU.exe (XP x64 shares 2003's)
	{"IE8-WindowsXP-KB", regexp.MustCompile(`^ie\d+-(?P<ver>windowsxp|windowsserver2003|windowsserver2003\.windowsxp)-kb\d+(?:-[a-z0-9]+)*?-(?P<arch>x86|x64|ia64)(?:-[a-z]{3})?\.exe$`)},
	// and .msu files for Vista and 7: IE9-Windows6.0-KB2964358-x86.msu,
	// IE11-Windows6.1-KB2964358-x64.msu
	{"IE11-Windows6.1-KB", regexp.MustCompile(`^ie\d+-(?P<ver>windows6\.0|windows6\.1)-kb\d+(?:-[a-z0-9]+)*?-(?P<arch>x86|x64)\.msu$`)},
}

// byVersion maps the Windows a name says to the targets whose packages it
// names, from each target's package_names (targets/*.yaml, where the
// reasons are noted). A name qualified by an architecture
// ("windowsxp/x64") maps that architecture only. "windows10.0" is in no
// target's list: such names serve Windows 10, Server 2016 to 2022, the
// first Windows 11 release and Server 2025 alike, so payload.yaml says
// where they go.
func byVersion(all []*catalog.Target) map[string][]string {
	out := map[string][]string{}
	for _, t := range all {
		for _, n := range t.PackageNames {
			out[n.Value] = append(out[n.Value], t.ID.Value)
		}
	}
	return out
}

// FromName returns the targets a package serves by its file name, or why
// its name does not say.
func FromName(name string, all []*catalog.Target) ([]string, string) {
	ver, arch, ok := parseName(strings.ToLower(name))
	if !ok {
		return nil, "the name does not say which Windows it is for: name its targets in " + ManifestName
	}
	names := byVersion(all)
	ids, found := names[ver+"/"+arch]
	if !found {
		ids, found = names[ver]
	}
	if !found && ver == "windows10.0" {
		return nil, ver + " packages serve Windows 10, Server 2016 to 2022, Windows 11 and Server 2025 alike: name its targets in " + ManifestName
	}
	if !found {
		return nil, fmt.Sprintf("no target can use it: %s has no %s edition", ver, arch)
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

// parseName reads the Windows and the architecture from a lower-cased
// name, by the first family it fits.
func parseName(name string) (ver, arch string, ok bool) {
	for _, f := range families {
		m := f.pattern.FindStringSubmatch(name)
		if m != nil {
			return m[f.pattern.SubexpIndex("ver")], m[f.pattern.SubexpIndex("arch")], true
		}
	}
	return "", "", false
}
