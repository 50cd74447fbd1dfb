"""The appeal receipt handed over at the desk, and the line breaking every letter shares."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from compliance_desk.bootstrap import Desk
from compliance_desk.documents.linebreak import NO_END, NO_START, Glyph, break_lines
from compliance_desk.documents.templates import chinese_date, chinese_number
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import PermissionDenied
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.demo_data import load_demo
from tests.letters_pdf import body_text, fonts, pdf_text, qr_codes

CN = timezone(timedelta(hours=8))


@pytest.fixture
def receipt_pdf(sqlite_desk: Desk, clock, tmp_path: Path) -> tuple[Path, str, str]:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 2, 13, 9, 30, tzinfo=CN)  # the Friday before the Spring Festival
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    clerk: CurrentUser = sqlite_desk.auth.login("clerk", "Clerk2026")
    enterprise = sqlite_desk.enterprises.search(clerk, "sx")[0]
    appeal = sqlite_desk.appeals.open_appeal(
        clerk,
        AppealDraft(
            enterprise.id, "劳动合同续签问题 & <岗位调整>", AppealTier.GENERAL, clock.now
        ),  # fmt: skip
    )
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(sqlite_desk.appeals.receipt(clerk, appeal.id, "0575-82112345"))
    return pdf, appeal.number, enterprise.name


def test_the_receipt_says_what_the_enterprise_needs(receipt_pdf: tuple[Path, str, str]) -> None:
    pdf, number, name = receipt_pdf
    text = body_text(pdf)
    for required in ("诉求受理回执", number, name, "一般性问题", "2026年3月5日24时",
                     "劳动合同续签问题&<岗位调整>", "查询办理进度", "民法典", "0575-82112345",
                     "春节"):  # fmt: skip
        assert required in text, required
    assert all(emb == "yes" for _, _, emb in fonts(pdf))
    # one sheet: the counting in brief (its every working day ran it to a second page)
    assert len(PdfReader(pdf).pages) == 1
    assert "调休上班计入" in text and "第1个工作日" not in text


def test_its_qr_code_is_signed_and_names_the_appeal(
    receipt_pdf: tuple[Path, str, str], sqlite_desk: Desk, tmp_path: Path
) -> None:
    pdf, number, name = receipt_pdf
    (code,) = qr_codes(pdf, tmp_path)
    result = sqlite_desk.letters.verify(code)
    assert result.genuine and number in result.message and name in result.message
    assert "核验码" in pdf_text(pdf)


def test_dates_and_heading_numbers_in_chinese() -> None:
    assert chinese_date(date(2026, 3, 9)) == "2026年3月9日"
    assert [chinese_number(n) for n in (1, 10, 12, 20, 21)] == [
        "一",
        "十",
        "十二",
        "二十",
        "二十一",
    ]


def _glyphs(text: str) -> list[Glyph]:
    return [Glyph(c, "f", 16, 8.0 if c.isascii() else 16.0, "fangsong") for c in text]


@given(st.text(alphabet="甲乙丙丁，。、；：！？）》”（《“ab12", min_size=1, max_size=200))
def test_line_breaking_keeps_every_character_and_the_rules(text: str) -> None:
    lines = break_lines(_glyphs(text), 16 * 10, 16 * 12, 0.0)
    assert "".join(line.text for line in lines) == text
    for line in lines[1:]:
        # A line may start with closing punctuation only when the one before is nothing but
        # punctuation (nothing left to pull down).
        if line.text and line.text[0] in NO_START:
            previous = lines[lines.index(line) - 1].text
            assert len(previous) <= 1 or all(c in NO_START | NO_END for c in previous[1:])
    for line in lines[:-1]:
        if line.text and line.text[-1] in NO_END:
            assert len(line.text) == 1 or all(c in NO_END for c in line.text)
    assert all(line.natural <= 16 * 12 + 0.01 for line in lines)


def test_a_year_stays_whole_at_a_line_end() -> None:
    lines = break_lines(_glyphs("甲" * 9 + "2026年"), 16 * 10, 16 * 10, 0.0)
    assert lines[0].text == "甲" * 9 and lines[1].text == "2026年"


def test_heading_numbers_past_ninety_nine() -> None:
    assert [chinese_number(n) for n in (100, 101, 110, 112, 999)] == [
        "一百", "一百零一", "一百一十", "一百一十二", "九百九十九"]  # fmt: skip


def test_a_receipt_printed_again_later_is_the_receipt_of_acceptance(
    sqlite_desk: Desk, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Printed after the appeal moved on (a tier raised, a reply), it still says what was
    accepted and when it was due; its explanation in the letter's words (dates as 2026年2月24日,
    the end at 24时, no ISO dates); no empty phone row when the desk set no number."""
    from compliance_desk.domain.appeal_workflow import Action, Step

    clock.now = datetime(2026, 2, 13, 9, 30, tzinfo=CN)
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    clerk: CurrentUser = sqlite_desk.auth.login("clerk", "Clerk2026")
    enterprise = sqlite_desk.enterprises.search(clerk, "sx")[0]
    appeal = sqlite_desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "简易咨询", AppealTier.SIMPLE, clock.now)
    )
    clock.now = datetime(2026, 3, 2, 9, 30, tzinfo=CN)
    raise_tier = Step(Action.RAISE_TIER, date(2026, 2, 24), "情况复杂", new_tier=AppealTier.MAJOR)
    sqlite_desk.appeals.act(clerk, appeal.id, raise_tier)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    centre = _centre_of(sqlite_desk, appeal.id)
    sqlite_desk.reference.set_contact(admin, centre, "", "")  # a centre without a phone
    pdf = tmp_path / "again.pdf"
    pdf.write_bytes(sqlite_desk.appeals.receipt(clerk, appeal.id))
    text = body_text(pdf)
    assert "简易诉求" in text and "重大涉法问题" not in text
    assert "2026年2月14日24时" in text  # 1 working day after 02-13: the make-up Saturday
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text) and "24:00" not in text
    assert "咨询电话" not in text and "—" not in text
    assert "核验回执真伪" in text


