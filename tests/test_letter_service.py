"""Letters at the desk: drafts, approval with numbers, corrections, voiding, verification, bundles."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.domain.errors import DomainError, PermissionDenied
from compliance_desk.domain.letters import LetterStatus
from compliance_desk.persistence.models import Department
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.signing_keys import KeyStore
from tests.conftest import FAST_HASHER, FixedClock
from tests.letters_pdf import body_text, pdf_text, qr_codes, sample
from tests.letters_pdf import fonts as pdf_fonts


@pytest.fixture(autouse=True)
def _the_samples_day(clock: FixedClock) -> None:
    """The sample letters are written on 2026-03-09: approved that day (a letter is never
    issued before its date, nor its deadline less than the minimum after issue)."""
    clock.now = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)


@pytest.fixture
def adviser(desk: Desk, admin: CurrentUser) -> CurrentUser:
    return desk.auth.login("adviser", "Adviser2026")


def market(desk: Desk) -> uuid.UUID:
    with desk.ctx.factory() as s:
        return s.scalars(select(Department.id).where(Department.number_prefix == "虞市监")).one()


def draft(desk: Desk, user: CurrentUser, kind: str, case_id: uuid.UUID | None = None,
          **changes: Any) -> Any:  # fmt: skip
    return desk.letters.draft(
        user, kind, sample(kind, **changes), department_id=market(desk), case_id=case_id
    )


def issue(desk: Desk, user: CurrentUser, kind: str, **kw: Any) -> Any:
    letter = draft(desk, user, kind, **kw)
    return desk.letters.approve(user, letter.id, letter.row_version)


def issue_case(desk: Desk, user: CurrentUser, case: uuid.UUID) -> list[str]:
    """A 三书同达 case issued out of order (advice first); the notice cites the decision."""
    advice = issue(desk, user, "advice_letter", case_id=case)
    penalty = issue(desk, user, "penalty_decision", case_id=case)
    credit = issue(desk, user, "credit_repair_notice", case_id=case,
                   penalty_number=penalty.number)  # fmt: skip
    return [advice.number, penalty.number, credit.number]


def test_approval_numbers_signs_and_freezes_the_letter(
    desk: Desk, adviser: CurrentUser, tmp_path: Path
) -> None:
    letter = draft(desk, adviser, "penalty_decision")
    assert letter.status == LetterStatus.DRAFT and letter.number is None
    preview = tmp_path / "draft.pdf"
    preview.write_bytes(desk.letters.pdf(adviser, letter.id))
    assert "草稿" in pdf_text(preview) and "〔2026〕" not in pdf_text(preview)

    issued = desk.letters.approve(adviser, letter.id, letter.row_version)
    assert issued.status == LetterStatus.ISSUED
    assert issued.number == "虞市监处罚〔2026〕1号"
    assert issued.approved_by == adviser.display_name == "李律师"
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(desk.letters.pdf(adviser, letter.id))
    assert "虞市监处罚〔2026〕1号" in pdf_text(pdf)
    (code,) = qr_codes(pdf, tmp_path)
    result = desk.letters.verify(code)
    assert result.genuine and result.letter is not None and result.letter.id == letter.id
    assert "真实有效" in result.message

    with pytest.raises(DomainError) as err:
        desk.letters.update_draft(adviser, letter.id, sample("penalty_decision"), 99)
    assert "不能修改" in err.value.message_zh
    with pytest.raises(DomainError):
        desk.letters.approve(adviser, letter.id, issued.row_version)


def test_numbers_run_per_series_and_year_without_padding(
    desk: Desk, adviser: CurrentUser, clock: FixedClock
) -> None:
    numbers = [issue(desk, adviser, "penalty_decision").number for _ in range(3)]
    numbers.append(issue(desk, adviser, "advice_letter").number)
    clock.now = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # issued in the new year
    numbers.append(issue(desk, adviser, "penalty_decision", date="2027-01-04").number)
    assert numbers == [
        "虞市监处罚〔2026〕1号",
        "虞市监处罚〔2026〕2号",
        "虞市监处罚〔2026〕3号",
        "虞市监合建〔2026〕1号",
        "虞市监处罚〔2027〕1号",
    ]


def test_only_the_legal_adviser_approves(
    desk: Desk, adviser: CurrentUser, clerk: CurrentUser, admin: CurrentUser,
    inspector: CurrentUser,
) -> None:  # fmt: skip
    letter = draft(desk, inspector, "advice_letter")  # inspectors draft advice after inspections
    for user in (clerk, admin, inspector):
        with pytest.raises(PermissionDenied):
            desk.letters.approve(user, letter.id, letter.row_version)
    with pytest.raises(PermissionDenied):
        desk.letters.draft(clerk, "penalty_decision", {})
    assert desk.letters.approve(adviser, letter.id, letter.row_version).number


def test_incomplete_data_spends_no_number(desk: Desk, adviser: CurrentUser) -> None:
    letter = draft(desk, adviser, "penalty_decision", facts="")
    with pytest.raises(DomainError) as err:
        desk.letters.approve(adviser, letter.id, letter.row_version)
    assert "缺少“违法事实”" in err.value.message_zh
    assert desk.letters.letter(adviser, letter.id).status == LetterStatus.DRAFT
    fixed = desk.letters.update_draft(
        adviser, letter.id, sample("penalty_decision"), letter.row_version
    )
    assert desk.letters.approve(adviser, fixed.id, fixed.row_version).number == (
        "虞市监处罚〔2026〕1号"
    )


def test_a_correction_is_a_new_letter_that_names_the_old(
    desk: Desk, adviser: CurrentUser, tmp_path: Path
) -> None:
    old = issue(desk, adviser, "penalty_decision")
    fix = desk.letters.correct(adviser, old.id)
    assert fix.status == LetterStatus.DRAFT and fix.corrects_id == old.id
    assert desk.letters.correct(adviser, old.id).id == fix.id  # asked again: the same draft
    new = desk.letters.approve(adviser, fix.id, fix.row_version)
    assert new.number == "虞市监处罚〔2026〕2号"
    pdf = tmp_path / "new.pdf"
    pdf.write_bytes(desk.letters.pdf(adviser, new.id))
    assert "本决定书系对虞市监处罚〔2026〕1号的更正,原决定书同时作废" in body_text(pdf)
    assert desk.letters.letter(adviser, old.id).status == LetterStatus.SUPERSEDED
    old_pdf = tmp_path / "old.pdf"
    old_pdf.write_bytes(desk.letters.pdf(adviser, old.id))
    (code,) = qr_codes(old_pdf, tmp_path)
    result = desk.letters.verify(code)
    assert not result.genuine and "已被更正" in result.message
    register = {n.number: n.status for n in desk.letters.numbers(adviser)}
    assert register[old.number] == "已更正" and register[new.number] == "已签发"


def test_a_voided_number_stays_in_the_register_with_its_reason(
    desk: Desk, adviser: CurrentUser
) -> None:
    first = issue(desk, adviser, "penalty_decision")
    with pytest.raises(DomainError):
        desk.letters.void(adviser, first.id, "  ")
    desk.letters.void(adviser, first.id, "送达前发现当事人名称有误")
    second = issue(desk, adviser, "penalty_decision")
    assert second.number == "虞市监处罚〔2026〕2号"  # never reused
    register = {n.number: n for n in desk.letters.numbers(adviser, 2026)}
    assert register["虞市监处罚〔2026〕1号"].status == "已作废"
    assert register["虞市监处罚〔2026〕1号"].void_reason == "送达前发现当事人名称有误"
    assert register["虞市监处罚〔2026〕2号"].status == "已签发"
    typed = desk.letters.verify_typed("虞市监处罚〔2026〕1号", "AAAA-BBBB-CCCC-DDDD")
    assert not typed.genuine


def test_typed_verification_code(desk: Desk, adviser: CurrentUser, tmp_path: Path) -> None:
    letter = issue(desk, adviser, "advice_letter")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(desk.letters.pdf(adviser, letter.id))
    text = pdf_text(pdf)
    code = text.split("核验码")[1][:19]
    assert desk.letters.verify_typed(letter.number, code.lower()).genuine
    wrong = ("B" if code[0] != "B" else "C") + code[1:]
    assert not desk.letters.verify_typed(letter.number, wrong).genuine
    forged = desk.letters.verify_typed("虞市监合建〔2026〕999号", code)
    assert not forged.genuine and "伪造" in forged.message
    # 〔〕 are hard to type: the number as people type it from the paper is the same number
    assert letter.number is not None
    for typed in (letter.number.replace("〔", "[").replace("〕", "]"),
                  letter.number.replace("〔", "【").replace("〕", "】"),
                  letter.number.replace("〔", "（").replace("〕", "）").replace("2026", "２０２６"),
                  letter.number.replace("号", " 号")):  # fmt: skip
        assert desk.letters.verify_typed(typed, code.replace("-", "－")).genuine, typed


def test_a_forged_code_is_called_forged(desk: Desk, adviser: CurrentUser) -> None:
    result = desk.letters.verify("CDV1|虞市监处罚〔2026〕1号|91330604QU4AX6JM2M|20260309|x|y|z")
    assert not result.genuine and result.letter is None


def test_templates_are_versioned_and_letters_keep_theirs(
    desk: Desk, adviser: CurrentUser, admin: CurrentUser, tmp_path: Path
) -> None:
    before = draft(desk, adviser, "advice_letter")
    body = desk.letters.templates(admin, "advice_letter")[0].body
    with pytest.raises(PermissionDenied):
        desk.letters.save_template(adviser, "advice_letter", body + "附：合规指引\n", "x")
    with pytest.raises(DomainError) as err:
        desk.letters.save_template(admin, "advice_letter", body + "{{ nonsense }}", "bad")
    assert "模板" in err.value.message_zh
    v2 = desk.letters.save_template(
        admin, "advice_letter", body.replace("@sign", "特此建议。\n@sign"), "加结束语"
    )
    assert v2.version == 2
    assert [t.version for t in desk.letters.templates(admin, "advice_letter")] == [2, 1]
    after = draft(desk, adviser, "advice_letter")
    old_pdf, new_pdf = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old = desk.letters.approve(adviser, before.id, before.row_version)
    new = desk.letters.approve(adviser, after.id, after.row_version)
    assert (old.template_version, new.template_version) == (1, 2)
    old_pdf.write_bytes(desk.letters.pdf(adviser, old.id))
    new_pdf.write_bytes(desk.letters.pdf(adviser, new.id))
    assert "特此建议" not in pdf_text(old_pdf) and "特此建议" in pdf_text(new_pdf)


def test_the_bundle_serves_with_the_desks_wording_of_the_service_receipt(
    desk: Desk, adviser: CurrentUser, admin: CurrentUser, tmp_path: Path
) -> None:
    case = uuid.uuid4()
    issue_case(desk, adviser, case)
    body = desk.letters.templates(admin, "service_receipt")[0].body
    desk.letters.save_template(
        admin, "service_receipt", body + "本回证由送达人交回合规服务中心存档。\n", "存档说明"
    )
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(desk.letters.bundle(adviser, case, method="邮寄送达"))
    text = body_text(pdf)
    assert "本回证由送达人交回合规服务中心存档" in text
    assert "送达方式邮寄送达" in text and "□" not in text


def test_the_bundle_prints_three_letters_and_the_service_receipt_in_order(
    desk: Desk, adviser: CurrentUser, tmp_path: Path
) -> None:
    case = uuid.uuid4()
    with pytest.raises(DomainError) as err:
        desk.letters.bundle(adviser, case)
    assert "三书同达还缺" in err.value.message_zh
    numbers = issue_case(desk, adviser, case)
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(desk.letters.bundle(adviser, case))
    text = body_text(pdf)
    order = [text.index(KINDS[k].title) for k in
             ("penalty_decision", "advice_letter", "credit_repair_notice", "service_receipt")]  # fmt: skip
    assert order == sorted(order)
    receipt = text[order[3] :]
    for number in numbers:
        assert number in receipt
    # Nobody chose how it will be served, nor who serves it: ticked and signed by hand
    # (it printed 直接送达 and the adviser's name on every bundle, mailed or refused alike).
    assert "□留置" in receipt and "李律师" not in receipt and "送达人签名年月日" in receipt
    # Printed on both sides (GB/T 9704): every letter begins on a front side, its "— 1 —" on
    # an odd sheet side; a letter of an odd page count is followed by a blank back.
    sides = PdfReader(pdf).pages
    firsts = [n for n, page in enumerate(sides, start=1) if "— 1 —" in (page.extract_text() or "")]
    assert len(firsts) == 4 and all(n % 2 == 1 for n in firsts) and len(sides) % 2 == 0
    blank = [n for n, page in enumerate(sides, start=1) if not (page.extract_text() or "").strip()]
    assert all(n % 2 == 0 for n in blank)
    done: list[tuple[int, int]] = []
    merged, problems = desk.letters.bundles(
        adviser, [case, uuid.uuid4()], lambda d, t: done.append((d, t)) or True
    )
    assert merged.startswith(b"%PDF") and len(problems) == 1 and "三书同达还缺" in problems[0]
    assert done[-1] == (4, 4)  # two steps a case: checked, drawn
    assert [d for d, _ in done] == sorted(d for d, _ in done)
    with pytest.raises(DomainError) as err:
        desk.letters.bundles(adviser, [case, case], lambda d, t: d < 1)
    assert "取消" in err.value.message_zh


def _font_bytes(pdf: bytes) -> int:
    """The embedded font files' bytes as stored (deflated), each file once."""
    reader = PdfReader(io.BytesIO(pdf))
    seen, total = set(), 0
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            stream = ref.get_object()["/FontDescriptor"].raw_get("/FontFile2")
            if stream.idnum not in seen:
                seen.add(stream.idnum)
                total += len(stream.get_object()._data)  # as stored (pypdf drops /Length)
    return total


