#!/usr/bin/env bash
# Packs the bundle into a .deb with dpkg-deb (no debhelper): /opt/compliance-desk/ holds the
# bundle, /usr/bin/compliance-desk starts it, a desktop entry and icons put it in the menu.
#
#   installer/deb/build_deb.sh BUNDLE_DIR VERSION OUT_DIR [xz|gzip]
#
# The user's data (~/.local/share/compliance-desk, settings, logs) is never part of the
# package, so removing or purging it leaves the data in place; an upgrade replaces only
# /opt/compliance-desk and the app migrates the database on its next start, after a backup.
set -euo pipefail

bundle="$1" version="$2" out="$3" compression="${4:-xz}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
arch="$(dpkg --print-architecture)"
package=compliance-desk
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/icons/hicolor/scalable/apps" \
  "$stage/usr/share/doc/$package"
cp -a "$bundle" "$stage/opt/$package"
install -m 0755 "$here/compliance-desk.sh" "$stage/usr/bin/$package"
install -m 0644 "$here/compliance-desk.desktop" "$stage/usr/share/applications/$package.desktop"
install -m 0644 "$root/resources/icons/compliance-desk.png" \
  "$stage/usr/share/icons/hicolor/256x256/apps/$package.png"
install -m 0644 "$root/resources/icons/compliance-desk.svg" \
  "$stage/usr/share/icons/hicolor/scalable/apps/$package.svg"
install -m 0644 "$here/copyright" "$stage/usr/share/doc/$package/copyright"
install -m 0755 "$here/postinst" "$stage/DEBIAN/postinst"
install -m 0755 "$here/postrm" "$stage/DEBIAN/postrm"
chmod -R u+rwX,go+rX,go-w "$stage/opt/$package"

# The newest glibc symbol version any bundled binary needs: the bundle runs on that or later.
glibc="$(find "$stage/opt/$package" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' \
  | sort -uV | tail -n1)"
glibc="${glibc:-2.28}"

installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_size/" \
  -e "s/@GLIBC@/$glibc/" "$here/control.in" > "$stage/DEBIAN/control"

mkdir -p "$out"
deb="$out/${package}_${version}_${arch}.deb"
# xz or gzip: what every dpkg of the Debian family reads (zstd needs a newer dpkg than older
# UOS/Kylin releases have).  xz -6 makes the smallest file but takes minutes on two cores.
case "$compression" in
  xz) level=6 ;;
  gzip) level=6 ;;
  *) echo "compression must be xz or gzip" >&2; exit 2 ;;
esac
dpkg-deb --root-owner-group "-Z$compression" "-z$level" --build "$stage" "$deb" >/dev/null
echo "deb: $deb, $(du -h "$deb" | cut -f1) (installed $(( installed_size / 1024 )) MB, glibc >= $glibc)"
