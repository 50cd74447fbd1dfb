"""综合查一次: the draw, the once-a-year guard, walking and signing, corrections, the advice letter,
rectification and the compliant-enterprise list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain import inspections as rules
from compliance_desk.domain.errors import DomainError, PermissionDenied, ValidationError
from compliance_desk.domain.inspections import InspectionStatus, ItemResult, RiskLevel
from compliance_desk.persistence.models import Centre, Department
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.demo_data import ensure_demo_inspectors, load_demo
from tests.letters_pdf import body_text


@pytest.fixture
def world(desk: Desk, admin: CurrentUser) -> Desk:
    load_demo(desk.ctx, "small", appeals=0)
    return desk


@pytest.fixture
def inspector(world: Desk) -> CurrentUser:
    return world.auth.login("inspector", "Inspector2026")


def _ids(desk: Desk) -> tuple[uuid.UUID, list[uuid.UUID]]:
    with desk.ctx.factory() as s:
        centre = s.scalars(select(Centre.id).where(Centre.code == "umbrella")).one()
        departments = list(s.scalars(select(Department.id).limit(3)))
    return centre, departments


def _enterprise(desk: Desk, user: CurrentUser, n: int = 0) -> uuid.UUID:
    """The n-th enterprise found by "sx" that is not on the demo's compliant list."""
    found = desk.enterprises.search(user, "sx", limit=80)
    return [v for v in found if not v.on_compliant_list][n].id


def _as_of(desk: Desk, user: CurrentUser, day: date) -> list[Any]:
    """The compliant list on ``day`` but the demo's own entries (its 2025 list, as a ledger
    would have put it there): what the tests' inspections and rectifications made of it."""
    return [e for e in desk.compliant_list.as_of(user, day) if not e.reason.startswith("示例数据")]


def _walk(desk: Desk, user: CurrentUser, inspection_id: uuid.UUID, findings: int = 0) -> None:
    view = desk.inspections.inspection(user, inspection_id)
    for n, item in enumerate(view.items):
        if n < findings:
            desk.inspections.record(user, item.id, ItemResult.FINDING, risk=RiskLevel.MEDIUM,
                                    description=f"问题{n}：制度未建立")  # fmt: skip
        else:
            desk.inspections.record(user, item.id, ItemResult.PASSED)


def _accept(
    desk: Desk, user: CurrentUser, clock: Any, rect: uuid.UUID, passed: bool, note: str, day: date
) -> Any:
    """整改验收 on ``day``, as the desk does it that day (never dated ahead of today)."""
    from datetime import UTC, datetime

    clock.now = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    return desk.compliant_list.accept(user, rect, passed, note, day)


# -- the draw ----------------------------------------------------------------------------------


def test_a_draw_is_reproducible_from_its_seed() -> None:
    pool = [rules.Candidate(f"e{n:03}", n % 4 == 0) for n in range(200)]
    people = [f"p{n}" for n in range(6)]
    first = rules.draw(pool, people, 10, seed=42, ratio=0.2, compliant_ratio=0.05)
    again = rules.draw(list(reversed(pool)), people, 10, seed=42, ratio=0.2, compliant_ratio=0.05)
    assert first == again  # the order the database returned them in does not matter
    assert rules.draw(pool, people, 10, seed=43, ratio=0.2, compliant_ratio=0.05) != first


def test_compliant_enterprises_are_drawn_at_the_lower_ratio() -> None:
    pool = [rules.Candidate(f"e{n:03}", n < 100) for n in range(400)]  # a quarter listed
    hits = {"listed": 0, "other": 0}
    rounds = 1500
    for seed in range(rounds):
        for cid in rules.draw(pool, ["a", "b"], 8, seed, 0.2, 0.05).enterprises:
            hits["listed" if int(cid[1:]) < 100 else "other"] += 1
    listed_rate = hits["listed"] / (100 * rounds)
    other_rate = hits["other"] / (300 * rounds)
    # Drawn with weight proportional to the ratio: a listed enterprise 1/4 as often.
    assert listed_rate / other_rate == pytest.approx(0.25, rel=0.1)
    # ... also when the draw takes half the pool (weighted sampling drifts there; strata do not).
    half = [rules.Candidate(f"e{n:03}", n < 50) for n in range(100)]
    picked = {"listed": 0, "other": 0}
    for seed in range(600):
        for cid in rules.draw(half, ["a", "b"], 50, seed, 0.2, 0.05).enterprises:
            picked["listed" if int(cid[1:]) < 50 else "other"] += 1
    assert picked["listed"] / picked["other"] == pytest.approx(0.25, rel=0.1)