def _centre_of(desk: Desk, appeal_id: object) -> Any:
    from compliance_desk.persistence.models import Appeal

    with desk.ctx.factory() as s:
        appeal = s.get(Appeal, appeal_id)
        assert appeal is not None and appeal.centre_id is not None
        return appeal.centre_id


def test_the_receipt_gives_the_centres_telephone_and_address_as_the_administrator_set_them(
    sqlite_desk: Desk, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.errors import ValidationError

    clock.now = datetime(2026, 2, 13, 9, 30, tzinfo=CN)
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    clerk: CurrentUser = sqlite_desk.auth.login("clerk", "Clerk2026")
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    enterprise = sqlite_desk.enterprises.search(clerk, "sx")[0]
    appeal = sqlite_desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "简易咨询", AppealTier.SIMPLE, clock.now)
    )
    centre = _centre_of(sqlite_desk, appeal.id)
    with pytest.raises(ValidationError) as err:
        sqlite_desk.reference.set_contact(admin, centre, "崧厦街道伞城大道1号", "8211")
    assert "电话" in err.value.problems["phone"]
    with pytest.raises(PermissionDenied):
        sqlite_desk.reference.set_contact(clerk, centre, "崧厦街道伞城大道1号", "0575-82110000")
    sqlite_desk.reference.set_contact(
        admin, centre, " 崧厦街道伞城大道1号 ", "0575-8211 0000、12345"
    )
    (item,) = [i for i in sqlite_desk.reference.items(admin, "centre") if i.id == centre]
    assert (item.address, item.phone) == ("崧厦街道伞城大道1号", "0575-8211 0000、12345")
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(sqlite_desk.appeals.receipt(clerk, appeal.id))
    text = body_text(pdf)
    assert "咨询电话0575-82110000、12345" in text
    assert len(PdfReader(pdf).pages) == 1  # handed over at the desk: one sheet


def test_a_receipt_stays_genuine_after_the_enterprises_code_is_corrected(
    receipt_pdf: tuple[Path, str, str], sqlite_desk: Desk, tmp_path: Path
) -> None:
    """Its code is signed as printed: a correction in the register later is said, not taken
    for tampering (it was "回执可能被篡改")."""
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.domain.uscc import with_check_character

    pdf, number, name = receipt_pdf
    (code,) = qr_codes(pdf, tmp_path)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    (view,) = [v for v in sqlite_desk.enterprises.search(admin, name) if v.name == name]
    corrected = with_check_character("91330604MA2JC0009")
    sqlite_desk.enterprises.update(admin, view.id, EnterpriseDraft(name=name, uscc=corrected),
                                   view.row_version)  # fmt: skip
    result = sqlite_desk.letters.verify(code)
    assert result.genuine and number in result.message and f"更正为 {corrected}" in result.message
