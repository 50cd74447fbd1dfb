"""``compliance-desk documents``: what another system scripting letters relies on."""

from __future__ import annotations

import json
from pathlib import Path

from compliance_desk.documents.kinds import KINDS
from tests.letters_pdf import pdf_text, qr_codes, sample, with_number
from tests.test_cli import cli


def test_kinds_and_schema(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    kinds = cli("documents", "kinds", db=db)
    assert kinds.returncode == 0
    assert [line.split("\t")[0] for line in kinds.stdout.splitlines()] == list(KINDS)
    schema = json.loads(cli("documents", "schema", "advice_letter", db=db).stdout)
    assert "rectification_deadline" in schema["required"]
    finding = schema["properties"]["findings"]["items"]
    assert finding["properties"]["risk_level"]["enum"] == ["高", "中", "低"]
    wrong = cli("documents", "schema", "parking_ticket", db=db)
    assert wrong.returncode == 1 and "没有这种文书" in wrong.stderr


def test_render_signs_so_the_output_verifies(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    data = tmp_path / "data.json"
    data.write_text(json.dumps(sample("penalty_decision", number="虞市监处罚〔2026〕77号"),
                               ensure_ascii=False), encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.pdf"
    result = cli("documents", "render", "penalty_decision", "--data", str(data), "-o", str(out),
                 db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "虞市监处罚〔2026〕77号" in pdf_text(out)
    (code,) = qr_codes(out, tmp_path)
    assert cli("documents", "verify", code, db=db).returncode == 0
    forged = cli("documents", "verify", with_number(code, "虞市监处罚〔2026〕78号"), db=db)
    assert forged.returncode == 1 and "伪造或篡改" in forged.stderr
    assert cli("documents", "verify", code[: len(code) // 2], db=db).returncode == 1


def test_render_refuses_bad_data_and_writes_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    data = tmp_path / "data.json"
    out = tmp_path / "out.pdf"
    data.write_text(json.dumps(sample("penalty_decision", facts=""), ensure_ascii=False))
    result = cli("documents", "render", "penalty_decision", "--data", str(data), "-o", str(out),
                 "--draft", db=db)  # fmt: skip
    assert result.returncode == 1 and "缺少“违法事实”" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    data.write_text("{ not json")
    bad = cli("documents", "render", "penalty_decision", "--data", str(data), "-o", str(out),
              db=db)  # fmt: skip
    assert bad.returncode == 1 and "不是有效的 JSON" in bad.stderr


def test_a_draft_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    data = tmp_path / "data.json"
    data.write_text(json.dumps(sample("advice_letter"), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "draft.pdf"
    result = cli("documents", "render", "advice_letter", "--data", str(data), "-o", str(out),
                 "--draft", db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "草稿" in pdf_text(out) and qr_codes(out, tmp_path) == []


def test_a_configured_font_is_used_first(tmp_path: Path) -> None:
    from tests.letters_pdf import fonts

    db = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    droid = Path(__file__).parents[1] / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
    bad = cli("documents", "fonts", "--set", "fangsong=/no/such.ttf", db=db, env=env)
    assert bad.returncode == 1 and "无法使用字体文件" in bad.stderr
    ok = cli("documents", "fonts", "--set", f"fangsong={droid}", db=db, env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[1].startswith("fangsong\tDroidSansFallbackFull-0")
    data = tmp_path / "data.json"
    data.write_text(json.dumps(sample("advice_letter"), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = cli("documents", "render", "advice_letter", "--data", str(data), "-o", str(out),
                 "--draft", db=db, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert any("DroidSansFallback" in name for name, _, _ in fonts(out))