def test_the_draw_is_recorded_and_redone_from_the_record(
    world: Desk, inspector: CurrentUser
) -> None:
    centre, _ = _ids(world)
    ensure_demo_inspectors(world.ctx)  # a draw sends two of the centre's
    first = world.inspections.draw(inspector, centre, 5, seed=2026)
    again = world.inspections.draw(inspector, centre, 5, seed=2026)
    assert [e for e, _n, _c in first.enterprises] == [e for e, _n, _c in again.enterprises]
    assert first.fingerprint == again.fingerprint and len(first.inspectors) == 2
    with pytest.raises(DomainError) as err:
        world.inspections.draw(inspector, centre, 100_000)
    assert "少于要抽取" in err.value.message_zh


# -- planning and the once-a-year guard --------------------------------------------------------


def test_the_once_a_year_guard_and_its_override(
    world: Desk, inspector: CurrentUser, admin: CurrentUser
) -> None:
    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector)
    first = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
    _walk(world, inspector, first.id)
    signed = world.inspections.sign(inspector, first.id, "企业法务 王玥")
    assert signed.status == InspectionStatus.SIGNED
    assert _as_of(world, inspector, date(2026, 3, 2))[0].enterprise_id == enterprise
    with pytest.raises(DomainError) as err:
        world.inspections.plan(inspector, enterprise, date(2026, 9, 1), departments, [])
    assert "每年综合执法检查不得多于 1 次" in err.value.message_zh
    assert "2027年3月2日前不得再次检查" in err.value.message_zh
    with pytest.raises(DomainError):  # an inspector may not override
        world.inspections.plan(inspector, enterprise, date(2026, 9, 1), departments, [],
                               override_reason="群众举报")  # fmt: skip
    second = world.inspections.plan(admin, enterprise, date(2026, 9, 1), departments, [],
                                    override_reason="群众举报存在重大安全隐患")  # fmt: skip
    assert second.override_reason == "群众举报存在重大安全隐患"
    assert world.inspections.plan(inspector, enterprise, date(2027, 9, 1), departments, [])


def _listed(desk: Desk, user: CurrentUser) -> uuid.UUID:
    return next(v.id for v in desk.enterprises.search(user, "sx", limit=80) if v.on_compliant_list)


def test_an_inspection_planned_by_mistake_is_called_off_and_frees_the_year(
    world: Desk, inspector: CurrentUser
) -> None:
    """Planned a month out by mistake, a listed enterprise could not be planned today (the
    mistake counted as its inspection of the year) nor drawn, and nothing undid it."""
    centre, departments = _ids(world)
    ensure_demo_inspectors(world.ctx)
    listed = _listed(world, inspector)
    mistake = world.inspections.plan(inspector, listed, date(2026, 4, 1), departments, [])
    with pytest.raises(DomainError):
        world.inspections.plan(inspector, listed, date(2026, 3, 2), departments, [])
    left_out = {e for e, _n, _w in world.inspections.draw(inspector, centre, 1, seed=1).left_out}
    assert listed in left_out
    with pytest.raises(ValidationError) as err:
        world.inspections.cancel(inspector, mistake.id, "  ")
    assert "原因" in err.value.message_zh
    cancelled = world.inspections.cancel(inspector, mistake.id, "误排：该企业本月已停产")
    assert cancelled.status == InspectionStatus.CANCELLED
    assert cancelled.cancel_reason == "误排：该企业本月已停产"
    with pytest.raises(DomainError) as err:  # kept, locked: nothing more recorded on it
        world.inspections.record(inspector, cancelled.items[0].id, ItemResult.PASSED)
    assert "已取消" in err.value.message_zh
    with pytest.raises(DomainError):
        world.inspections.cancel(inspector, mistake.id, "再取消一次")
    left_out = {e for e, _n, _w in world.inspections.draw(inspector, centre, 1, seed=1).left_out}
    assert listed not in left_out
    today = world.inspections.plan(inspector, listed, date(2026, 3, 2), departments, [])
    assert today.status == InspectionStatus.PLANNED
    rows = {r.id: r.status for r in world.inspections.recent(inspector)}
    assert rows[mistake.id] == InspectionStatus.CANCELLED  # still listed, as called off


