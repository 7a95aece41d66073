#!/usr/bin/env bash
# Build the Linux one-folder PeerDesk, check it from the bundle, and pack the tarball.
#
#   bash installer/build_linux.sh [PYTHON]      (PYTHON: default .venv/bin/python)
#
# PYTHON must have PeerDesk and PyInstaller installed (pip install -e . pyinstaller).
# Results, under dist/:
#   dist/PeerDesk/                              the one-folder program (run dist/PeerDesk/PeerDesk)
#   dist/PeerDesk-<version>-linux-<arch>.tar.gz the program, the .desktop file, the icons,
#                                               install.sh and INSTALL.txt
# The checks run the bundle itself, from an empty folder and a private PEERDESK_HOME, never
# the source tree: the self-test (plugins, icons, guide, migrations, every tab and form) on
# a new house and on a demo house, printed reports, and a backup read back. Any failure
# stops the script with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${1:-.venv/bin/python}

if ! "$PYTHON" -c "import PyInstaller, peerdesk" 2>/dev/null; then
  echo "$PYTHON lacks PyInstaller or PeerDesk: run  $PYTHON -m pip install -e . pyinstaller" >&2
  exit 1
fi
version=$("$PYTHON" -c "import peerdesk; print(peerdesk.__version__)")
arch=$(uname -m)
bundle="$ROOT/dist/PeerDesk"
tarball="$ROOT/dist/PeerDesk-$version-linux-$arch.tar.gz"

echo "== Building PeerDesk $version (one folder) with $("$PYTHON" -m PyInstaller --version)"
started=$SECONDS
rm -rf "$bundle" "$ROOT/build/pyinstaller"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" installer/peerdesk.spec
echo "built in $((SECONDS - started)) s: $(du -sh "$bundle" | cut -f1) in $(find "$bundle" -type f | wc -l) files"

echo "== Every library in the bundle finds what it links to"
# Except the plugins for a Wayland session and the GTK look: they load the desktop's own
# libwayland-* and GTK 3, which every such desktop has; X11 (xcb) must work everywhere.
missing=$(
  cd "$bundle/_internal"
  export LD_LIBRARY_PATH="$PWD:$PWD/PySide6/Qt/lib"
  find . -name '*.so*' -type f | grep -v -i -E 'wayland|wlshell|/platformthemes/libqgtk3' |
    while read -r lib; do
      ldd "$lib" 2>/dev/null | grep 'not found' | sed "s|^|$lib: |" || true
    done
)
if [ -n "$missing" ]; then
  echo "$missing" >&2
  echo "Some libraries of the bundle are missing on this machine (listed above)." >&2
  exit 1
fi

echo "== Checking the bundle (offscreen, from an empty folder)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen PEERDESK_HOME="$work/home"
unset PEERDESK_PASSWORD
mkdir -p "$work/home" "$work/usb"
cd "$work"
run() { "$bundle/PeerDesk" "$@"; }

run --version
run --self-test                                   # a new, empty house
run --db "$work/house.sqlite3" demo --residents 12 --years 1 | tee "$work/demo.txt"
PEERDESK_PASSWORD=$(sed -n 's/^demo password: //p' "$work/demo.txt")
export PEERDESK_PASSWORD
run --db "$work/house.sqlite3" --user admin --self-test  # every form, signed in, on a house with records
for report in roster outcomes facesheet; do
  run --db "$work/house.sqlite3" --user admin export "$report" --out "$work/$report.pdf"
  head -c 5 "$work/$report.pdf" | grep -q '%PDF-' || { echo "$report.pdf is not a PDF" >&2; exit 1; }
done
printf 'a long passphrase for the check\n' > "$work/passphrase"
backup=$(run --db "$work/house.sqlite3" --user admin backup --to "$work/usb" \
  --passphrase-file "$work/passphrase")
run --db "$work/house.sqlite3" verify-backup "$backup" --passphrase-file "$work/passphrase"
run --db "$work/house.sqlite3" --user admin check
cd "$ROOT"

echo "== Packing $(basename "$tarball")"
stage="$work/stage/PeerDesk-$version"
mkdir -p "$stage/icons"
cp -a "$bundle" "$stage/PeerDesk"
cp resources/peerdesk.desktop "$stage/"
for size in 16 24 32 48 64 128 256 512; do
  cp "resources/icons/peerdesk-$size.png" "$stage/icons/"
done
cp resources/icons/peerdesk.svg "$stage/icons/"
cp installer/linux/install.sh installer/linux/INSTALL.txt "$stage/"
chmod +x "$stage/install.sh" "$stage/PeerDesk/PeerDesk"
tar -C "$work/stage" -czf "$tarball" "PeerDesk-$version"
echo "$tarball: $(du -h "$tarball" | cut -f1)"
echo "== Done in $((SECONDS - started)) s"
