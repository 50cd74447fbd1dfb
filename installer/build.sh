#!/usr/bin/env bash
# Builds the self-contained bundle (PyInstaller, onedir) and the .deb made from it.
#
#   ./installer/build.sh            -> dist/compliance-desk/ and dist/compliance-desk_VERSION_ARCH.deb
#   ./installer/build.sh --no-deb   -> the bundle only
#   ./installer/build.sh --gzip     -> the .deb compressed with gzip: about 4x faster to build
#                                      than xz (the default), a third larger; what CI uses
#
# Needs Python 3.11+ with venv, and dpkg-deb (any Debian/Ubuntu); no root.  PyInstaller and
# the app's packages go into build/venv (a venv of their own, so nothing from the test tools
# can slip into the bundle); PyInstaller's cache in build/pyinstaller makes a rebuild faster.
set -euo pipefail

make_deb=1
compression=xz
for arg in "$@"; do
  case "$arg" in
    --no-deb) make_deb=0 ;;
    --gzip) compression=gzip ;;
    *) echo "usage: ./installer/build.sh [--no-deb] [--gzip]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
started=$(date +%s)

venv=build/venv
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating $venv"
  "$python" -m venv "$venv"
fi
stamp="$venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing the app and PyInstaller into $venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -e ".[installer]"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# The translation compiled from the committed .ts, named by its content (gui/i18n.py finds it
# next to the .ts in the bundle, which has no lrelease).
i18n_cache="build/i18n-cache"
rm -rf "$i18n_cache"
qm="$(XDG_CACHE_HOME="$root/$i18n_cache" "$venv/bin/python" -m compliance_desk.gui.i18n_build \
  | sed -n 's/^translations: //p' | head -n1)"
[ -f "$qm" ] || { echo "translation was not compiled" >&2; exit 1; }

echo "==> bundling compliance-desk $version with PyInstaller"
rm -rf dist/compliance-desk
COMPLIANCE_DESK_QM="$qm" "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/compliance-desk.spec
bundle=dist/compliance-desk
"$bundle/compliance-desk" --version
echo "bundle: $bundle, $(du -sh "$bundle" | cut -f1)"

if [ "$make_deb" = 1 ]; then
  installer/deb/build_deb.sh "$bundle" "$version" dist "$compression"
fi
echo "==> done in $(( $(date +%s) - started )) s"