def test_a_planned_inspection_moves_to_another_day(world: Desk, inspector: CurrentUser) -> None:
    """The inspectors go earlier than planned: it is moved (the guard asked again, itself
    left out) and signed that day; a signed one is not moved; one enterprise, one a day."""
    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 2)
    later = world.inspections.plan(inspector, enterprise, date(2026, 3, 20), departments, [])
    _walk(world, inspector, later.id)
    with pytest.raises(DomainError) as err:
        world.inspections.sign(inspector, later.id, "王玥")
    assert "还未到" in err.value.message_zh
    with pytest.raises(DomainError) as err:  # answered: under way, its day is the day it began
        world.inspections.reschedule(inspector, later.id, date(2026, 3, 2))
    assert "尚未开始" in err.value.message_zh
    with pytest.raises(DomainError) as err:  # nor called off: its findings would go with it
        world.inspections.cancel(inspector, later.id, "改日再查")
    assert "已开始记录，不能取消" in err.value.message_zh
    listed = _listed(world, inspector)
    planned = world.inspections.plan(inspector, listed, date(2026, 3, 20), departments, [])
    moved = world.inspections.reschedule(inspector, planned.id, date(2026, 3, 2))
    assert moved.planned_on == date(2026, 3, 2)  # its own old day did not block it
    _walk(world, inspector, moved.id)
    assert world.inspections.sign(inspector, moved.id, "王玥").status == InspectionStatus.SIGNED
    with pytest.raises(DomainError):
        world.inspections.reschedule(inspector, moved.id, date(2026, 3, 3))
    with pytest.raises(DomainError) as err:
        world.inspections.plan(inspector, enterprise, date(2026, 3, 20), departments, [])
    assert "已安排了检查" in err.value.message_zh


def test_only_the_enterprises_a_draw_chose_carry_its_id(
    world: Desk, inspector: CurrentUser
) -> None:
    centre, departments = _ids(world)
    ensure_demo_inspectors(world.ctx)
    drawn = world.inspections.draw(inspector, centre, 2, seed=5)
    chosen = {e for e, _n, _c in drawn.enterprises}
    other = next(v.id for v in world.enterprises.search(inspector, "sx", limit=80)
                 if v.id not in chosen and not v.on_compliant_list)  # fmt: skip
    with pytest.raises(DomainError) as err:
        world.inspections.plan(inspector, other, date(2026, 3, 3), departments, [],
                               draw_id=drawn.id)  # fmt: skip
    assert "不是本次随机抽取的结果" in err.value.message_zh
    first = next(iter(chosen))
    world.inspections.plan(inspector, first, date(2026, 3, 3), departments, [], draw_id=drawn.id)
    assert world.inspections.plan(inspector, other, date(2026, 3, 3), departments, [])


# -- on site ------------------------------------------------------------------------------------


def test_sign_off_needs_every_item_and_then_locks(world: Desk, inspector: CurrentUser) -> None:
    _, departments = _ids(world)
    planned = world.inspections.plan(inspector, _enterprise(world, inspector, 1),
                                     date(2026, 3, 2), departments, [])  # fmt: skip
    assert planned.checklist_version == 1 and len(planned.items) == 24
    world.inspections.record(inspector, planned.items[0].id, ItemResult.FINDING)
    with pytest.raises(DomainError) as err:
        world.inspections.sign(inspector, planned.id, "")
    text = err.value.message_zh
    assert "还有 23 项未作答" in text and "未评定风险等级" in text and "企业到场代表" in text
    _walk(world, inspector, planned.id, findings=2)
    signed = world.inspections.sign(inspector, planned.id, "王玥")
    assert len(signed.findings) == 2 and signed.findings[0].legal_basis  # basis from the list
    with pytest.raises(DomainError) as err:
        world.inspections.record(inspector, signed.items[5].id, ItemResult.FINDING)
    assert "不能再修改" in err.value.message_zh
    fix = world.inspections.correct(inspector, signed.id)
    assert fix.corrects_id == signed.id and len(fix.findings) == 2
    world.inspections.record(inspector, fix.findings[1].id, ItemResult.PASSED)
    world.inspections.sign(inspector, fix.id, "王玥")
    assert world.inspections.inspection(inspector, signed.id).status == InspectionStatus.SUPERSEDED


