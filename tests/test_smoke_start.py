"""``compliance-desk --smoke-test`` from source (the installer's checks run the bundle the same
way), the bundled screen font, and the paths a frozen build resolves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compliance_desk import paths

ROOT = Path(__file__).resolve().parents[1]


def fresh_home(tmp_path: Path) -> dict[str, str]:
    """A user who never ran the desk: every per-user folder is new and empty."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / var.lower())
    env.pop("COMPLIANCE_DESK_DB", None)
    env.pop("COMPLIANCE_DESK_PASSWORD", None)
    return env


def smoke(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance_desk", "--smoke-test", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def report(out: str) -> dict[str, str]:
    lines = (line.removeprefix("smoke test: ") for line in out.splitlines())
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def test_first_start_then_sign_in_shows_the_window_in_chinese(tmp_path: Path) -> None:
    env = fresh_home(tmp_path)
    shot = tmp_path / "window.png"
    first = smoke(env, "--password", "Erste2026pw", "--screenshot", str(shot))
    assert first.returncode == 0, first.stderr
    assert "first start, setting up the administrator" in first.stdout
    seen = report(first.stdout)
    assert seen["main window"].startswith("上虞区重点产业合规服务台")
    assert "企业档案" in seen["pages"] and "用户管理" in seen["pages"]
    assert seen["characters without a glyph"] == "0"
    assert seen["Qt's own buttons"] == "确定"
    assert first.stdout.rstrip().endswith("ok")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    database = tmp_path / "xdg_data_home" / "compliance-desk" / "compliance-desk.sqlite3"
    assert database.exists()

    again = smoke(env, "--password", "Erste2026pw")  # now a sign-in, not a first start
    assert again.returncode == 0, again.stderr
    assert "first start" not in again.stdout and "企业档案" in report(again.stdout)["pages"]

    wrong = smoke(env, "--password", "falsch")
    assert wrong.returncode != 0
    assert "smoke test FAILED" in wrong.stderr and "用户名或密码错误" in wrong.stderr


def test_without_a_password_it_says_so(tmp_path: Path) -> None:
    out = smoke(fresh_home(tmp_path))
    assert out.returncode == 2 and "--password" in out.stderr


@pytest.mark.skipif(not Path("/usr/share/fonts/truetype/dejavu").is_dir(), reason="no DejaVu")
def test_a_pc_without_chinese_fonts_draws_with_the_bundled_font(tmp_path: Path) -> None:
    """fontconfig limited to DejaVu (no CJK face): the bundled Droid Sans Fallback draws it."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    env = {**fresh_home(tmp_path), "FONTCONFIG_FILE": str(conf)}
    out = smoke(env, "--password", "Erste2026pw")
    assert out.returncode == 0, out.stderr
    seen = report(out.stdout)
    assert seen["Chinese drawn with"] == "Droid Sans Fallback"
    assert seen["characters without a glyph"] == "0"


def test_a_frozen_build_finds_db_and_resources_in_its_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPLIANCE_DESK_HOME", raising=False)
    assert paths.project_home() == ROOT  # a checkout
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.is_frozen()
    assert paths.migrations_dir() == tmp_path / "db"
    assert paths.resources_dir() == tmp_path / "resources"
    monkeypatch.setenv("COMPLIANCE_DESK_HOME", str(ROOT))  # the variable wins
    assert paths.resources_dir() == ROOT / "resources"


def test_a_shipped_translation_is_used_without_lrelease(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle has no lrelease: the .qm shipped next to the .ts, named by its content, is
    loaded as is; one named for other content (stale) is not."""
    from compliance_desk.gui import i18n

    folder = tmp_path / "resources" / "i18n"
    folder.mkdir(parents=True)
    ts = folder / "compliance_desk_zh_CN.ts"
    ts.write_bytes((ROOT / "resources" / "i18n" / ts.name).read_bytes())
    shipped = folder / i18n.compiled_name(ts)
    shipped.write_bytes(b"qm")
    (folder / "compliance_desk_zh_CN-000000000000.qm").write_bytes(b"stale")
    monkeypatch.setenv("COMPLIANCE_DESK_HOME", str(tmp_path))
    monkeypatch.setattr(i18n, "_lrelease", lambda: pytest.fail("lrelease was run"))
    assert i18n.ensure_compiled() == [shipped]


def test_the_version_is_the_one_in_pyproject() -> None:
    """The .deb and the installers take pyproject's version; --version prints __version__."""
    import tomllib

    import compliance_desk

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert compliance_desk.__version__ == pyproject["project"]["version"]