def test_a_batch_is_one_document_with_each_font_once_in_case_order(
    desk: Desk, adviser: CurrentUser, tmp_path: Path
) -> None:
    names = ["上虞喆丰伞业有限公司", "上虞堃泰伞业有限公司", "上虞镕辉伞业有限公司",
             "上虞昇华伞业有限公司", "上虞珺玥伞业有限公司"]  # fmt: skip
    cases = []
    for name in names:
        case = uuid.uuid4()
        party = sample("penalty_decision")["party"] | {"name": name}
        advice = issue(desk, adviser, "advice_letter", case_id=case, party=party)
        penalty = issue(desk, adviser, "penalty_decision", case_id=case, party=party)
        issue(desk, adviser, "credit_repair_notice", case_id=case, party=party,
              penalty_number=penalty.number)  # fmt: skip
        assert advice.number
        cases.append(case)
    single = desk.letters.bundle(adviser, cases[0])
    batch, problems = desk.letters.bundles(adviser, cases)
    assert problems == []
    pages = PdfReader(io.BytesIO(single)).pages
    per_bundle = len(pages)
    reader = PdfReader(io.BytesIO(batch))
    assert len(reader.pages) == per_bundle * len(names)
    # Page order: each bundle whole, in the order asked, its letters in 三书同达 order.
    path = tmp_path / "batch.pdf"
    path.write_bytes(batch)
    for n, name in enumerate(names):
        first, last = n * per_bundle + 1, (n + 1) * per_bundle
        text = pdf_text(path, first, last)
        assert text.startswith("绍兴市上虞区市场监督管理局行政处罚决定书"), n
        assert name in text and all(other not in text for other in names if other != name)
        order = [text.index(KINDS[k].title) for k in ("penalty_decision", "advice_letter",
                 "credit_repair_notice", "service_receipt")]  # fmt: skip
        assert order == sorted(order)
    # Size: the fonts about once (the five names add a few glyphs), then each bundle's own
    # pages; merging five separate bundles would carry the fonts five times.
    fonts_single, fonts_batch = _font_bytes(single), _font_bytes(batch)
    content_single = len(single) - fonts_single
    assert fonts_batch < 1.25 * fonts_single
    assert len(batch) < fonts_batch + len(names) * content_single * 1.1
    assert len(batch) < 0.5 * len(names) * len(single)
    assert all(font[2] == "yes" for font in pdf_fonts(path))  # every font embedded