def test_photos_are_checked_and_kept_by_hash(
    world: Desk, inspector: CurrentUser, tmp_path: Path
) -> None:
    from PIL import Image

    from compliance_desk.services.photos import thumbnail

    _, departments = _ids(world)
    planned = world.inspections.plan(inspector, _enterprise(world, inspector, 2),
                                     date(2026, 3, 2), departments, [])  # fmt: skip
    item = planned.items[0]
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("这不是照片")
    with pytest.raises(DomainError) as err:
        world.inspections.attach_photo(inspector, item.id, not_a_photo)
    assert "不是可以识别的照片" in err.value.message_zh
    big = tmp_path / "big.jpg"
    Image.new("RGB", (7744, 5184), (200, 30, 30)).save(big, quality=70)  # 40 megapixels
    world.inspections.attach_photo(inspector, item.id, big)
    (stored,) = world.inspections.photos(inspector, item.id)
    assert stored.read_bytes() == big.read_bytes()  # the original is kept
    with Image.open(thumbnail(stored)) as thumb:
        assert max(thumb.size) == 320
    assert world.inspections.inspection(inspector, planned.id).items[0].photos == 1
    # The same picture again, into this item or another: one piece of evidence, said so.
    again = tmp_path / "IMG_again.jpg"
    again.write_bytes(big.read_bytes())
    with pytest.raises(DomainError) as err:
        world.inspections.attach_photo(inspector, planned.items[1].id, again)
    assert "已附在本次检查的第" in err.value.message_zh and "IMG_again.jpg" in err.value.message_zh
    heic = tmp_path / "IMG_0001.HEIC"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    with pytest.raises(DomainError) as err:
        world.inspections.attach_photo(inspector, item.id, heic)
    assert "HEIC" in err.value.message_zh and "兼容性最佳" in err.value.message_zh
    # Attached by mistake: taken off while the inspection is open, never after it is signed.
    ((photo_id, _path, name),) = world.inspections.photo_list(inspector, item.id)
    assert name == "big.jpg"
    world.inspections.remove_photo(inspector, photo_id)
    assert world.inspections.photo_list(inspector, item.id) == []
    world.inspections.attach_photo(inspector, item.id, big)  # and can be attached again
    ((kept, _p, _n),) = world.inspections.photo_list(inspector, item.id)
    _walk(world, inspector, planned.id)
    world.inspections.sign(inspector, planned.id, "王玥")
    with pytest.raises(DomainError) as err:
        world.inspections.remove_photo(inspector, kept)
    assert "已签字确认" in err.value.message_zh


# -- the advice letter, rectification and the list ------------------------------------------


