#!/usr/bin/env bash
# Sets up Compliance Desk on Debian 12 / Ubuntu 22.04+ and then either opens the app or runs
# the tests.  Usage:
#   ./installer/setup.sh run    # install, load demo data into the SQLite database, open the window
#   ./installer/setup.sh test   # install (PostgreSQL, Xvfb, poppler too), run the whole test suite
# System packages are installed when run as root; otherwise the exact apt command is printed.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  run|test) ;;
  *) echo "usage: ./installer/setup.sh run|test" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# Qt's xcb platform plugin, a CJK font, and venv; the test run adds PostgreSQL, Xvfb, poppler.
app_packages=(python3 python3-venv python3-pip libegl1 libgl1 libglib2.0-0 libxkbcommon0
  libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1
  fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai)
test_packages=(postgresql xvfb xauth poppler-utils zbar-tools)

packages=("${app_packages[@]}")
[ "$mode" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "These system packages are missing. Install them, then run this command again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found $("$python" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages into .venv"
  # a newer pip when the index has one; the venv's own otherwise (a 503 from the index for
  # pip itself stopped a clean set-up that needed nothing else from it)
  .venv/bin/python -m pip install -q --upgrade pip || echo "==> pip not upgraded: the venv's own is used"
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# Qt translations are compiled from the committed .ts files (the .qm files are build output).
.venv/bin/python -m compliance_desk.gui.i18n_build

if [ "$mode" = run ]; then
  .venv/bin/compliance-desk demo --scale small
  echo "==> opening Compliance Desk (demo users: admin/Admin2026, clerk/Clerk2026, adviser/Adviser2026, inspector/Inspector2026)"
  exec .venv/bin/compliance-desk
fi

export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "${@:2}"