@pytest.mark.postgres
def test_two_desks_issuing_at_once_never_share_a_number(
    pg_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    desks = [open_desk(pg_url, clock=clock, hasher=FAST_HASHER) for _ in range(6)]
    for i, d in enumerate(desks):  # six machines, each with its own key
        d.letters.keys = KeyStore(tmp_path / f"machine{i}")
    try:
        from compliance_desk.services.demo_data import ensure_demo_users

        ensure_demo_users(desks[0].ctx)
        users = [d.auth.login("adviser", "Adviser2026") for d in desks]
        drafts = [
            [draft(d, u, "penalty_decision") for _ in range(5)]
            for d, u in zip(desks, users, strict=True)
        ]
        barrier = threading.Barrier(len(desks))
        issued: list[str] = []
        errors: list[BaseException] = []

        def work(i: int) -> None:
            barrier.wait()
            for letter in drafts[i]:
                try:
                    view = desks[i].letters.approve(users[i], letter.id, letter.row_version)
                    issued.append(view.number or "")
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(desks))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert sorted(issued) == sorted(f"虞市监处罚〔2026〕{n}号" for n in range(1, 31))
        # Every machine's key is published: a letter from any of them verifies at desk 0.
        for d, u in zip(desks, users, strict=True):
            letter = d.letters.letters(u)[0]
            result = desks[0].letters.verify(_qr_of(d, letter.id))
            assert result.genuine, result.message
    finally:
        for d in desks:
            d.close()