def test_findings_become_an_advice_letter_and_acceptance_lists_the_enterprise(
    world: Desk, inspector: CurrentUser, tmp_path: Path, clock: Any
) -> None:
    adviser = world.auth.login("adviser", "Adviser2026")
    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 3)
    planned = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
    view = world.inspections.inspection(inspector, planned.id)
    world.inspections.record(inspector, view.items[0].id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="未审查合作方资质")  # fmt: skip
    world.inspections.record(inspector, view.items[1].id, ItemResult.FINDING,
                             risk=RiskLevel.HIGH, description="外贸合同无验收条款")  # fmt: skip
    for item in view.items[2:]:
        world.inspections.record(inspector, item.id, ItemResult.NOT_APPLICABLE)
    world.inspections.sign(inspector, planned.id, "王玥")
    assert _as_of(world, inspector, date(2026, 3, 2)) == []  # findings: not yet

    data = world.inspections.advice_data(adviser, planned.id)
    assert data["rectification_deadline"] == "2026-09-02"  # low risk: 6 months (the setting)
    assert [f["risk_level"] for f in data["findings"]] == ["低", "高"]
    market = next(d for d, _n, p in world.letters.issuing_departments(adviser) if p == "虞市监")
    draft = world.letters.draft(adviser, "advice_letter", data | {
        "authority": "绍兴市上虞区市场监督管理局", "contact_phone": "0575-82112345",
        "acceptance": "整改完成后请到崧厦伞业合规服务中心窗口申请整改验收。"},
        enterprise_id=enterprise, department_id=market)  # fmt: skip
    letter = world.letters.approve(adviser, draft.id, draft.row_version)
    pdf = tmp_path / "advice.pdf"
    pdf.write_bytes(world.letters.pdf(adviser, letter.id))
    assert "外贸合同无验收条款" in body_text(pdf) and "风险等级:高风险" in body_text(pdf)

    with pytest.raises(DomainError) as err:
        world.inspections.start_rectification(inspector, planned.id, date(2026, 5, 1))
    assert "不得少于3个月" in err.value.message_zh
    rect = world.inspections.start_rectification(inspector, planned.id, date(2026, 9, 2),
                                                 letter.id)  # fmt: skip
    with pytest.raises(DomainError) as again:  # once: a second would be a second deadline
        world.inspections.start_rectification(inspector, planned.id, date(2026, 9, 2))
    assert "已有整改在进行中（期限 2026-09-02）" in again.value.message_zh
    world.compliant_list.submit_evidence(inspector, rect, "提交整改报告及新合同范本")
    done = _accept(world, inspector, clock, rect, True, "整改到位", date(2026, 8, 20))
    assert done.status == "accepted"
    listed = _as_of(world, inspector, date(2026, 8, 20))
    assert [e.enterprise_id for e in listed] == [enterprise]
    assert _as_of(world, inspector, date(2026, 8, 19)) == []  # as of any date


def test_a_penalty_flags_or_removes_a_listed_enterprise(
    world: Desk, inspector: CurrentUser, admin: CurrentUser, tmp_path: Path, clock: Any
) -> None:
    from tests.letters_pdf import sample

    adviser = world.auth.login("adviser", "Adviser2026")
    _, departments = _ids(world)
    listed = [_enterprise(world, inspector, n) for n in (4, 5)]
    for enterprise in listed:
        planned = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
        _walk(world, inspector, planned.id)
        world.inspections.sign(inspector, planned.id, "代表")
    market = next(d for d, _n, p in world.letters.issuing_departments(adviser) if p == "虞市监")

    def penalise(enterprise: uuid.UUID) -> Any:
        e = world.enterprises.get(adviser, enterprise)
        party = {"name": e.name, "uscc": e.uscc, "address": "上虞区崧厦街道"}
        draft = world.letters.draft(adviser, "penalty_decision",
                                    sample("penalty_decision", party=party, date="2026-06-01"),
                                    department_id=market)  # fmt: skip
        clock.now = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # issued on the day it bears
        return world.letters.approve(adviser, draft.id, draft.row_version)

    penalise(listed[0])  # the default: flagged for review, still listed
    entries = {e.enterprise_id: e for e in _as_of(world, admin, date(2026, 6, 1))}
    assert entries[listed[0]].status == "flagged" and "受到行政处罚" in entries[listed[0]].reason
    world.compliant_list.set_policy(admin, "compliant_list.on_penalty", "remove")
    penalise(listed[1])
    entries = {e.enterprise_id: e for e in _as_of(world, admin, date(2026, 6, 1))}
    assert listed[1] not in entries
    history = world.compliant_list.history(admin, listed[1])
    assert [h[1] for h in history] == ["列入", "移出"]
    out = tmp_path / "list.xlsx"
    whole = world.compliant_list.as_of(admin, date(2026, 6, 1))  # the demo's entries too
    assert world.compliant_list.export(admin, out, date(2026, 6, 1)) == len(whole)
    from openpyxl import load_workbook

    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    flagged = world.enterprises.get(admin, listed[0]).name
    assert rows[0][1] == "企业名称" and [r[4] for r in rows if r[1] == flagged] == ["待复核"]

    # A decision voided (issued to the wrong party): the list is as before it.
    world.compliant_list.set_policy(admin, "compliant_list.on_penalty", "flag")
    third = _enterprise(world, inspector, 7)
    planned = world.inspections.plan(inspector, third, date(2026, 6, 1), departments, [])
    _walk(world, inspector, planned.id)
    world.inspections.sign(inspector, planned.id, "代表")
    wrong = penalise(third)
    assert world.enterprises.get(admin, third).on_compliant_list  # flagged: still on it
    entries = {e.enterprise_id: e for e in _as_of(world, admin, date(2026, 6, 1))}
    assert entries[third].status == "flagged"
    world.letters.void(adviser, wrong.id, "当事人错误，误开")
    entries = {e.enterprise_id: e for e in _as_of(world, admin, date(2026, 6, 1))}
    assert entries[third].status == "joined" and "已作废，恢复" in entries[third].reason
    with pytest.raises(DomainError) as again:  # its reason stays the one given
        world.letters.void(adviser, wrong.id, "另一个理由")
    assert "当事人错误，误开" in again.value.message_zh


