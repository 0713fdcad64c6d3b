@echo off
rem Repairs Windows Update: stops its services, renames the download cache
rem and the catalog database, re-registers components, restarts the services.
rem Undo: rename SoftwareDistribution.bak and catroot2.bak back.
setlocal EnableExtensions

net session >nul 2>&1
if errorlevel 1 (
  echo This script must run as Administrator.
  exit /b 5
)

set "SYS=%SystemRoot%\System32"
set /a "FAILED=0"

call :stop_service wuauserv
call :stop_service bits
call :stop_service cryptsvc

rem 0x80070002 / 0x8024402F: a damaged download cache.
if exist "%SystemRoot%\SoftwareDistribution.bak" (
  rd /s /q "%SystemRoot%\SoftwareDistribution.bak"
)
ren "%SystemRoot%\SoftwareDistribution" SoftwareDistribution.bak
if errorlevel 1 set /a "FAILED+=1"

rem 0x800B0100: a damaged catalog database.
if exist "%SYS%\catroot2.bak" rd /s /q "%SYS%\catroot2.bak"
ren "%SYS%\catroot2" catroot2.bak
if errorlevel 1 set /a "FAILED+=1"

for %%D in (wuaueng.dll wuapi.dll wups.dll wups2.dll) do (
  if exist "%SYS%\%%D" ("%SYS%\regsvr32.exe" /s "%SYS%\%%D")
)

call :start_service cryptsvc
call :start_service bits
call :start_service wuauserv

if %FAILED% GTR 0 goto :failed
echo Windows Update components were reset.
goto :eof

:failed
echo %FAILED% step(s) failed; see the messages above.
exit /b 1

:stop_service
"%SYS%\net.exe" stop %1 >nul 2>&1
exit /b 0

:start_service
"%SYS%\net.exe" start %1 >nul 2>&1
if errorlevel 1 set /a "FAILED+=1"
exit /b 0
