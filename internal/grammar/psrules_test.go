//go:build cgo && grammar

package grammar

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// featureSamples holds, for every entry of features, a script that uses it
// once and where the finding must point.
var featureSamples = map[string]struct{ src, at string }{
	"[ordered]":                {"$h = [ordered]@{ a = 1 }", "1:6"},
	"[pscustomobject]":         {"$o = [PSCustomObject]@{ a = 1 }", "1:6"},
	"-in":                      {"if ('a' -in $list) { }", "1:9"},
	"-notin":                   {"if ('a' -NotIn $list) { }", "1:9"},
	"-shl":                     {"$n = 1 -shl 3", "1:8"},
	"-shr":                     {"$n = 8 -shr 3", "1:8"},
	"$PSScriptRoot":            {"$log = \"$PSScriptRoot\\repair.log\"", "1:9"},
	"$PSCommandPath":           {"$me = ${PSCommandPath}", "1:7"},
	"$PSItem":                  {"Get-Service | ForEach-Object { $PSItem.Name }", "1:32"},
	"$using:":                  {"Invoke-Command -ComputerName pc { $using:name }", "1:35"},
	"ConvertTo-Json":           {"$j = $o | ConvertTo-Json", "1:11"},
	"ConvertFrom-Json":         {"$o = Get-Content x.json | ConvertFrom-Json", "1:27"},
	"Invoke-WebRequest":        {"iwr http://example.invalid/ -OutFile x", "1:1"},
	"Invoke-RestMethod":        {"$r = Invoke-RestMethod -Uri $u", "1:6"},
	"Get-CimInstance":          {"Get-CimInstance Win32_OperatingSystem", "1:1"},
	"Invoke-CimMethod":         {"Invoke-CimMethod -ClassName X -MethodName Y", "1:1"},
	"Unblock-File":             {"Unblock-File -Path x", "1:1"},
	"Get-Content -Raw":         {"$t = Get-Content -Path x -Raw", "1:6"},
	"Get-ChildItem -File":      {"gci C:\\Windows -File", "1:1"},
	"Get-ChildItem -Directory": {"dir -Directory", "1:1"},
	"Where-Object/ForEach-Object without a script block": {"Get-Service | Where-Object Status -eq Running", "1:15"},
	"Get-FileHash":      {"Microsoft.PowerShell.Utility\\Get-FileHash x", "1:1"},
	"-PipelineVariable": {"Get-Service -PipelineVariable svc | ForEach-Object { $svc }", "1:13"},
	".Where()":          {"$l = $list.Where({ $_ })", "1:6"},
	"class":             {"class Step {\n  [string]$Name\n}", "1:1"},
	"enum":              {"enum Level { Low; High }", "1:1"},
	"::new()":           {"$sb = [System.Text.StringBuilder]::new()", "1:7"},
	"using":             {"using namespace System.IO\n$x = 1", "1:1"},
	"Compress-Archive":  {"Compress-Archive -Path x -DestinationPath y.zip", "1:1"},
	"Expand-Archive":    {"Expand-Archive -Path y.zip -DestinationPath x", "1:1"},
	"New-TemporaryFile": {"$f = New-TemporaryFile", "1:6"},
	"-NoNewline":        {"Set-Content -Path x -Value y -NoNewline", "1:1"},
	"&& and ||":         {"net stop wuauserv && net start wuauserv", "1:19"},
}

// previous is the newest version before each minimum in the table.
var previous = map[string]string{"3.0": "2.0", "4.0": "3.0", "5.0": "4.0", "7.0": "5.1"}

func TestFeatures(t *testing.T) {
	for _, f := range features {
		t.Run(f.name, func(t *testing.T) {
			sample, ok := featureSamples[f.name]
			require.True(t, ok, "feature %q has no sample in featureSamples", f.name)
			old, ok := previous[f.min]
			require.True(t, ok, "no version before %s in previous", f.min)
			src := ps1(sample.src + "\n")

			want := fmt.Sprintf("%s: %s needs PowerShell %s, target has %s: %s", sample.at, f.name, f.min, old, f.why)
			assert.Equal(t, []string{want}, findings(CheckPS1("x.ps1", src, old)), "on %s", old)
			assert.Empty(t, CheckPS1("x.ps1", src, f.min), "on %s", f.min)
		})
	}
}

func TestFeatureSamplesMatchTable(t *testing.T) {
	names := map[string]bool{}
	for _, f := range features {
		assert.False(t, names[f.name], "feature %q appears twice", f.name)
		names[f.name] = true
	}
	for name := range featureSamples {
		assert.True(t, names[name], "sample %q names no feature", name)
	}
}

func TestFeatureMessage(t *testing.T) {
	assert.Equal(t,
		[]string{"1:6: [ordered] needs PowerShell 3.0, target has 2.0: build a System.Collections.Specialized.OrderedDictionary"},
		findings(CheckPS1("x.ps1", ps1("$h = [ordered]@{}\n"), "2.0")))
}

// TestFeaturesIgnoreLookalikes holds PowerShell 2.0 code that mentions the
// gated features without using them.
func TestFeaturesIgnoreLookalikes(t *testing.T) {
	tests := []struct{ name, src string }{
		{"comments", "# [ordered] -in ::new( $PSScriptRoot ConvertTo-Json class enum using && Get-FileHash\n" +
			"<# [pscustomobject]@{} $list.Where({}) Get-Content -Raw #>\n$x = 1"},
		{"single-quoted string", "$s = '[ordered] -in ::new( $PSScriptRoot ConvertTo-Json && Get-FileHash'"},
		{"double-quoted string text", "$s = \"[ordered] -in ::new( ConvertTo-Json && Get-FileHash -Raw\""},
		{"here-string text", "$s = @\"\n[ordered] -notin ::new( ConvertFrom-Json\n\"@"},
		{"command name as an argument", "Write-Host ConvertTo-Json Get-FileHash '-in'"},
		{"parameter named like an operator", "Write-Output -in"},
		{"full type names", "$h = New-Object System.Collections.Specialized.OrderedDictionary\n" +
			"$o = New-Object PSObject -Property @{ a = 1 }"},
		{"environment variable named like an automatic one", "$x = $env:PSScriptRoot"},
		{"other variables", "$root = $PSScriptRootDir; $usingX = 1; $MyInvocation.MyCommand.Path"},
		{"-contains", "if ($list -contains 'a') { }"},
		{"property named Where", "$n = $query.Where"},
		{"static method other than new", "$n = [System.IO.Path]::GetTempFileName()"},
		{"other commands' parameters", "Write-Host -NoNewline 'x'; Get-Item -Path x -Force; Get-ChildItem -Filter *.log"},
		{"Where-Object and ForEach-Object with script blocks",
			"Get-Service | ? { $_.Status } | Where-Object -FilterScript { $_ } | % { $_.Name } | ForEach-Object -Process { $_ }"},
		{"ForEach-Object with a script block variable", "$sb = { $_ }; 1..3 | % $sb"},
		{"foreach statement", "foreach ($i in 1..3) { $i }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Empty(t, findings(CheckPS1("x.ps1", ps1(tt.src+"\n"), "2.0")))
		})
	}
}
