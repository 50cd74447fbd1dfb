# Builds the Windows bundle (PyInstaller, onedir) and its installer (Inno Setup 6).
# NOT RUN YET: written on Linux, where nothing of Windows can run; see installer/README.md.
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Needs: Python 3.11 x64 from python.org (the "py" launcher), Inno Setup 6 (ISCC.exe), and
# the internet for pip.  Output: dist\compliance-desk\ and dist\compliance-desk-VERSION-setup.exe
param(
    [string]$Python = "py",
    [string]$PythonVersion = "-3.11",
    [string]$Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Check($what) { if ($LASTEXITCODE -ne 0) { throw "$what failed ($LASTEXITCODE)" } }

$Version = & $Python $PythonVersion -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
Check "reading the version"
Write-Host "==> Compliance Desk $Version"

# A venv of its own: nothing from the test tools can slip into the bundle.
$Venv = Join-Path $Root "build\venv-win"
if (-not (Test-Path "$Venv\Scripts\python.exe")) {
    & $Python $PythonVersion -m venv $Venv; Check "creating the venv"
}
& "$Venv\Scripts\python.exe" -m pip install -q --upgrade pip; Check "pip upgrade"
& "$Venv\Scripts\python.exe" -m pip install -q -e ".[installer]"; Check "pip install"

# The translation, compiled from the committed .ts and named by its content; gui/i18n.py
# finds it next to the .ts inside the bundle (which has no lrelease).
$Out = & "$Venv\Scripts\python.exe" -m compliance_desk.gui.i18n_build
Check "compiling the translation"
$Qm = ($Out | Select-String -Pattern '^translations: (.*)$').Matches[0].Groups[1].Value
if (-not (Test-Path $Qm)) { throw "no compiled translation at $Qm" }

Write-Host "==> bundling with PyInstaller"
if (Test-Path "dist\compliance-desk") { Remove-Item -Recurse -Force "dist\compliance-desk" }
$env:COMPLIANCE_DESK_QM = $Qm
& "$Venv\Scripts\pyinstaller.exe" --noconfirm --log-level WARN --distpath dist `
    --workpath build\pyinstaller-win installer\compliance-desk.spec
Check "PyInstaller"

# The same checks as on Linux, with the console twin (the GUI executable has no stdout).
$Cli = "dist\compliance-desk\compliance-desk-cli.exe"
$Reported = & $Cli --version; Check "--version"
if ($Reported -ne "compliance-desk $Version") { throw "--version says '$Reported'" }
$SmokeHome = Join-Path $env:TEMP ("cd-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory $SmokeHome | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
& $Cli --db "sqlite:///$($SmokeHome -replace '\\','/')/smoke.sqlite3" --smoke-test --password Smoke2026pw
Check "smoke test"
Remove-Item Env:\QT_QPA_PLATFORM

Write-Host "==> installer with Inno Setup"
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 not found at $Iscc (pass -Iscc PATH)" }
$Defines = @("/DAppVersion=$Version")
# Simplified Chinese wizard pages where this Inno Setup has the language file.
if (Test-Path (Join-Path (Split-Path $Iscc) "Languages\ChineseSimplified.isl")) {
    $Defines += "/DHaveChinese"
}
& $Iscc @Defines "installer\windows\compliance-desk.iss"; Check "ISCC"
Get-Item "dist\compliance-desk-$Version-setup.exe" | Format-List Name, Length
