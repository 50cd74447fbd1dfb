"""The bundle runs with no Python: version, the window, letters, migrations, PostgreSQL."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

from installer.tests.conftest import ROOT, VERSION, run, user_env


def test_version_matches_pyproject(bundle: Path, home: Path) -> None:
    out = run(bundle, "--version", env=user_env(home))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"compliance-desk {VERSION}"


def test_the_bundle_carries_what_the_desk_needs_and_not_the_rest(bundle: Path) -> None:
    inside = bundle.parent / "_internal"
    files = {p.relative_to(inside).as_posix() for p in inside.rglob("*") if p.is_file()}
    needed = [
        "resources/fonts/DroidSansFallbackFull.ttf",
        "resources/legal/values.json",
        "resources/checklists/umbrella.json",
        "resources/templates/penalty_decision.txt",
        "resources/icons/compliance-desk.png",
        "db/env.py",
        "db/versions/0001_initial_schema.py",
        "PySide6/Qt/translations/qtbase_zh_CN.qm",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
    ]
    assert [n for n in needed if n not in files] == []
    assert any(
        re.fullmatch(r"resources/i18n/compliance_desk_zh_CN-[0-9a-f]{12}\.qm", f) for f in files
    )
    migrations = {p.name for p in (ROOT / "db" / "versions").glob("*.py")}
    assert migrations <= {Path(f).name for f in files if f.startswith("db/versions/")}
    unwanted = re.compile(
        r"(WebEngine|Qt6Quick|Qt6Qml|Qt6Designer|Qt63D|Multimedia|^tests/|/pytest|hypothesis"
        r"|^resources/screenshots/|qtbase_(?!zh_CN)\w+\.qm)"
    )
    assert sorted(f for f in files if unwanted.search(f)) == []


def report(out: str) -> dict[str, str]:
    lines = (line.removeprefix("smoke test: ") for line in out.splitlines())
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def test_first_start_on_a_fresh_data_folder_shows_the_main_window(bundle: Path, home: Path) -> None:
    env = user_env(home)
    shot = home / "window.png"
    out = run(
        bundle, "--smoke-test", "--password", "Bundle2026pw", "--screenshot", str(shot), env=env
    )
    assert out.returncode == 0, out.stderr
    assert "first start, setting up the administrator" in out.stdout
    seen = report(out.stdout)
    assert seen["main window"] == f"上虞区重点产业合规服务台 {VERSION}"
    assert seen["pages"].split(" | ")[:5] == ["来访登记", "诉求台账", "文书", "检查", "企业档案"]
    assert seen["characters without a glyph"] == "0"
    assert seen["Qt's own buttons"] == "确定"
    assert shot.stat().st_size > 10_000
    database = home / "xdg_data_home" / "compliance-desk" / "compliance-desk.sqlite3"
    with sqlite3.connect(database) as c:
        assert c.execute("SELECT username FROM app_user").fetchall() == [("admin",)]
    assert (home / "xdg_state_home" / "compliance-desk" / "log" / "compliance-desk.log").exists()


def test_without_chinese_system_fonts_the_bundled_font_draws_the_window(
    bundle: Path, home: Path, tmp_path: Path
) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    out = run(
        bundle,
        "--smoke-test",
        "--password",
        "Bundle2026pw",
        env=user_env(home, FONTCONFIG_FILE=str(conf)),
    )
    assert out.returncode == 0, out.stderr
    assert report(out.stdout)["Chinese drawn with"] == "Droid Sans Fallback"


def test_a_letter_renders_with_embedded_chinese_fonts(bundle: Path, home: Path) -> None:
    env = user_env(home)
    data = json.loads(
        (ROOT / "resources" / "templates" / "samples" / "penalty_decision.json").read_text("utf-8")
    )
    data["number"] = "虞市监处罚〔2026〕88号"
    source = home / "letter.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    pdf = home / "letter.pdf"
    out = run(
        bundle,
        "documents",
        "render",
        "penalty_decision",
        "--data",
        str(source),
        "-o",
        str(pdf),
        env=env,
    )
    assert out.returncode == 0, out.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "行政处罚决定书" in text.stdout and "虞市监处罚〔2026〕88号" in text.stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert rows, fonts.stdout
    # name, type, encoding, emb, sub, uni, ...: every font embedded (as a subset), TrueType.
    assert all(r[1] == "TrueType" and r[3] == "yes" for r in rows), fonts.stdout
    chain = run(bundle, "documents", "fonts", env=env)
    assert chain.returncode == 0 and "DroidSansFallbackFull" in chain.stdout  # the bundled one
    verify = run(bundle, "documents", "verify", "nonsense", env=env)
    assert verify.returncode == 1


def test_demo_data_and_search_from_the_bundle(bundle: Path, home: Path) -> None:
    env = user_env(home)
    demo = run(bundle, "demo", env=env, timeout=300)
    assert demo.returncode == 0, demo.stderr
    found = run(
        bundle,
        "--password",
        "Clerk2026",
        "--user",
        "clerk",
        "enterprises",
        "search",
        "sx",
        "--json",
        env=env,
    )
    assert found.returncode == 0, found.stderr
    names = [e["name"] for e in json.loads(found.stdout)]
    assert any("崧厦" in n for n in names), names


def test_an_old_database_is_backed_up_and_migrated_by_the_bundle(
    bundle: Path, home: Path, tmp_path: Path
) -> None:
    from tests.test_upgrade_backup import _old_release_database, _revision_and_names

    db = tmp_path / "old.sqlite3"
    url = _old_release_database(db)
    out = run(bundle, "--db", url, "init", env=user_env(home))
    assert out.returncode == 0, out.stderr
    from compliance_desk.persistence.migrate import SCHEMA_HEAD

    assert _revision_and_names(db) == (SCHEMA_HEAD, ["崧厦蓝天伞业有限公司"])
    (backup,) = tmp_path.glob("old.backup-*-rev0004.sqlite3")
    assert _revision_and_names(backup) == ("0004", ["崧厦蓝天伞业有限公司"])


def test_the_bundle_speaks_to_postgresql(bundle: Path, home: Path) -> None:
    from sqlalchemy import create_engine, text

    from tests import pg_server

    server = pg_server.start()
    try:
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text("CREATE DATABASE bundle_check"))
        admin.dispose()
        out = run(bundle, "--db", server.url("bundle_check"), "init", env=user_env(home))
        assert out.returncode == 0, out.stderr
        assert "postgresql" in out.stdout
    finally:
        server.stop()