def test_only_administrators_edit_checklists_and_exemptions(
    world: Desk, inspector: CurrentUser, admin: CurrentUser
) -> None:
    current = world.inspections.checklist(admin, None)
    items = [{"area": "labour", "text": "订立书面劳动合同", "legal_basis": "《劳动合同法》第十条"}]
    with pytest.raises(PermissionDenied):
        world.inspections.save_checklist(inspector, current.industry_id, items, "精简")
    with pytest.raises(DomainError) as err:
        world.inspections.save_checklist(admin, current.industry_id,
                                         [{"area": "labour", "text": "", "legal_basis": ""}], "x")  # fmt: skip
    assert "没有检查内容" in err.value.message_zh
    new = world.inspections.save_checklist(admin, current.industry_id, items, "精简为一项")
    assert new.version == current.version + 1 and len(new.items) == 1
    with pytest.raises(PermissionDenied):
        world.compliant_list.add_exemption(inspector, "a", "b", "c")
    world.compliant_list.add_exemption(
        admin, "未按规定公示营业执照", "《中华人民共和国行政处罚法》第三十三条第一款",
        "初次违法、危害后果轻微并及时改正",
    )  # fmt: skip
    assert world.compliant_list.exemptions(inspector)[0][1] == "未按规定公示营业执照"


def test_the_default_deadline_follows_the_riskiest_setting() -> None:
    months = {"high": 3, "medium": 4, "low": 6}
    assert rules.default_deadline(date(2026, 11, 30), [RiskLevel.HIGH], months, 3) == date(
        2027, 2, 28
    )
    assert rules.default_deadline(date(2026, 1, 31), [RiskLevel.HIGH, RiskLevel.LOW], months, 3) == (
        date(2026, 7, 31))  # fmt: skip
    assert rules.default_deadline(date(2026, 1, 1), [], {"high": 1}, 3) == date(2026, 4, 1)


def test_an_exempt_finding_becomes_a_no_penalty_decision_with_education(
    world: Desk, inspector: CurrentUser, admin: CurrentUser, tmp_path: Path
) -> None:
    adviser = world.auth.login("adviser", "Adviser2026")
    exemption = world.compliant_list.add_exemption(
        admin, "未按规定公示营业执照", "《中华人民共和国行政处罚法》第三十三条第一款",
        "初次违法、危害后果轻微并及时改正",
    )  # fmt: skip
    _, departments = _ids(world)
    planned = world.inspections.plan(inspector, _enterprise(world, inspector, 6),
                                     date(2026, 3, 2), departments, [])  # fmt: skip
    first = planned.items[0]
    world.inspections.record(inspector, first.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="营业执照未悬挂于醒目位置", exemption_id=exemption)  # fmt: skip
    for item in planned.items[1:]:
        world.inspections.record(inspector, item.id, ItemResult.PASSED)
    world.inspections.sign(inspector, planned.id, "店长")
    with pytest.raises(DomainError) as err:
        world.inspections.no_penalty_data(adviser, first.id, "  ")
    assert "教育" in err.value.message_zh
    with pytest.raises(DomainError):
        world.inspections.no_penalty_data(adviser, planned.items[1].id, "已教育")
    data = world.inspections.no_penalty_data(
        adviser, first.id, "当场讲解营业执照公示规定，当事人已改正"
    )
    market = next(d for d, _n, p in world.letters.issuing_departments(adviser) if p == "虞市监")
    draft = world.letters.draft(adviser, "no_penalty_decision", data | {
        "authority": "绍兴市上虞区市场监督管理局", "review_authority": "绍兴市上虞区人民政府",
        "court": "绍兴市上虞区人民法院"}, department_id=market)  # fmt: skip
    letter = world.letters.approve(adviser, draft.id, draft.row_version)
    pdf = tmp_path / "no_penalty.pdf"
    pdf.write_bytes(world.letters.pdf(adviser, letter.id))
    text = body_text(pdf)
    for expected in ("不予行政处罚决定书", "营业执照未悬挂于醒目位置", "未按规定公示营业执照",
                     "当场讲解营业执照公示规定", "第三十三条第一款"):  # fmt: skip
        assert expected in text, expected


