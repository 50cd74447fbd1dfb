"""The enterprise register through its services, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.duplicates import DuplicateEnterprise, SimilarNames
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import (
    ConcurrentEdit,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from compliance_desk.persistence.models import AuditEntry, Enterprise
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.enterprises import Filter

SONGXIA = EnterpriseDraft(
    name="崧厦蓝天伞业有限公司",
    uscc="91330604QU4AX6JM2M",
    contact_person="郑敏",
    contact_phone="13957667049",
)
OTHER = EnterpriseDraft(
    name="上虞火鸟数字科技有限公司", uscc="9133060429PTM3U5MF", contact_phone="0575 8211 0174"
)


def test_create_view_and_who_wrote_it(desk: Desk, clerk: CurrentUser) -> None:
    created = desk.enterprises.create(clerk, SONGXIA)
    got = desk.enterprises.get(clerk, created.id)
    assert got.name == "崧厦蓝天伞业有限公司" and got.row_version == 1
    assert created.id.version == 7
    with desk.ctx.uow(clerk) as uow:
        row = uow.session.get(Enterprise, created.id)
        assert row is not None
        assert row.created_by == clerk.id and row.updated_by == clerk.id
        assert row.device_id == desk.ctx.device_id
        audit = uow.session.scalars(select(AuditEntry).where(AuditEntry.row_id == created.id)).all()
    assert [a.action for a in audit] == ["insert"]
    assert audit[0].user_id == clerk.id and audit[0].device_id == desk.ctx.device_id
    assert audit[0].changes["uscc"] == "91330604QU4AX6JM2M"


def test_invalid_input_writes_nothing(desk: Desk, clerk: CurrentUser) -> None:
    with pytest.raises(ValidationError) as info:
        desk.enterprises.create(clerk, EnterpriseDraft(name="", uscc="9133060429PTM3U5MX"))
    assert "校验位" in info.value.problems["uscc"]
    assert desk.enterprises.count(clerk) == 0


def test_duplicate_uscc_points_to_the_existing_record(desk: Desk, clerk: CurrentUser) -> None:
    first = desk.enterprises.create(clerk, SONGXIA)
    with pytest.raises(DuplicateEnterprise) as info:
        desk.enterprises.create(
            clerk, EnterpriseDraft(name="另一个名字有限公司", uscc="９１３３０６０４qu4ax6jm2m")
        )
    assert info.value.existing.id == first.id
    assert "已登记" in info.value.message_zh
    assert desk.enterprises.count(clerk) == 1


def test_near_identical_name_is_caught_then_confirmed(desk: Desk, clerk: CurrentUser) -> None:
    first = desk.enterprises.create(clerk, SONGXIA)
    similar = EnterpriseDraft(name="崧厦蓝天伞业厂", uscc="9133060429PTM3U5MF")
    with pytest.raises(SimilarNames) as info:
        desk.enterprises.create(clerk, similar)
    assert [s.id for s in info.value.similar] == [first.id]
    desk.enterprises.create(clerk, similar, allow_similar=True)
    assert desk.enterprises.count(clerk) == 2


def test_edit_bumps_version_and_audit_records_old_and_new(
    desk: Desk, clerk: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    e = desk.enterprises.create(clerk, SONGXIA)
    clock.now += timedelta(hours=1)
    changed = desk.enterprises.update(
        clerk,
        e.id,
        EnterpriseDraft(**{**SONGXIA.__dict__, "contact_phone": "0575-82110174"}),
        e.row_version,
    )
    assert changed.row_version == 2 and changed.contact_phone == "0575-82110174"
    assert changed.updated_at == clock.now
    history = desk.enterprises.history(clerk, e.id)
    assert [h.action for h in history] == ["新建", "修改"]
    assert "13957667049 → 0575-82110174" in history[1].summary
    assert history[1].user_name == "陈晓燕"


def test_a_stale_edit_is_refused(desk: Desk, clerk: CurrentUser) -> None:
    e = desk.enterprises.create(clerk, SONGXIA)
    desk.enterprises.update(clerk, e.id, EnterpriseDraft(**{**SONGXIA.__dict__, "notes": "a"}), 1)
    with pytest.raises(ConcurrentEdit):
        desk.enterprises.update(
            clerk, e.id, EnterpriseDraft(**{**SONGXIA.__dict__, "notes": "b"}), 1
        )
    assert desk.enterprises.get(clerk, e.id).notes == "a"


def test_delete_is_a_tombstone_and_frees_the_code(desk: Desk, admin: CurrentUser) -> None:
    e = desk.enterprises.create(admin, SONGXIA)
    desk.enterprises.delete(admin, e.id)
    assert desk.enterprises.count(admin) == 0
    assert desk.enterprises.search(admin, "蓝天") == []
    assert desk.enterprises.get(admin, e.id).deleted
    with desk.ctx.uow(admin) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Enterprise)) == 1
    with pytest.raises(NotFound):
        desk.enterprises.delete(admin, e.id)
    assert desk.enterprises.ids(admin, Filter(deleted_only=True)) == [e.id]
    assert desk.enterprises.ids(admin, Filter(text="蓝天", deleted_only=True)) == [e.id]
    restored = desk.enterprises.restore(admin, e.id)
    assert not restored.deleted and [r.id for r in desk.enterprises.search(admin, "蓝天")] == [e.id]
    assert [h.action for h in desk.enterprises.history(admin, e.id)] == ["新建", "删除", "恢复"]


def test_a_code_registered_again_blocks_the_restore(desk: Desk, admin: CurrentUser) -> None:
    e = desk.enterprises.create(admin, SONGXIA)
    desk.enterprises.delete(admin, e.id)
    again = desk.enterprises.create(admin, SONGXIA)  # the same code may be registered again
    with pytest.raises(DuplicateEnterprise) as info:
        desk.enterprises.restore(admin, e.id)
    assert info.value.existing.id == again.id


def test_permissions_are_checked_in_the_services(
    desk: Desk, clerk: CurrentUser, inspector: CurrentUser
) -> None:
    e = desk.enterprises.create(clerk, SONGXIA)
    with pytest.raises(PermissionDenied) as info:
        desk.enterprises.delete(clerk, e.id)
    assert "无权删除企业档案" in info.value.message_zh
    with pytest.raises(PermissionDenied):
        desk.enterprises.create(inspector, OTHER)
    assert desk.enterprises.get(inspector, e.id).name == SONGXIA.name


@pytest.mark.parametrize(
    "query",
    [
        "崧",
        "崧厦",
        "蓝天伞",
        "sx",
        "songxia",
        "SongXia",
        "sxlt",
        "91330604QU",
        "91330604qu4ax6jm2m",
        "1395766",
        "ＳＸ",
    ],
)
def test_search_as_the_desk_types(desk: Desk, clerk: CurrentUser, query: str) -> None:
    desk.enterprises.create(clerk, SONGXIA)
    desk.enterprises.create(clerk, OTHER)
    names = [r.name for r in desk.enterprises.search(clerk, query.replace(" ", ""))]
    assert names == ["崧厦蓝天伞业有限公司"]


@pytest.mark.parametrize(
    "query", ["%", "_", "' OR 1=1 --", '"', "伞%'; DROP TABLE enterprise; --", "\\"]
)
def test_sql_metacharacters_in_the_search_box_are_just_text(
    desk: Desk, clerk: CurrentUser, query: str
) -> None:
    desk.enterprises.create(clerk, SONGXIA)
    assert desk.enterprises.search(clerk, query) == []
    assert desk.enterprises.count(clerk) == 1


def test_search_finds_edits_and_forgets_old_names(desk: Desk, clerk: CurrentUser) -> None:
    e = desk.enterprises.create(clerk, SONGXIA)
    desk.enterprises.update(
        clerk, e.id, EnterpriseDraft(**{**SONGXIA.__dict__, "name": "谢塘宏达伞骨厂"}), 1
    )
    assert desk.enterprises.search(clerk, "蓝天") == []
    assert [r.name for r in desk.enterprises.search(clerk, "xthd")] == ["谢塘宏达伞骨厂"]


def test_ids_are_ordered_by_pinyin_and_filtered_in_sql(desk: Desk, clerk: CurrentUser) -> None:
    a = desk.enterprises.create(clerk, SONGXIA)
    b = desk.enterprises.create(clerk, OTHER)
    assert desk.enterprises.ids(clerk, Filter()) == [b.id, a.id]  # shangyu < songxia
    assert desk.enterprises.ids(clerk, Filter(compliant_only=True)) == []
    assert [r.id for r in desk.enterprises.rows(clerk, [a.id, b.id])] == [a.id, b.id]


def test_a_filtered_search_finds_every_match_of_the_filter(sqlite_desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.services.demo_data import ensure_demo_users
    from compliance_desk.services.enterprises import apply_draft

    admin = ensure_demo_users(sqlite_desk.ctx)
    centres = sqlite_desk.reference.lookup(admin, "centre")
    umbrella, game = centres["伞业合规中心"], centres["游戏产业合规中心"]
    from compliance_desk.domain.uscc import with_check_character

    with sqlite_desk.ctx.uow(admin) as uow:  # many matches in one centre, five in the other
        for n in range(3000):
            e = Enterprise()
            apply_draft(e, EnterpriseDraft(name=f"甲{n}伞业有限公司", uscc=with_check_character(f"913306040{n:08d}"),
                                           centre_id=umbrella).validated())  # fmt: skip
            uow.session.add(e)
        for n in range(5):
            e = Enterprise()
            apply_draft(e, EnterpriseDraft(name=f"乙{n}伞业有限公司", uscc=with_check_character(f"913306041{n:08d}"),
                                           centre_id=game).validated())  # fmt: skip
            uow.session.add(e)
        uow.commit()
    for query in ("伞业", "伞", "伞业有"):
        found = sqlite_desk.enterprises.ids(admin, Filter(text=query, centre_id=game))
        assert len(found) == 5, query


def test_a_page_of_the_register_shows_each_record_as_it_is_stored(
    desk: Desk, clerk: CurrentUser, admin: CurrentUser
) -> None:
    """The table's page (read straight from SQLite's driver there) gives every field exactly
    as the record itself: names of industry, centre and chamber, size, dates, flags, notes,
    a deleted record too."""
    from compliance_desk.services.demo_data import load_demo

    load_demo(desk.ctx, "small", appeals=0)
    ids = list(desk.enterprises.ids(clerk, Filter()))
    gone = ids[7]
    desk.enterprises.delete(admin, gone)
    shown = desk.enterprises.rows(clerk, ids)
    assert [v.id for v in shown] == ids and len(ids) > 150
    for view in shown:
        assert view == desk.enterprises.get(admin, view.id)
    assert shown[7].deleted and not shown[8].deleted
    assert {v.size for v in shown} - {None} and any(v.on_compliant_list for v in shown)
    assert all(v.centre_name for v in shown) and any(v.chamber_name for v in shown)
    assert any(v.settled_on is not None for v in shown)
    assert all(v.created_at.tzinfo is not None for v in shown)
