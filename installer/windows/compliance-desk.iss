; Inno Setup 6 script of the Windows installer (build.ps1 runs it with /DAppVersion=...).
; NOT RUN YET: written on Linux; see installer/README.md.
;
; Installs the PyInstaller bundle (dist\compliance-desk) into Program Files, with a Start
; menu entry named 合规服务台 and an optional desktop icon.  An upgrade installs over the
; previous version (same AppId) after removing its _internal folder; the desk migrates the
; database on its next start, after copying it.  Uninstalling removes the program only: each
; user's data stays in %LOCALAPPDATA%\compliance-desk.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (installer\windows\build.ps1 does)
#endif

[Setup]
AppId={{6C7A4E4B-3D0F-4E55-9B7C-2A1F0C5D8E31}
AppName=合规服务台 Compliance Desk
AppVersion={#AppVersion}
AppPublisher=上虞区合规中心
DefaultDirName={autopf}\Compliance Desk
DefaultGroupName=合规服务台
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=compliance-desk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\compliance-desk.ico
UninstallDisplayIcon={app}\compliance-desk.exe
UninstallDisplayName=合规服务台 Compliance Desk {#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
CloseApplications=yes
WizardStyle=modern

[Languages]
#ifdef HaveChinese
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; The previous version's Python packages and Qt: nothing stale may stay beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\compliance-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\合规服务台"; Filename: "{app}\compliance-desk.exe"
Name: "{autodesktop}\合规服务台"; Filename: "{app}\compliance-desk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\compliance-desk.exe"; Description: "{cm:LaunchProgram,合规服务台}"; Flags: nowait postinstall skipifsilent
