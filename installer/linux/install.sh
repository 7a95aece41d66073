#!/bin/sh
# Install PeerDesk for the person signed in (no administrator needed):
#   the program   -> ~/.local/opt/PeerDesk
#   the launcher  -> ~/.local/share/applications/peerdesk.desktop (the applications menu)
#   the icons     -> ~/.local/share/icons/hicolor/<size>/apps/peerdesk.png
#   a command     -> ~/.local/bin/peerdesk
# Run it again to update. The house's records are not here but in ~/.local/share/PeerDesk:
# installing, updating or removing the program never touches them.
# To remove the program:  sh install.sh --uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/opt/PeerDesk
launcher=$data/applications/peerdesk.desktop

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$target" "$launcher" "$HOME/.local/bin/peerdesk"
  for size in 16 24 32 48 64 128 256 512; do
    rm -f "$data/icons/hicolor/${size}x${size}/apps/peerdesk.png"
  done
  rm -f "$data/icons/hicolor/scalable/apps/peerdesk.svg"
  echo "PeerDesk is removed. The house's records in $data/PeerDesk were left as they are."
  exit 0
fi

mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$data/applications"
rm -rf "$target.new"
cp -a "$here/PeerDesk" "$target.new"
rm -rf "$target"
mv "$target.new" "$target"
ln -sf "$target/PeerDesk" "$HOME/.local/bin/peerdesk"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$here/icons/peerdesk-$size.png" "$data/icons/hicolor/${size}x${size}/apps/peerdesk.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp "$here/icons/peerdesk.svg" "$data/icons/hicolor/scalable/apps/peerdesk.svg"
# The launcher runs the program by its full path: ~/.local/bin is not on every menu's PATH.
sed "s|^Exec=.*|Exec=\"$target/PeerDesk\"|" "$here/peerdesk.desktop" > "$launcher"
chmod 644 "$launcher"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "PeerDesk is installed: find it in the applications menu, or type  peerdesk  in a terminal."
