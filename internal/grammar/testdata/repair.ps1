# Repairs Windows Update: stops its services, renames the download cache and
# the catalog database, then starts the services again. Runs on PowerShell 2.0.
# Undo: rename SoftwareDistribution.bak and catroot2.bak back.
param(
    [switch]$WhatIf
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$scriptDir = Split-Path -Parent $MyInvocation.MyCommand.Path
$logPath = Join-Path $scriptDir 'repair.log'
$services = @('wuauserv', 'bits', 'cryptsvc')

function Write-Log {
    param([string]$Message)
    $line = '{0:u} {1}' -f (Get-Date), $Message
    Add-Content -Path $logPath -Value $line
    Write-Host $Message
}

function Rename-Aside {
    param([string]$Path)
    $backup = "$Path.bak"
    if (Test-Path -LiteralPath $backup) {
        Remove-Item -LiteralPath $backup -Recurse -Force
    }
    if (Test-Path -LiteralPath $Path) {
        Rename-Item -LiteralPath $Path -NewName (Split-Path -Leaf $backup)
        Write-Log "Renamed $Path"
    }
}

$failed = 0
:services foreach ($name in $services) {
    $svc = Get-Service -Name $name -ErrorAction SilentlyContinue
    if ($svc -eq $null) {
        continue services
    }
    if ($svc.Status -ne 'Stopped') {
        try {
            Stop-Service -Name $name -Force
        } catch {
            Write-Log ("Could not stop {0}: {1}" -f $name, $_.Exception.Message)
            $failed++
        }
    }
}

# 0x80070002 / 0x8024402F: a damaged download cache.
Rename-Aside (Join-Path $env:SystemRoot 'SoftwareDistribution')
# 0x800B0100: a damaged catalog database.
Rename-Aside (Join-Path $env:SystemRoot 'System32\catroot2')

$running = @(Get-Service | Where-Object { $_.Status -eq 'Running' } | ForEach-Object { $_.Name })
[array]::Reverse($services)
foreach ($name in $services) {
    if ($running -contains $name) {
        continue
    }
    try {
        Start-Service -Name $name
    } finally {
        Write-Log "Started $name"
    }
}

$result = New-Object PSObject -Property @{ Failed = $failed; Log = $logPath }
if ($result.Failed -gt 0) {
    exit 1
}
exit 0
