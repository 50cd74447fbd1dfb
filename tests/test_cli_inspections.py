"""``inspections draw`` and ``compliant-list export`` from a script."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import cli, demo_db, demo_template  # noqa: F401 - the fixtures


def test_a_draw_from_the_command_line_is_reproducible(demo_db: str) -> None:  # noqa: F811
    first = cli("inspections", "draw", "--centre", "伞业合规中心", "--count", "6", "--seed", "11",
                "--json", db=demo_db)  # fmt: skip
    assert first.returncode == 0, first.stderr
    again = cli("inspections", "draw", "--centre", "伞业合规中心", "--count", "6", "--seed", "11",
                "--json", db=demo_db)  # fmt: skip
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["seed"] == 11 and len(a["enterprises"]) == 6
    assert [e["id"] for e in a["enterprises"]] == [e["id"] for e in b["enterprises"]]
    assert a["fingerprint"] == b["fingerprint"] and a["draw_id"] != b["draw_id"]  # both recorded
    text = cli("inspections", "draw", "--centre", "伞业合规中心", "--count", "3", db=demo_db)
    assert "抽取种子" in text.stdout and "执法人员" in text.stdout
    bad = cli("inspections", "draw", "--centre", "火星中心", "--count", "3", db=demo_db)
    assert bad.returncode == 1 and "没有这个合规中心" in bad.stderr
    # The demo's inspections listed some enterprises this year: the draw names them left out.
    assert a["pool_size"] + len(a["left_out"]) > a["pool_size"] > 0
    assert all("每年至多 1 次" in e["reason"] for e in a["left_out"])
    assert "未参加抽取" in text.stdout


def test_a_recorded_draw_is_audited_from_the_command_line(demo_db: str) -> None:  # noqa: F811
    import sqlite3

    drawn = json.loads(cli("inspections", "draw", "--centre", "游戏产业合规中心", "--count", "4",
                           "--json", db=demo_db).stdout)  # fmt: skip
    audit = cli("inspections", "draw-audit", drawn["draw_id"], db=demo_db)
    assert audit.returncode == 0, audit.stderr
    assert "复核一致" in audit.stdout and f"种子 {drawn['seed']}" in audit.stdout
    as_json = json.loads(cli("inspections", "draw-audit", drawn["draw_id"], "--json",
                             db=demo_db).stdout)  # fmt: skip
    assert as_json["matches"] is True and as_json["pool_size"] == drawn["pool_size"]

    # The seed in the record is changed by hand: the audit no longer matches, exit 1.
    path = demo_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE inspection_draw SET seed = seed + 1 WHERE id = ?",
                    (drawn["draw_id"].replace("-", ""),))  # fmt: skip
        assert raw.total_changes == 1
    tampered = cli("inspections", "draw-audit", drawn["draw_id"], db=demo_db)
    assert tampered.returncode == 1 and "复核不一致" in tampered.stderr
    assert "抽中的企业与记录不同" in tampered.stderr
    bad = cli("inspections", "draw-audit", "not-an-id", db=demo_db)
    assert bad.returncode == 1 and "编号格式不对" in bad.stderr


def test_the_compliant_list_exports_as_of_a_date(demo_db: str, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "list.xlsx"
    result = cli("compliant-list", "export", str(out), "--as-of", "2026-06-30", db=demo_db)
    assert result.returncode == 0, result.stderr
    assert "截至 2026-06-30" in result.stdout and out.exists()
    bad = cli("compliant-list", "export", str(out), "--as-of", "30/06/2026", db=demo_db)
    assert bad.returncode == 1 and "--as-of" in bad.stderr
