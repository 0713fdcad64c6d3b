package generator_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator"
)

// TestCatalogRules covers the cross-file rules and the inputs that used to
// panic the loader: each case is one error, exactly, at its position.
func TestCatalogRules(t *testing.T) {
	cases := []struct {
		name    string
		changes func(t *testing.T) map[string]string
		want    []string
	}{
		{"unfixable step not in the catalog", func(t *testing.T) map[string]string {
			return map[string]string{"templates/catalog.yaml": edit(t, "templates/catalog.yaml", "unfixable: [clock-check,", "unfixable: [clock-chek,")}
		}, []string{`templates/catalog.yaml:14:15: intune.unfixable: step "clock-chek" is not in the catalog`}},
		{"no cool-down", func(t *testing.T) map[string]string {
			return map[string]string{"templates/catalog.yaml": edit(t, "templates/catalog.yaml", "cooldown_days: 7", "cooldown_days: 0")}
		}, []string{`templates/catalog.yaml:12:3: intune.cooldown_days: 0 is not a number of days (1 or more)`}},
		{"code in two plans", func(t *testing.T) map[string]string {
			return in(t, "templates/plans/service-disabled.yaml", `codes: ["0x80070422"`, `, "0x80070005"`)
		}, []string{`templates/plans/service-disabled.yaml:7:23: error code 0x80070005 is answered by plan "access-denied" already (templates/plans/access-denied.yaml:9:9)`}},
		{"overlapping builds", func(t *testing.T) map[string]string {
			return map[string]string{"targets/win11.yaml": edit(t, "targets/win11.yaml", "min: 22000", "min: 19000")}
		}, []string{`targets/win11.yaml:14:1: builds 19000 to 29999 of target win11 overlap 10240 to 19045 of target win10 for product workstation: one computer would fit both bundles`}},
		{"step twice in a plan", func(t *testing.T) map[string]string {
			return in(t, "templates/plans/service-disabled.yaml", "  - service-health\n", "  - service-health\n")
		}, []string{`templates/plans/service-disabled.yaml:10:5: plan "service-disabled" names step "service-health" twice`}},
		{"tool path climbs out", func(t *testing.T) map[string]string {
			return map[string]string{"templates/tools.yaml": edit(t, "templates/tools.yaml", `'System32\sc.exe'`, `'..\Temp\sc.exe'`)}
		}, []string{`templates/tools.yaml:31:20: tool "sc": path "..\\Temp\\sc.exe" climbs out of %SystemRoot% with ".."`}},
		{"tool path with a quote", func(t *testing.T) map[string]string {
			return map[string]string{"templates/tools.yaml": edit(t, "templates/tools.yaml", `'System32\sc.exe'`, `'System32\sc.exe" & calc "'`)}
		}, []string{`templates/tools.yaml:31:20: tool "sc": path "System32\\sc.exe\" & calc \"" holds a character cmd would read (" % ! ^ & | < > or a line break)`}},
		{"tool path with a variable", func(t *testing.T) map[string]string {
			return map[string]string{"templates/tools.yaml": edit(t, "templates/tools.yaml", `'System32\sc.exe'`, `'%PATH%\sc.exe'`)}
		}, []string{`templates/tools.yaml:31:20: tool "sc": path "%PATH%\\sc.exe" holds a character cmd would read (" % ! ^ & | < > or a line break)`}},
		{"package step not long", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/offline-install-msu/step.yaml": edit(t, "templates/steps/offline-install-msu/step.yaml", "long: true", "long: false")}
		}, []string{`templates/steps/offline-install-msu/step.yaml:19:32: step "offline-install-msu" uses lib "packages" and must be long: true (under /gpo only the deferred task has the packages)`}},
		{"long step not at the default level", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/system-files-dism/step.yaml": edit(t, "templates/steps/system-files-dism/step.yaml", "level: default", "level: aggressive")}
		}, []string{`templates/steps/system-files-dism/step.yaml:27:1: step "system-files-dism" is long: true and must be level default (under /gpo the deferred task runs without /aggressive or /with:)`}},
		{"plan saved as yml", func(t *testing.T) map[string]string {
			return map[string]string{"templates/plans/extra.yml": "id: extra\n"}
		}, []string{`templates/plans/extra.yml:1:1: unexpected file "extra.yml": templates/plans holds only *.yaml`}},
		{"stray file in a step folder", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/component-reset/notes.yaml": "todo: x\n"}
		}, []string{`templates/steps/component-reset/notes.yaml:1:1: unexpected file "notes.yaml": templates/steps/component-reset holds only step.yaml, cmd.tmpl`}},
		{"empty target service", func(t *testing.T) map[string]string {
			return in(t, "targets/win7.yaml", "services:\n", "  newsvc:\n")
		}, []string{`targets/win7.yaml:20:3: empty entry: a service needs its start type and a source`}},
		{"empty target tool", func(t *testing.T) map[string]string {
			return in(t, "targets/win7.yaml", "tools:\n", "  zzz:\n")
		}, []string{`targets/win7.yaml:27:3: empty entry: a tool needs a source and a confidence`}},
		{"empty tools.yaml entry", func(t *testing.T) map[string]string {
			return map[string]string{"templates/tools.yaml": edit(t, "templates/tools.yaml", "sc:               {path: 'System32\\sc.exe', what: service control manager client}", "sc:")}
		}, []string{`templates/tools.yaml:31:1: empty entry: a tool needs a path and what`}},
		{"empty errors.yaml item", func(t *testing.T) map[string]string {
			return map[string]string{"templates/errors.yaml": edit(t, "templates/errors.yaml", "\n- code: \"0x80070002\"", "\n-\n- code: \"0x80070002\"")}
		}, []string{`templates/errors.yaml:7:2: empty item`}},
		{"empty refused.yaml item", func(t *testing.T) map[string]string {
			return map[string]string{"templates/refused.yaml": edit(t, "templates/refused.yaml", "\n- id: rename-sppsvc", "\n-\n- id: rename-sppsvc")}
		}, []string{`templates/refused.yaml:7:2: empty item`}},
		{"file too large", func(t *testing.T) map[string]string {
			return in(t, "templates/sources.yaml", "\n", "#"+strings.Repeat("x", 1<<20)+"\n")
		}, []string{`templates/sources.yaml:1:1: file is larger than 1024 KiB, the limit for a catalog file`}},
		{"missing title", func(t *testing.T) map[string]string {
			return map[string]string{"templates/plans/service-disabled.yaml": edit(t, "templates/plans/service-disabled.yaml", "title: Enable the update services again\n", "")}
		}, []string{`templates/plans/service-disabled.yaml:2:1: title is required`}},
		{"a step that fails to load is one error", func(t *testing.T) map[string]string {
			return in(t, "templates/steps/component-reset/step.yaml", "risk: low\n", "colour: blue\n")
		}, []string{`templates/steps/component-reset/step.yaml:25:1: unknown key "colour"`}},
		{"a tool every target lacks is one error", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/component-reset/step.yaml": edit(t, "templates/steps/component-reset/step.yaml", "tools: [sc, ping]", "tools: [sc, ping, nosuchtool]")}
		}, []string{`templates/steps/component-reset/step.yaml:12:21: step "component-reset" requires unknown tool "nosuchtool"`}},
		{"bad confidence", func(t *testing.T) map[string]string {
			return map[string]string{"targets/win7.yaml": edit(t, "targets/win7.yaml", "certutil: {source: MEMORY, confidence: M}", "certutil: {source: MEMORY, confidence: X}")}
		}, []string{`targets/win7.yaml:28:30: tools.certutil.confidence: "X" is not one of "H", "M", "L"`}},
		{"registry value type", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/driver-updates-exclude/step.yaml": edit(t, "templates/steps/driver-updates-exclude/step.yaml", "type: dword", "type: qword")}
		}, []string{`templates/steps/driver-updates-exclude/step.yaml:24:49: registry value "ExcludeWUDriversInQualityUpdate" type: "qword" is not one of "string", "expand", "multi", "dword"`}},
		{"unknown feature in a step's when", func(t *testing.T) map[string]string {
			return in(t, "templates/steps/wimmount-repair/step.yaml", "when: {features: [wimmount", ", wimount")
		}, []string{`templates/steps/wimmount-repair/step.yaml:15:29: step "wimmount-repair": when names unknown feature "wimount" (not in templates/features.yaml)`}},
		{"a step that lists target ids", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/wimmount-repair/step.yaml": edit(t, "templates/steps/wimmount-repair/step.yaml", "when: {features: [wimmount]}", "targets: [win7]")}
		}, []string{`templates/steps/wimmount-repair/step.yaml:15:11: step "wimmount-repair" names target "win7": say where it applies with when (tools, features, nt, products), or targets: [all]`}},
		{"a malformed nt condition", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/spupdsvc-rename/step.yaml": edit(t, "templates/steps/spupdsvc-rename/step.yaml", `nt: ">=10.0"`, `nt: ">=ten"`)}
		}, []string{`templates/steps/spupdsvc-rename/step.yaml:16:12: step "spupdsvc-rename": when nt: "ten" is not an NT version such as 6.1 (write >=6.2, <10.0 or 6.1)`}},
		{"unknown feature in a target", func(t *testing.T) map[string]string {
			return in(t, "targets/win7.yaml", "features:\n", "  wimount: {source: MEMORY, confidence: M}\n")
		}, []string{`targets/win7.yaml:65:3: unknown feature "wimount" (not in templates/features.yaml)`}},
		{"wow64 that disagrees with arch", func(t *testing.T) map[string]string {
			return map[string]string{"targets/win7.yaml": edit(t, "targets/win7.yaml", "arch: [x86, x64]", "arch: [x86]")}
		}, []string{`targets/win7.yaml:10:1: arch x86 and feature wow64 disagree: a target with x64 or arm64 editions has wow64, an x86-only one has not`}},
		{"a required step whose tool a target lacks", func(t *testing.T) map[string]string {
			return in(t, "templates/plans/service-disabled.yaml", "  - service-health\n", "  - system-files-dism\n")
		}, []string{`templates/plans/service-disabled.yaml:10:5: plan "service-disabled" names step "system-files-dism", which does not apply to Windows XP SP3 (target xp): system-files-dism needs tool dism-restorehealth, which Windows XP SP3 lacks`}},
		{"has names neither a tool nor a feature", func(t *testing.T) map[string]string {
			return map[string]string{"templates/steps/driver-updates-exclude/cmd.tmpl": edit(t, "templates/steps/driver-updates-exclude/cmd.tmpl", `has "builds-before-1607"`, `has "builds-before-16O7"`)}
		}, []string{`templates/steps/driver-updates-exclude/cmd.tmpl:2:8: bundle: render win10/run.cmd: executing "do" at <has "builds-before-16O7">: error calling has: has "builds-before-16O7": neither a tool (templates/tools.yaml) nor a feature (templates/features.yaml)`}},
		{"a package name that is not a name word", func(t *testing.T) map[string]string {
			return map[string]string{"targets/win7.yaml": edit(t, "targets/win7.yaml", "package_names: [windows6.1,", "package_names: [Windows6.1-KB,")}
		}, []string{"targets/win7.yaml:13:17: package_names: \"Windows6.1-KB\" is not a lower-case name word, optionally /x86, /x64, /arm64 or /ia64"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generator.Build(overlay(t, tc.changes(t)), generator.Options{})
			require.Error(t, err)
			t.Logf("%q", err.Error())
			assert.Equal(t, tc.want, strings.Split(err.Error(), "\n"))
		})
	}
}
