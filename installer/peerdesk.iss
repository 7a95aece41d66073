; Inno Setup script: PeerDesk-Setup-<version>.exe, a per-user Windows installer.
;
; Built by installer/build_windows.sh (on Linux, under Wine, as CI does), or on Windows with
; Inno Setup 6.3 or newer after the PyInstaller build (see installer/README.md):
;   pyinstaller --noconfirm --clean installer\peerdesk.spec
;   iscc /DAppVersion=0.1.0 installer\peerdesk.iss
; The installer lands in dist\. /DInstallRoot=... puts the program somewhere else than the
; user's Programs folder (the Wine test does: Wine cannot expand {autopf} for one user).
;
; What it promises a house:
; - no administrator password: it installs for the person signed in to Windows, into
;   %LOCALAPPDATA%\Programs\PeerDesk, with a Start-menu entry and, if ticked, a desktop icon;
; - the house's records are never in that folder: PeerDesk keeps its database, local
;   backups, settings and log in the user's own data folders (AppData\Local\PeerDesk), so
;   uninstalling or updating removes the program only. Nothing here deletes those folders.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef InstallRoot
  #define InstallRoot "{autopf}"
#endif
#define AppName "PeerDesk"
#define AppExe "PeerDesk.exe"
#define BundleDir "..\dist\PeerDesk"

[Setup]
; The AppId ties updates and the uninstaller together: never change it.
AppId={{6C1E4C4B-3B0D-4F5E-9E59-2F1D6A4E8B21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The PeerDesk team
; Per user, without a User Account Control prompt ({autopf} is then the user's Programs folder).
PrivilegesRequired=lowest
DefaultDirName={#InstallRoot}\{#AppName}
DisableProgramGroupPage=yes
DefaultGroupName={#AppName}
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6.11 runs on Windows 10 1809 (build 17763) or later, and on Windows 11.
MinVersion=10.0.17763
SetupIconFile=..\resources\icons\peerdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; A running PeerDesk holds its files: ask Windows to close it before updating.
CloseApplications=yes
RestartApplications=no
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\dist
OutputBaseFilename=PeerDesk-Setup-{#AppVersion}

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
; Said before and after uninstalling, so nobody fears for the records.
ConfirmUninstall=Remove the %1 program from this PC?%n%nThe house's records are not removed: the database, its local backups, settings and log stay in your user folder (AppData\Local\PeerDesk), and USB backups are not touched. Reinstall PeerDesk to use them again.
UninstalledAll=%1 was removed from this PC.%n%nThe house's records were kept in your user folder (AppData\Local\PeerDesk).
; Said on a PC older than MinVersion instead of Inno Setup's own words; which of the two it
; says depends on how old the Windows is (Windows 8.1, tried under Wine, gets the second).
WinVersionTooLowError=PeerDesk needs Windows 10 version 1809 or newer, or Windows 11: run Windows Update on this PC, then run this setup again.
WindowsVersionNotSupported=PeerDesk needs Windows 10 version 1809 or newer, or Windows 11: this PC has an older Windows, so PeerDesk cannot be installed on it.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the program's own folder of libraries whole, so no file of an older
; build (a Qt plugin, a module since removed) is left to be loaded by the new one. Only the
; program's folder: the house's records are never under {app}.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder build: PeerDesk.exe, PeerDesk-cli.exe and _internal\ (Qt plugins,
; icons, the user guide, the migrations).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "The record book of your recovery residence"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; There is deliberately no [UninstallDelete] section: the uninstaller removes only the files
; this installer put in {app}. The house's data lives elsewhere and is never deleted;
; [InstallDelete] above names {app}\_internal and nothing else.