def _qr_of(desk: Desk, letter_id: uuid.UUID) -> str:
    from compliance_desk.persistence.letter_models import Letter

    with desk.ctx.factory() as s:
        row = s.get(Letter, letter_id)
        assert row is not None and row.qr_text
        return row.qr_text


def test_a_bundle_refuses_letters_whose_data_changed_after_signing(
    desk: Desk, adviser: CurrentUser, tmp_path: Path
) -> None:
    from compliance_desk.persistence.letter_models import Letter
    from tests.letters_pdf import fonts

    case = uuid.uuid4()
    issue_case(desk, adviser, case)
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(desk.letters.bundle(adviser, case))
    assert all(emb == "yes" for _, _, emb in fonts(pdf))
    codes = qr_codes(pdf, tmp_path, page=1)
    assert codes and desk.letters.verify(codes[0]).genuine
    with desk.ctx.factory() as s:  # someone edits the stored record behind the desk's back
        row = s.scalars(select(Letter).where(Letter.kind == "penalty_decision")).one()
        row.data = row.data | {"penalty": "罚款人民币1元"}
        s.commit()
    with pytest.raises(DomainError) as err:
        desk.letters.bundle(adviser, case)
    assert "签名不符" in err.value.message_zh
    result = desk.letters.verify(codes[0])
    assert not result.genuine and "内容不符" in result.message


