"""The compliant list's events travel as commands; the register's flag is their projection
(sync/list_commands.py): devices that recorded events offline converge on what the latest
event says, and a flag sent as a plain field (an older desktop) changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.inspection_models import CompliantListEvent
from compliance_desk.persistence.models import Enterprise
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.services import compliant_list
from compliance_desk.services.sync_conflicts import ConflictService
from compliance_desk.sync import policy as sync_policy
from compliance_desk.sync.list_commands import CompliantListCommands
from tests.sync_support import Laptop, Rig
from tests.test_sync import create


def _record(laptop: Laptop, enterprise_id, on: str, event: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    with laptop.desk.ctx.uow(laptop.user()) as uow:
        compliant_list.record_event(
            uow.session, enterprise_id, date.fromisoformat(on), event, reason
        )
        uow.commit()


def _flag(desk: Desk, enterprise_id) -> bool:  # type: ignore[no-untyped-def]
    with desk.ctx.factory() as s:
        return bool(s.get(Enterprise, enterprise_id).on_compliant_list)


@pytest.mark.postgres
def test_events_recorded_offline_converge_on_the_latest_whatever_the_push_order(rig: Rig) -> None:
    """a puts the enterprise on the list (accepted 03-01); b, offline, takes it off after a
    penalty dated 03-05; a pushes last.  With the flag as a field, the last push won (listed);
    as a projection every replica and the server say what the latest event says: off."""
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    _record(b, e.id, "2026-03-05", "left", "受到行政处罚（虞市监罚〔2026〕3号）")
    _record(a, e.id, "2026-03-01", "joined", "整改验收通过")
    assert _flag(a.desk, e.id) and not _flag(b.desk, e.id)
    for laptop in (b, a, b, a):
        report = laptop.sync.sync_once()
        assert report.conflicts == 0 and report.rejected == 0
    assert rig.server_enterprises()[e.id]["on_compliant_list"] is False
    assert a.enterprises() == b.enterprises() == rig.server_enterprises()
    for desk in (a.desk, b.desk, rig.server_desk):
        with desk.ctx.factory() as s:
            events = s.scalars(
                select(CompliantListEvent.event)
                .where(CompliantListEvent.enterprise_id == e.id)
                .order_by(CompliantListEvent.on)
            ).all()
            assert events == ["joined", "left"]
    # The enterprise's own edits never carry the flag: only the events move it.
    with a.desk.ctx.factory() as s:
        sent = s.scalars(select(SyncOutbox).where(SyncOutbox.row_id == e.id)).all()
        assert all("on_compliant_list" not in (o.payload.get("changes") or {}) for o in sent)
    _record(b, e.id, "2026-09-01", "joined", "重新验收通过")
    b.sync.sync_once()
    a.sync.sync_once()
    assert _flag(a.desk, e.id) and rig.server_enterprises()[e.id]["on_compliant_list"] is True


@pytest.mark.postgres
def test_a_flag_sent_as_a_field_by_an_older_desktop_changes_nothing(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    # An older desktop: the flag was a plain field there, set by the form's tick.
    older = sync_policy.TablePolicy(sync_policy.Kind.RECORD, natural_key=("uscc",))
    with monkeypatch.context() as m:
        m.setitem(sync_policy.POLICIES, "enterprise", older)
        with a.desk.ctx.uow(a.user()) as uow:
            uow.session.get(Enterprise, e.id).on_compliant_list = True
            uow.commit()
    with a.desk.ctx.factory() as s:
        [op] = s.scalars(
            select(SyncOutbox).where(
                SyncOutbox.status == "pending", SyncOutbox.table_name == "enterprise"
            )
        ).all()
        assert op.payload["changes"]["on_compliant_list"] == [False, True]
    report = a.sync.sync_once()
    assert report.rejected == 0 and report.conflicts == 0
    assert rig.server_enterprises()[e.id]["on_compliant_list"] is False  # no event: not listed
    b.sync.sync_once()
    assert not _flag(b.desk, e.id)
    _record(b, e.id, "2026-03-01", "joined", "整改验收通过")  # the list's own way onto it
    b.sync.sync_once()
    a.sync.sync_once()
    assert rig.server_enterprises()[e.id]["on_compliant_list"] is True and _flag(a.desk, e.id)


def test_the_server_refuses_an_event_it_cannot_place(sqlite_desk: Desk) -> None:
    """An event of an enterprise the server does not hold, or of an unknown kind, is refused
    with a reason in Chinese; an event older than the latest leaves the flag as that says."""
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = sqlite_desk
    ensure_demo_users(desk.ctx)
    clerk = desk.auth.login("clerk", "Clerk2026")
    e = desk.enterprises.create(clerk, EnterpriseDraft(name="崧厦伞业", uscc="91330604QU4AX6JM2M"))
    family = CompliantListCommands()
    now = datetime(2026, 3, 10, 2, tzinfo=UTC)

    def row(enterprise_id, on: str, event: str):  # type: ignore[no-untyped-def]
        return {"id": new_id(), "enterprise_id": enterprise_id, "on": date.fromisoformat(on),
                "event": event, "reason": "理由", "created_at": now, "deleted_at": None}  # fmt: skip

    with desk.ctx.engine.begin() as c:
        missing = family.check(c, row(new_id(), "2026-03-01", "joined"), {}, lock=False)
        assert missing.status == "rejected" and "找不到该企业" in missing.reason_zh
        odd = family.check(c, row(e.id, "2026-03-01", "promoted"), {}, lock=False)
        assert odd.status == "rejected" and "无法识别" in odd.reason_zh
        joined = family.check(c, row(e.id, "2026-03-05", "joined"), {}, lock=False)
        assert joined.status == "applied" and joined.projection == {"on_compliant_list": True}
    with desk.ctx.uow(clerk) as uow:
        compliant_list.record_event(uow.session, e.id, date(2026, 3, 5), "left", "处罚")
        uow.commit()
    with desk.ctx.engine.begin() as c:  # dated before the removal: the removal still stands
        older = family.check(c, row(e.id, "2026-03-01", "joined"), {}, lock=False)
        assert older.status == "applied" and older.projection == {"on_compliant_list": False}
        assert family.project(c, e.id) == {"on_compliant_list": False}
        assert family.label("left") == "移出合规企业名单"
    # On the desk too an older event recorded late does not put it back on the list.
    with desk.ctx.uow(clerk) as uow:
        compliant_list.record_event(uow.session, e.id, date(2026, 3, 1), "joined", "补录")
        uow.commit()
    assert not _flag(desk, e.id)
    assert ConflictService(desk.ctx).open_items(clerk) == []
