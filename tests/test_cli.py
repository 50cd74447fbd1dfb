"""The command line as an administrator scripts it: exit codes, one-line reasons, JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LEDGERS


def cli(*args: str, db: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COMPLIANCE_DESK_PASSWORD": "Admin2026", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "compliance_desk", "--db", db, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo made once by the command line (about 15 s); each test gets its own copy."""
    path = tmp_path_factory.mktemp("cli-demo") / "cli.sqlite3"
    result = cli("demo", db=f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert "新增企业 200 家" in result.stdout
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> str:
    for suffix in ("", "-wal", "-shm"):  # the process closed it: normally the file alone
        source = demo_template.with_name(demo_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"cli.sqlite3{suffix}")
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "compliance_desk", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("compliance-desk ")


def test_init_creates_the_schema_and_is_repeatable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert cli("init", db=db).returncode == 0
    again = cli("init", db=db)
    assert again.returncode == 0 and "数据库已就绪" in again.stdout


def test_db_from_the_environment_variable(tmp_path: Path) -> None:
    target = tmp_path / "env.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "compliance_desk", "init"],
        capture_output=True,
        text=True,
        env={**os.environ, "COMPLIANCE_DESK_DB": f"sqlite:///{target}"},
    )
    assert out.returncode == 0 and target.exists()


def test_demo_is_reproducible_and_idempotent(demo_db: str) -> None:
    again = cli("demo", db=demo_db)
    assert again.returncode == 0 and "新增企业 0 家" in again.stdout


def test_search_json(demo_db: str) -> None:
    result = cli("enterprises", "search", "sx", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all("崧厦" in r["name"] or "绍兴" in r["name"] for r in rows)
    assert {"name", "uscc", "contact_phone", "industry"} <= set(rows[0])


def test_import_export_round_trip(demo_db: str, tmp_path: Path) -> None:
    imported = cli("enterprises", "import", str(LEDGERS / "崧厦街道伞业企业名录.xlsx"), db=demo_db)
    assert imported.returncode == 0, imported.stderr
    assert "新增 39" in imported.stdout
    out = tmp_path / "all.csv"
    exported = cli("enterprises", "export", str(out), db=demo_db)
    assert exported.returncode == 0 and "已导出 239 家" in exported.stdout
    again = cli("enterprises", "import", str(out), db=demo_db)
    assert again.returncode == 0 and "新增 0，更新 0，未变 239" in again.stdout


def test_bad_file_gives_one_line_and_non_zero(demo_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,统一社会信用代码\n坏代码有限公司,123\n", encoding="utf-8")
    result = cli("enterprises", "import", str(bad), db=demo_db)
    assert result.returncode != 0
    assert result.stderr.startswith("错误：") and "第2行" in result.stderr
    report = tmp_path / "rejected.csv"
    skipped = cli(
        "enterprises", "import", str(bad), "--skip-invalid", "--report", str(report), db=demo_db
    )
    assert skipped.returncode == 0 and report.exists()
    assert "123" in report.read_text(encoding="utf-8-sig")


def test_wrong_password_is_refused(demo_db: str) -> None:
    result = cli(
        "enterprises", "search", "sx", db=demo_db, env={"COMPLIANCE_DESK_PASSWORD": "nope"}
    )
    assert result.returncode != 0 and "用户名或密码错误" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = cli("init", db="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_appeals_due_json_across_the_spring_festival(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'due.sqlite3'}"
    result = cli(
        "appeals", "due", "--tier", "general", "--received", "2026-02-13T09:30", "--json", db=db
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["due"] == "2026-03-05" and out["provisional"] is False
    assert "春节假期" in out["explanation"]


def test_appeals_due_is_provisional_in_a_year_without_data(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'due.sqlite3'}"
    result = cli("appeals", "due", "--tier", "general", "--received", "2026-12-24", db=db)
    assert result.returncode == 0 and "（暂定）" in result.stdout
    bad = cli("appeals", "due", "--tier", "general", "--received", "yesterday", db=db)
    assert bad.returncode != 0 and "无法识别的受理时间" in bad.stderr


def test_calendar_import_and_show(demo_db: str, tmp_path: Path) -> None:
    good = tmp_path / "2027.json"
    good.write_text(
        json.dumps({"year": 2027, "holidays": ["2027-01-01", {"date": "2027-02-06", "name": "春节"}],
                    "workdays": ["2027-01-09"]}),
        encoding="utf-8",
    )  # fmt: skip
    assert cli("calendar", "import", str(good), db=demo_db).returncode == 0
    shown = cli("calendar", "show", "2027", db=demo_db)
    assert "管理员导入" in shown.stdout and "2027-02-06 周六  春节" in shown.stdout
    assert "2027-01-09 周六  调休上班" in shown.stdout
    due = cli(
        "appeals", "due", "--tier", "simple", "--received", "2026-12-31", "--json", db=demo_db
    )
    assert json.loads(due.stdout) == {
        **json.loads(due.stdout),
        "due": "2027-01-04",
        "provisional": False,
    }
    twice = tmp_path / "bad.json"
    twice.write_text('{"year": 2027, "holidays": ["2027-01-01", "2027-01-01"]}', encoding="utf-8")
    result = cli("calendar", "import", str(twice), db=demo_db)
    assert result.returncode != 0 and "重复出现" in result.stderr
    assert "2027-02-06" in cli("calendar", "show", "2027", db=demo_db).stdout  # nothing replaced


def test_appeals_export(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    result = cli("appeals", "export", str(out), "--from", "2025-01-01", db=demo_db)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("受理编号,受理日期,企业名称") and len(lines) > 50
    bad = cli("appeals", "export", str(out), "--to", "March", db=demo_db)
    assert bad.returncode != 0 and "--to 日期" in bad.stderr