def test_one_letter_corrected_twice_issues_only_one_correction(
    desk: Desk, adviser: CurrentUser
) -> None:
    old = issue(desk, adviser, "penalty_decision")
    first = desk.letters.correct(adviser, old.id)
    # another desk drafted one too (offline): the two met by sync
    data = {k: v for k, v in old.data.items() if k not in ("number", "corrects")}
    second = desk.letters.draft(adviser, "penalty_decision", data, corrects_id=old.id,
                                department_id=market(desk))  # fmt: skip
    desk.letters.approve(adviser, first.id, first.row_version)
    with pytest.raises(DomainError) as err:
        desk.letters.approve(adviser, second.id, second.row_version)
    assert "已更正" in err.value.message_zh
    voided = issue(desk, adviser, "penalty_decision")
    fix = desk.letters.correct(adviser, voided.id)
    desk.letters.void(adviser, voided.id, "当事人撤回")
    with pytest.raises(DomainError):
        desk.letters.approve(adviser, fix.id, fix.row_version)
    assert desk.letters.letter(adviser, voided.id).status == LetterStatus.VOIDED


def test_the_correction_note_cannot_be_typed_in(desk: Desk, adviser: CurrentUser) -> None:
    letter = issue(desk, adviser, "penalty_decision", corrects="虞市监处罚〔2025〕9号")
    assert "corrects" not in letter.data or not letter.data["corrects"]