def test_rectifications_remind_before_and_flag_after_the_deadline(
    world: Desk, inspector: CurrentUser, clock: object
) -> None:
    from datetime import UTC, datetime

    _, departments = _ids(world)
    planned = world.inspections.plan(inspector, _enterprise(world, inspector, 7),
                                     date(2026, 3, 2), departments, [])  # fmt: skip
    _walk(world, inspector, planned.id, findings=1)
    world.inspections.sign(inspector, planned.id, "代表")
    rect = world.inspections.start_rectification(inspector, planned.id, date(2026, 6, 2))
    clock.now = datetime(2026, 5, 25, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    (r,) = world.compliant_list.rectifications(inspector)
    assert r.due_soon and not r.overdue
    clock.now = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    (r,) = world.compliant_list.rectifications(inspector, overdue_only=True)
    assert r.id == rect and r.overdue and not r.due_soon


def test_corrections_keep_the_guard_the_photos_and_the_list_right(
    world: Desk, inspector: CurrentUser, tmp_path: Path, clock: object
) -> None:
    from datetime import UTC, datetime

    from PIL import Image

    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 8)
    planned = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (64, 48), (1, 2, 3)).save(photo)
    world.inspections.attach_photo(inspector, planned.items[0].id, photo)
    _walk(world, inspector, planned.id)
    world.inspections.sign(inspector, planned.id, "代表")
    assert [e.enterprise_id for e in _as_of(world, inspector, date(2026, 3, 2))] == [enterprise]
    blobs = sorted(p for p in world.ctx.blobs().root.rglob("*") if p.is_file())
    with pytest.raises(DomainError):  # locked: refused before anything is stored
        world.inspections.attach_photo(inspector, planned.items[1].id, _other_photo(tmp_path))
    assert sorted(p for p in world.ctx.blobs().root.rglob("*") if p.is_file()) == blobs

    clock.now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    fix = world.inspections.correct(inspector, planned.id)
    assert fix.items[0].photos == 1  # the evidence goes along
    with pytest.raises(DomainError) as err:
        world.inspections.correct(inspector, planned.id)
    assert "未签字的更正" in err.value.message_zh
    world.inspections.record(inspector, fix.items[2].id, ItemResult.FINDING, risk=RiskLevel.HIGH,
                             description="更正：实际存在问题")  # fmt: skip
    world.inspections.sign(inspector, fix.id, "代表")
    assert _as_of(world, inspector, date(2026, 3, 10)) == []  # withdrawn that day
    assert [e.enterprise_id for e in _as_of(world, inspector, date(2026, 3, 9))] == [
        enterprise
    ]  # the list as it stood before is not rewritten
    # The corrected inspection still counts for the once-a-year guard (listed again later).
    rect = world.inspections.start_rectification(inspector, fix.id, date(2026, 6, 10))
    _accept(world, inspector, clock, rect, True, "整改到位", date(2026, 6, 10))
    with pytest.raises(DomainError) as err:
        world.inspections.plan(inspector, enterprise, date(2026, 9, 1), departments, [])
    assert "不得多于 1 次" in err.value.message_zh


