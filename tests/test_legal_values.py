"""Credit publication periods chosen by the decision date and by the deciding authority."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from compliance_desk.documents import legal_values, signing
from compliance_desk.documents.fields import LetterDataError
from compliance_desk.documents.render import LetterRequest, render
from compliance_desk.domain.errors import DomainError
from tests.letters_pdf import pdf_text, sample

KEY = signing.new_private_key()
MARKET = "绍兴市上虞区市场监督管理局"
SAFETY = "绍兴市上虞区应急管理局"

# Test data, not law: a made-up authority rule, to check how versions are chosen.  The real
# file records no market-supervision version (the sources give none; see values.json).
TEST_RULE = {
    "from": "2026-06-01",
    "rule": "《测试用市场监管信用规则》",
    "grades": {
        "general": {
            "label": "测试一般失信信息",
            "text": "测试公示期甲",
            "repair": "测试修复条件甲。",
        }
    },
}


def _with_test_rule() -> legal_values.LegalValues:
    data = copy.deepcopy(dict(legal_values.load().data))
    data["credit_publication_by_authority"]["market_supervision"]["versions"] = [TEST_RULE]
    return legal_values.LegalValues(data)


def test_the_recorded_values_are_well_formed_and_only_sourced_versions_are_recorded() -> None:
    raw = json.loads(legal_values.default_path().read_text(encoding="utf-8"))
    for version in raw["credit_publication"]:
        date.fromisoformat(version["from"])
        assert version["rule"].startswith("《")
        for grade in version["grades"].values():
            assert grade["label"] and grade["text"] and grade["repair"]
    market = raw["credit_publication_by_authority"]["market_supervision"]
    assert "市场监督管理局" in market["match"]
    assert market["versions"] == []  # nothing in DOCUMENTS.md / BRIEF.md gives these periods


def test_without_a_recorded_authority_rule_the_national_rule_applies() -> None:
    legal = legal_values.load()
    before = legal.credit_grade("general", date(2026, 3, 9), MARKET)
    after = legal.credit_grade("general", date(2026, 5, 6), MARKET)
    assert before["rule"] == "《失信行为纠正后的信用信息修复管理办法（试行）》"
    assert after["rule"] == "《信用修复管理办法》"
    assert "authority" not in before and "authority" not in after


def test_an_authority_rule_applies_from_its_date_and_only_to_that_authority() -> None:
    legal = _with_test_rule()
    chosen = legal.credit_grade("general", date(2026, 6, 1), MARKET)
    assert chosen["rule"] == "《测试用市场监管信用规则》"
    assert chosen["text"] == "测试公示期甲"
    assert chosen["authority"] == "市场监督管理部门"
    # the day before it takes effect: the national rule in force then
    assert (
        legal.credit_grade("general", date(2026, 5, 31), MARKET)["rule"] == "《信用修复管理办法》"
    )
    # another authority on the same day: the national rule
    assert legal.credit_grade("general", date(2026, 6, 1), SAFETY)["rule"] == "《信用修复管理办法》"
    # a grade the authority's rule does not define is refused, naming the grades it has
    with pytest.raises(DomainError) as err:
        legal.credit_grade("serious", date(2026, 6, 1), MARKET)
    assert "没有该失信等级" in err.value.message_zh
    assert "测试一般失信信息" in err.value.message_zh


def test_the_notice_prints_the_rule_of_its_authority_and_date(tmp_path: Path) -> None:
    legal = _with_test_rule()
    data = sample(
        "credit_repair_notice",
        penalty_date="2026-06-02",
        date="2026-06-03",
        number="虞市监信修〔2026〕12号",
    )
    pdf = tmp_path / "market.pdf"
    pdf.write_bytes(render([LetterRequest("credit_repair_notice", data)], KEY, legal=legal))
    text = pdf_text(pdf)
    assert "根据《测试用市场监管信用规则》" in text
    assert "属于测试一般失信信息,测试公示期甲" in text
    other = dict(data, authority=SAFETY)
    pdf.write_bytes(render([LetterRequest("credit_repair_notice", other)], KEY, legal=legal))
    text = pdf_text(pdf)
    assert "根据《信用修复管理办法》" in text
    assert "最短公示期为三个月,最长公示期为一年" in text
    serious = dict(data, grade="serious")
    with pytest.raises(LetterDataError) as err:
        render([LetterRequest("credit_repair_notice", serious)], KEY, legal=legal)
    assert "没有该失信等级" in err.value.message_zh