def test_a_bundle_checks_that_its_letters_belong_together(desk: Desk, adviser: CurrentUser) -> None:
    case = uuid.uuid4()
    issue(desk, adviser, "advice_letter", case_id=case)
    issue(desk, adviser, "penalty_decision", case_id=case)
    elsewhere = issue(desk, adviser, "penalty_decision")  # another case's decision
    issue(desk, adviser, "credit_repair_notice", case_id=case,
          penalty_number=elsewhere.number)  # fmt: skip
    with pytest.raises(DomainError) as err:
        desk.letters.bundle(adviser, case)
    assert "不一致" in err.value.message_zh and elsewhere.number in err.value.message_zh
    other = uuid.uuid4()
    issue_case(desk, adviser, other)
    issue(desk, adviser, "advice_letter", case_id=other)
    with pytest.raises(DomainError) as err:
        desk.letters.bundle(adviser, other)
    assert "两份已签发的行政合规建议书" in err.value.message_zh


def test_a_reprint_says_what_the_original_said(
    desk: Desk, adviser: CurrentUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance_desk.documents import legal_values

    case = uuid.uuid4()
    issue_case(desk, adviser, case)
    changed = legal_values.LegalValues(
        legal_values.load().data
        | {"review": [{"from": "2000-01-01", "period": "十五日", "basis": "某新法第一条"}],
           "rectification_min_months": [{"from": "2000-01-01", "months": 6}]}
    )  # fmt: skip
    monkeypatch.setattr(legal_values, "load", lambda path="": changed)
    pdf = tmp_path / "reprint.pdf"
    pdf.write_bytes(desk.letters.bundle(adviser, case))
    text = body_text(pdf)
    assert "六十日内" in text and "十五日内向" not in text
    codes = qr_codes(pdf, tmp_path, page=1)
    assert desk.letters.verify(codes[0]).genuine


def test_late_service_is_flagged(desk: Desk, adviser: CurrentUser, clock: FixedClock) -> None:
    case = uuid.uuid4()
    issue_case(desk, adviser, case)
    from datetime import datetime

    clock.now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    (warning,) = desk.letters.bundle_warnings(adviser, case)
    assert "第六十一条" in warning and "11 日" in warning


def test_a_new_letter_starts_on_chinas_date_with_a_deadline_the_law_allows(
    desk: Desk, adviser: CurrentUser, clock: FixedClock
) -> None:
    """At 04:00 in Shangyu (20:00 UTC the day before) a new letter is dated today there; an
    advice letter's rectification deadline starts at the shortest the law allows (it started
    as today, which the letter's own check then refused)."""
    from datetime import UTC, date, datetime

    from compliance_desk.documents import kinds

    clock.now = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    data = desk.letters.prefill(adviser, None, None, "advice_letter")
    assert data["date"] == "2026-03-02"
    assert data["rectification_deadline"] == "2026-06-02"  # three months on
    filled = {**sample("advice_letter"), **data}
    kinds.check_data(kinds.kind("advice_letter"), filled)  # accepted as it starts
    early = {**filled, "rectification_deadline": date(2026, 6, 1).isoformat()}
    with pytest.raises(kinds.LetterDataError):  # a day sooner is refused: the start is the edge
        kinds.check_data(kinds.kind("advice_letter"), early)
    assert "rectification_deadline" not in desk.letters.prefill(
        adviser, None, None, "penalty_decision"
    )


def test_approval_checks_the_letters_dates_against_the_day_of_issue(
    desk: Desk, adviser: CurrentUser, clock: FixedClock
) -> None:
    """A letter is not issued before the date it bears, and an advice letter's deadline is at
    least the legal minimum after the day it is issued, not only after the date typed on it
    (a draft dated in March approved in November gave a deadline already past)."""
    future = draft(desk, adviser, "penalty_decision", date="2026-03-10")
    with pytest.raises(DomainError) as refused:
        desk.letters.approve(adviser, future.id, future.row_version)
    assert "成文日期（2026年3月10日）晚于今天，不能签发" in refused.value.message_zh
    old = draft(desk, adviser, "advice_letter")  # dated 03-09, deadline 06-30
    clock.now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as late:
        desk.letters.approve(adviser, old.id, old.row_version)
    assert "整改期限应不早于2027年2月28日（签发之日起至少3个月）" in late.value.message_zh
    assert desk.letters.letter(adviser, old.id).status == LetterStatus.DRAFT  # no number spent
    wrong = draft(desk, adviser, "advice_letter", inspection_date="2026-03-20", contact_phone="abc")
    with pytest.raises(DomainError) as odd:
        desk.letters.approve(adviser, wrong.id, wrong.row_version)
    assert "检查日期（2026年3月20日）不能晚于成文日期（2026年3月9日）" in odd.value.message_zh
    assert "联系电话格式不正确" in odd.value.message_zh
    two = draft(desk, adviser, "advice_letter", contact_phone="0575-82110174、13957667049",
                date="2026-11-30", rectification_deadline="2027-03-01")  # fmt: skip
    issued = desk.letters.approve(adviser, two.id, two.row_version)
    assert issued.number == "虞市监合建〔2026〕1号"


def test_a_database_from_an_older_release_gets_this_releases_wording_unless_edited(
    tmp_path: Path,
) -> None:
    """Desks opened before a release changed the shipped wording kept the old: the bundle's
    service receipt printed an empty 送达方式 and no date lines.  An administrator's own
    wording stays as it is; nothing is added twice."""
    from compliance_desk.persistence.letter_models import LetterTemplate
    from compliance_desk.services.demo_data import ensure_demo_users

    url = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    desk = open_desk(url, hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    with desk.ctx.factory() as s:  # as an older release shipped them
        for row in s.scalars(select(LetterTemplate).where(
                LetterTemplate.kind.in_(["service_receipt", "appeal_receipt"]))):  # fmt: skip
            row.body = "| 送达文书 | 旧措辞\n@sign\n"
        s.commit()
    admin = desk.auth.login("admin", "Admin2026")
    own = KINDS["appeal_receipt"].default_template() + "本中心自拟的措辞。\n"
    desk.letters.save_template(admin, "appeal_receipt", own, "自拟")
    desk.close()
    for _ in range(2):  # opened by this release, twice
        desk = open_desk(url, hasher=FAST_HASHER)
        admin = desk.auth.login("admin", "Admin2026")
        receipt = desk.letters.templates(admin, "service_receipt")
        assert [t.version for t in receipt] == [2, 1]
        assert "见证人签名" in receipt[0].body and receipt[0].note == "随系统升级更新的措辞"
        own = desk.letters.templates(admin, "appeal_receipt")
        assert [t.version for t in own] == [2, 1] and "本中心自拟的措辞" in own[0].body
        desk.close()


def test_a_draft_given_another_party_is_the_other_enterprises_letter(
    desk: Desk, adviser: CurrentUser, admin: CurrentUser
) -> None:
    """The party changed on a draft: the letters list and the compliant list followed the
    first enterprise, the letter was addressed to the second."""
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.domain.uscc import with_check_character

    first = desk.enterprises.create(admin, EnterpriseDraft(
        name="绍兴甲伞业有限公司", uscc=with_check_character("91330604MA2JA0001")))  # fmt: skip
    second = desk.enterprises.create(admin, EnterpriseDraft(
        name="绍兴乙伞业有限公司", uscc=with_check_character("91330604MA2JA0002")))  # fmt: skip
    party = {"name": first.name, "uscc": first.uscc, "address": "崧厦街道"}
    made = draft(desk, adviser, "penalty_decision", party=party)
    assert made.enterprise_id == first.id
    data = desk.letters.letter(adviser, made.id).data | {
        "party": {"name": second.name, "uscc": second.uscc, "address": "崧厦街道"}}  # fmt: skip
    again = desk.letters.update_draft(adviser, made.id, data, made.row_version)
    assert again.enterprise_id == second.id
    issued = desk.letters.approve(adviser, again.id, again.row_version)
    assert issued.enterprise_id == second.id


def test_a_credit_notice_cites_a_decision_in_force_to_its_party_of_its_date(
    desk: Desk, adviser: CurrentUser
) -> None:
    from compliance_desk.domain.uscc import with_check_character

    """A notice citing 〔2026〕99号, never issued, was approved; so was one with the decision's
    date left as preset."""
    penalty = issue(desk, adviser, "penalty_decision")
    for changes, said in (
        ({"penalty_number": "虞市监处罚〔2026〕99号"}, "不在本系统的文号登记簿中"),
        ({"penalty_number": penalty.number, "penalty_date": "2026-03-01"}, "处罚决定日期应为"),
        ({"penalty_number": penalty.number,
          "party": sample("penalty_decision")["party"] | {"uscc": with_check_character("91330604MA2JA0001")}},
         "当事人不是本告知书的当事人"),
    ):  # fmt: skip
        notice = draft(desk, adviser, "credit_repair_notice", **changes)
        with pytest.raises(DomainError) as err:
            desk.letters.approve(adviser, notice.id, notice.row_version)
        assert said in err.value.message_zh
    notice = draft(desk, adviser, "credit_repair_notice", penalty_number=penalty.number)
    assert desk.letters.approve(adviser, notice.id, notice.row_version).number


def test_a_template_that_drops_what_the_law_asks_is_refused(desk: Desk, admin: CurrentUser) -> None:
    """A penalty decision's wording without its remedies and signature, or empty, was saved,
    and the next decisions were numbered and signed with nothing in them."""
    body = desk.letters.templates(admin, "penalty_decision")[0].body
    without_remedies = "\\n".join(
        line for line in body.splitlines() if "review_authority" not in line and "@sign" not in line
    )
    for wording, said in ((without_remedies, "行政复议机关"), (without_remedies, "@sign"),
                          ("", "当事人·名称")):  # fmt: skip
        with pytest.raises(DomainError) as err:
            desk.letters.save_template(admin, "penalty_decision", wording, "删减")
        assert (
            "模板缺少行政处罚决定书必须载明的内容" in err.value.message_zh
            and said in err.value.message_zh
        )
    assert [t.version for t in desk.letters.templates(admin, "penalty_decision")] == [1]
    # Rewording that keeps every value is saved.
    kept = body.replace("特此", "特此决定") if "特此" in body else body + "此页无正文。\\n"
    assert desk.letters.save_template(admin, "penalty_decision", kept, "措辞").version == 2