def _other_photo(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "other.jpg"
    Image.new("RGB", (32, 32), (9, 9, 9)).save(path)
    return path


def test_a_failed_acceptance_keeps_the_rectification_open(
    world: Desk, inspector: CurrentUser, clock: Any
) -> None:
    _, departments = _ids(world)
    planned = world.inspections.plan(inspector, _enterprise(world, inspector, 9),
                                     date(2026, 3, 2), departments, [])  # fmt: skip
    _walk(world, inspector, planned.id, findings=1)
    world.inspections.sign(inspector, planned.id, "代表")
    rect = world.inspections.start_rectification(inspector, planned.id, date(2026, 6, 2))
    with pytest.raises(DomainError) as ahead:  # the list would show it listed from then
        world.compliant_list.accept(inspector, rect, True, "整改到位", date(2026, 6, 1))
    assert "不能晚于今天" in ahead.value.message_zh
    failed = _accept(world, inspector, clock, rect, False, "仍未建立制度", date(2026, 6, 1))
    assert failed.status == "open" and failed.accepted_on is None
    assert "2026-06-01 验收未通过：仍未建立制度" in failed.result_note
    passed = _accept(world, inspector, clock, rect, True, "整改到位", date(2026, 6, 20))
    assert passed.status == "accepted"  # the failed opinion kept before the one that passed
    assert passed.result_note.splitlines() == ["2026-06-01 验收未通过：仍未建立制度",
                                               "2026-06-20 验收通过：整改到位"]  # fmt: skip


def test_a_correction_without_findings_ends_its_rectification(
    world: Desk, inspector: CurrentUser, clock: Any
) -> None:
    """Corrected to no findings, the enterprise joins the list; the rectification the first
    sign-off opened ends with it (it stayed open, went overdue, and could still be accepted:
    a second joining)."""
    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 10)
    planned = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
    _walk(world, inspector, planned.id, findings=1)
    world.inspections.sign(inspector, planned.id, "代表")
    rect = world.inspections.start_rectification(inspector, planned.id, date(2026, 6, 2))
    fix = world.inspections.correct(inspector, planned.id)
    _walk(world, inspector, fix.id)
    world.inspections.sign(inspector, fix.id, "代表")
    (ended,) = [r for r in world.compliant_list.rectifications(inspector) if r.id == rect]
    assert ended.status == "withdrawn" and not ended.overdue
    assert "检查更正后无问题，整改终止" in ended.result_note
    with pytest.raises(DomainError) as err:
        _accept(world, inspector, clock, rect, True, "整改到位", date(2026, 6, 1))
    assert "终止" in err.value.message_zh
    with pytest.raises(DomainError) as err:  # the original, replaced: said so
        world.inspections.start_rectification(inspector, planned.id, date(2026, 12, 2))
    assert "已被更正" in err.value.message_zh
    history = world.compliant_list.history(inspector, enterprise)
    assert [event for _d, event, _r in history].count("列入") == 1


def test_a_listed_enterprise_that_passes_again_keeps_the_day_it_joined(
    world: Desk, inspector: CurrentUser, clock: Any
) -> None:
    from datetime import UTC, datetime

    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 11)
    first = world.inspections.plan(inspector, enterprise, date(2026, 3, 2), departments, [])
    _walk(world, inspector, first.id)
    world.inspections.sign(inspector, first.id, "代表")
    clock.now = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)
    again = world.inspections.plan(inspector, enterprise, date(2027, 3, 10), departments, [])
    _walk(world, inspector, again.id)
    world.inspections.sign(inspector, again.id, "代表")
    (entry,) = [e for e in world.compliant_list.as_of(inspector, date(2027, 3, 10))
                if e.enterprise_id == enterprise]  # fmt: skip
    assert entry.since == date(2026, 3, 2) and "2027-03-10" in entry.reason
    history = world.compliant_list.history(inspector, enterprise)
    assert [event for _d, event, _r in history] == ["列入", "继续列入"]


def test_an_inspection_is_not_signed_before_its_day_nor_planned_in_another_era(
    world: Desk, inspector: CurrentUser
) -> None:
    """Signed for a day still to come it put the enterprise on the list "inspected 2099";
    a plan in 1900 or 2099 is a typing slip, said as such."""
    _, departments = _ids(world)
    enterprise = _enterprise(world, inspector, 6)
    for far in (date(1900, 1, 1), date(2099, 1, 1)):
        with pytest.raises(DomainError) as slip:
            world.inspections.plan(inspector, enterprise, far, departments, [])
        assert "应在两年前至两年后之间" in slip.value.message_zh
    ahead = world.inspections.plan(inspector, enterprise, date(2026, 3, 20), departments, [])
    _walk(world, inspector, ahead.id)
    with pytest.raises(DomainError) as early:
        world.inspections.sign(inspector, ahead.id, "代表")
    assert "检查日期（2026-03-20）还未到" in early.value.message_zh
    assert _as_of(world, inspector, date(2026, 12, 31)) == []
