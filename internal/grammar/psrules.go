//go:build cgo && grammar

package grammar

import "fmt"

// feature is one thing a generated .ps1 may only use from PowerShell version
// min on. Matching looks at syntax nodes only, so the same words inside
// comments or string text never count; a variable expanded inside a
// double-quoted string does count, because it is evaluated.
type feature struct {
	min   string  // first Windows PowerShell version that has it
	match matcher // the syntax that uses it
	name  string  // how findings name it
	why   string  // what goes wrong before min, or what to write instead
}

// gate is a feature with its version parsed once.
type gate struct {
	*feature
	since version
}

// features is the table CheckPS1 enforces; adding a rule is adding a line.
// Commands are matched by name and by their built-in aliases, but not through
// Set-Alias or & 'name'.
var features = []feature{
	{"3.0", typeLiteral("ordered"), "[ordered]", "build a System.Collections.Specialized.OrderedDictionary"},
	{"3.0", typeLiteral("pscustomobject"), "[pscustomobject]", "use New-Object PSObject -Property"},
	{"3.0", operator("-in"), "-in", "use -contains with the operands swapped"},
	{"3.0", operator("-notin"), "-notin", "use -notcontains with the operands swapped"},
	{"3.0", operator("-shl"), "-shl", "multiply by a power of two"},
	{"3.0", operator("-shr"), "-shr", "divide by a power of two"},
	{"3.0", variable("PSScriptRoot"), "$PSScriptRoot", "2.0 sets it in modules only; use Split-Path -Parent $MyInvocation.MyCommand.Path at script scope"},
	{"3.0", variable("PSCommandPath"), "$PSCommandPath", "2.0 leaves it empty; use $MyInvocation.MyCommand.Path at script scope"},
	{"3.0", variable("PSItem"), "$PSItem", "use $_"},
	{"3.0", usingScope(), "$using:", "pass values with -ArgumentList"},
	{"3.0", command("ConvertTo-Json"), "ConvertTo-Json", "2.0 has no JSON cmdlets"},
	{"3.0", command("ConvertFrom-Json"), "ConvertFrom-Json", "2.0 has no JSON cmdlets"},
	{"3.0", command("Invoke-WebRequest", "iwr"), "Invoke-WebRequest", "use System.Net.WebClient"},
	{"3.0", command("Invoke-RestMethod", "irm"), "Invoke-RestMethod", "use System.Net.WebClient"},
	{"3.0", command("Get-CimInstance", "gcim"), "Get-CimInstance", "use Get-WmiObject"},
	{"3.0", command("Invoke-CimMethod", "icim"), "Invoke-CimMethod", "use Invoke-WmiMethod"},
	{"3.0", command("Unblock-File"), "Unblock-File", "delete the Zone.Identifier stream another way"},
	{"3.0", commandParameter("-Raw", "Get-Content", "gc", "cat", "type"), "Get-Content -Raw", "use [System.IO.File]::ReadAllText"},
	{"3.0", commandParameter("-File", "Get-ChildItem", "gci", "dir", "ls"), "Get-ChildItem -File", "filter on $_.PSIsContainer"},
	{"3.0", commandParameter("-Directory", "Get-ChildItem", "gci", "dir", "ls"), "Get-ChildItem -Directory", "filter on $_.PSIsContainer"},
	{"3.0", simplifiedSyntax(), "Where-Object/ForEach-Object without a script block", "write the script block, e.g. Where-Object { $_.Name -eq 'x' }"},
	{"4.0", command("Get-FileHash"), "Get-FileHash", "hash a FileStream with System.Security.Cryptography"},
	{"4.0", parameter("-PipelineVariable", "-pv"), "-PipelineVariable", "assign the value to a variable inside ForEach-Object"},
	{"4.0", method("Where"), ".Where()", "pipe to Where-Object"},
	{"5.0", nodeKind("class_statement"), "class", "use New-Object PSObject or Add-Type"},
	{"5.0", nodeKind("enum_statement"), "enum", "use constants or Add-Type"},
	{"5.0", staticMethod("new"), "::new()", "use New-Object"},
	{"5.0", command("using"), "using", "write full type names"},
	{"5.0", command("Compress-Archive"), "Compress-Archive", "use the Shell.Application COM object"},
	{"5.0", command("Expand-Archive"), "Expand-Archive", "use the Shell.Application COM object"},
	{"5.0", command("New-TemporaryFile"), "New-TemporaryFile", "use [System.IO.Path]::GetTempFileName()"},
	{"5.0", commandParameter("-NoNewline", "Set-Content", "Add-Content", "ac", "Out-File"), "-NoNewline", "use [System.IO.File]::WriteAllText"},
	{"7.0", nodeKind("pipeline_chain_tail"), "&& and ||", "Windows PowerShell has no pipeline chains; test $? or $LASTEXITCODE"},
}

// featuresByKind indexes features by the node kinds their matchers inspect,
// so the walk over every node stays a map lookup.
var featuresByKind = indexFeatures(features)

func indexFeatures(fs []feature) map[string][]gate {
	byKind := map[string][]gate{}
	for i := range fs {
		v, err := parseVersion(fs[i].min)
		if err != nil {
			panic(fmt.Sprintf("grammar: feature %s: %v", fs[i].name, err))
		}
		for _, k := range fs[i].match.kinds {
			byKind[k] = append(byKind[k], gate{&fs[i], v})
		}
	}
	return byKind
}
