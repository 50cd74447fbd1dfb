"""Qt's translation system: our committed .ts compiled to .qm, plus Qt's own qtbase_zh_CN."""

from __future__ import annotations

import logging
import sys
import zlib
from pathlib import Path

from platformdirs import user_cache_dir
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from compliance_desk import APP_NAME
from compliance_desk.paths import is_frozen, resources_dir

log = logging.getLogger("compliance_desk.gui.i18n")
LOCALE = "zh_CN"


def ts_files() -> list[Path]:
    return sorted((resources_dir() / "i18n").glob(f"*_{LOCALE}.ts"))


def _lrelease() -> str:
    import shutil

    candidate = Path(sys.executable).with_name("pyside6-lrelease")
    return (
        str(candidate)
        if candidate.exists()
        else (shutil.which("pyside6-lrelease") or "pyside6-lrelease")
    )


def compiled_dir() -> Path:
    path = Path(user_cache_dir(APP_NAME, appauthor=False)) / "i18n"
    path.mkdir(parents=True, exist_ok=True)
    return path


def compiled_name(ts: Path) -> str:
    """The .qm of ``ts`` is named by the content it came from, so it can never be stale."""
    data = ts.read_bytes()
    return f"{ts.stem}-{zlib.crc32(data):08x}{len(data) & 0xFFFF:04x}.qm"  # 12 hex digits


def ensure_compiled() -> list[Path]:
    """Compile each .ts not compiled yet.  The installer's bundle ships the .qm next to the
    .ts (it has no lrelease); a checkout compiles into the user cache directory."""
    out = []
    for ts in ts_files():
        name = compiled_name(ts)
        if (ts.parent / name).exists():
            out.append(ts.parent / name)
            continue
        if is_frozen():  # no lrelease in the bundle: its build shipped a .qm or it is broken
            log.error("%s has no compiled %s in the bundle", ts.name, name)
            continue
        qm = compiled_dir() / name
        if not qm.exists():
            import subprocess  # only when a translation changed since the last start

            tmp = qm.with_suffix(".part")
            subprocess.run([_lrelease(), "-silent", str(ts), "-qm", str(tmp)], check=True)
            tmp.replace(qm)
        out.append(qm)
    return out


def install(app: QCoreApplication) -> list[QTranslator]:
    """Load Qt's own Chinese (确定/取消) and ours; the translators must outlive the app."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translators = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{LOCALE}", qt_dir):
        app.installTranslator(qtbase)
        translators.append(qtbase)
    else:
        log.warning("qtbase_%s not found in %s", LOCALE, qt_dir)
    for qm in ensure_compiled():
        ours = QTranslator(app)
        if ours.load(str(qm)):
            app.installTranslator(ours)
            translators.append(ours)
        else:
            log.warning("could not load %s", qm)
    return translators
