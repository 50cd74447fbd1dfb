"""Every string on screen is translated, and the committed forms match their .ui files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "compliance_desk_zh_CN.ts"
BIN = Path(sys.executable).parent


def _unfinished(ts: Path) -> list[str]:
    return [
        m.findtext("source") or ""
        for m in ET.parse(ts).iter("message")
        if (t := m.find("translation")) is None
        or t.get("type") in {"unfinished", "vanished", "obsolete"}
        or not (t.text or "").strip()
    ]


def test_the_committed_translation_is_complete() -> None:
    assert _unfinished(TS) == []


def test_no_string_in_the_code_is_missing_from_the_translation(tmp_path: Path) -> None:
    """lupdate over today's sources must find nothing new: a new tr() needs its Chinese."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in (ROOT / "src" / "compliance_desk" / "gui").glob("*.py"))
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sources,
            str(ROOT / "ui" / "enterprise_form.ui"),
            "-ts",
            str(copy),
            "-no-obsolete",
        ],
        check=True,
        capture_output=True,
    )
    assert _unfinished(copy) == []
    assert len(list(ET.parse(copy).iter("message"))) == len(list(ET.parse(TS).iter("message")))


def _body(path: Path) -> list[str]:
    """The generated code without uic's banner (which names the uic version)."""
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "User Interface Compiler version" not in line
    ]


def test_compiled_forms_are_up_to_date(tmp_path: Path) -> None:
    for ui in (ROOT / "ui").glob("*.ui"):
        generated = tmp_path / f"ui_{ui.stem}.py"
        subprocess.run([str(BIN / "pyside6-uic"), str(ui), "-o", str(generated)], check=True)
        committed = ROOT / "src" / "compliance_desk" / "gui" / "forms" / f"ui_{ui.stem}.py"
        assert _body(committed) == _body(generated), (
            f"{committed.name} is stale: rerun pyside6-uic (see ui/README.md)"
        )
