"""Scope (issue 6 item 8): a centre's device syncs its centre's data; prepare-for-the-day."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from stdnum.cn import uscc

from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.models import AppUser, Centre, Department, Industry, Visit
from compliance_desk.persistence.sync_models import SyncChange, SyncOutbox
from compliance_desk.server import pull as pulling
from compliance_desk.server import push as pushing
from compliance_desk.services.context import CurrentUser
from compliance_desk.sync.prepare import prepare_day
from tests.sync_support import URL, Laptop, Rig, rows
from tests.test_sync_bulk import Statements, _waiting, visits

pytestmark = pytest.mark.postgres

DAY = date(2026, 3, 5)


def _code(n: int) -> str:
    base = f"9133060400{n:07d}"
    return base + uscc.calc_check_digit(base)


class World:
    """On the server: an enterprise of each centre with an appeal, users of each centre."""

    def __init__(self, rig: Rig) -> None:
        desk = rig.server_desk
        self.admin = desk.auth.login("admin", "Admin2026")
        with desk.ctx.factory() as s:
            self.centre = {c.code: c.id for c in s.scalars(select(Centre))}
            self.industry = {i.code: i.id for i in s.scalars(select(Industry))}
            self.departments = list(s.scalars(select(Department.id).limit(2)))
        desk.auth.create_user(self.admin, "game_clerk", "游戏中心前台", Role.CLERK, "Clerk2026x",
                              self.centre["game"])  # fmt: skip
        self.rig = rig
        self.a = self.enterprise("崧厦晴雨伞业有限公司", 1, "umbrella")
        self.a2 = self.enterprise("崧厦东方伞业有限公司", 2, "umbrella")
        self.b = self.enterprise("e游小镇星火游戏有限公司", 3, "game")
        self.appeal_a = self.appeal(self.a)
        self.appeal_b = self.appeal(self.b)

    def enterprise(self, name: str, n: int, centre: str) -> uuid.UUID:
        draft = EnterpriseDraft(name=name, uscc=_code(n), industry_id=self.industry[centre],
                                centre_id=self.centre[centre])  # fmt: skip
        return self.rig.server_desk.enterprises.create(self.admin, draft).id

    def appeal(self, enterprise_id: uuid.UUID) -> uuid.UUID:
        draft = AppealDraft(enterprise_id, "劳动合同续签问题", AppealTier.SIMPLE,
                            self.rig.clock.now - timedelta(hours=1))  # fmt: skip
        return self.rig.server_desk.appeals.open_appeal(self.admin, draft).id

    def plan(self, enterprise_id: uuid.UUID, on: date) -> uuid.UUID:
        return self.rig.server_desk.inspections.plan(
            self.admin, enterprise_id, on, self.departments, [self.admin.id]
        ).id


@pytest.fixture
def world(rig: Rig) -> World:
    return World(rig)


def _enrolled(rig: Rig, name: str, centre: str | None) -> Laptop:
    laptop = rig.laptop(name, enrol=False)
    laptop.sync.enrol(URL, "admin", "Admin2026", name, centre)
    return laptop


def _user(laptop: Laptop) -> CurrentUser:
    return laptop.user("admin")


def test_a_centre_laptop_gets_only_its_centre_and_an_administrators_device_gets_all(
    rig: Rig, world: World
) -> None:
    a = _enrolled(rig, "umbrella-laptop", "umbrella")
    h = _enrolled(rig, "admin-laptop", None)
    a.sync.sync_once()
    h.sync.sync_once()
    assert set(a.enterprises()) == {world.a, world.a2}
    assert set(rows(a.desk, "appeal")) == {world.appeal_a}
    assert set(h.enterprises()) == {world.a, world.a2, world.b}
    assert set(rows(h.desk, "appeal")) == {world.appeal_a, world.appeal_b}
    # Users of the centre (and those of no centre) travel for offline login; not the others'.
    a_users = {r["username"] for r in rows(a.desk, "app_user").values()}
    assert "admin" in a_users and "game_clerk" not in a_users
    assert "game_clerk" in {r["username"] for r in rows(h.desk, "app_user").values()}
    # Reference data is everyone's.
    assert len(rows(a.desk, "centre")) == 2
    # A later change of the other centre's enterprise never reaches the umbrella laptop.
    view = rig.server_desk.enterprises.get(world.admin, world.b)
    changed = EnterpriseDraft(name=view.name, uscc=view.uscc, industry_id=world.industry["game"],
                              centre_id=world.centre["game"], notes="游戏中心改")  # fmt: skip
    rig.server_desk.enterprises.update(world.admin, world.b, changed, view.row_version)
    assert a.sync.sync_once().pulled == 0
    assert h.sync.sync_once().pulled >= 1
    assert world.b not in a.enterprises()


def test_a_change_to_another_centres_data_is_rejected_with_the_reason(
    rig: Rig, world: World
) -> None:
    a = _enrolled(rig, "umbrella-laptop", "umbrella")
    a.sync.sync_once()
    user = _user(a)
    own = a.desk.enterprises.create(user, EnterpriseDraft(
        name="崧厦新伞业有限公司", uscc=_code(10), centre_id=world.centre["umbrella"]))  # fmt: skip
    stranger = a.desk.enterprises.create(user, EnterpriseDraft(
        name="e游小镇新游戏有限公司", uscc=_code(11), centre_id=world.centre["game"]))  # fmt: skip
    report = a.sync.sync_once()
    assert report.rejected >= 1
    server = rig.server_enterprises()
    assert own.id in server and stranger.id not in server
    with a.desk.ctx.factory() as s:
        rejected = list(s.scalars(select(SyncOutbox).where(SyncOutbox.status == "rejected")))
    assert {o.row_id for o in rejected if o.table_name == "enterprise"} == {stranger.id}
    assert all("属于其他中心" in (o.result or {})["reason_zh"] for o in rejected)


def test_a_long_run_of_another_centres_new_records_is_each_rejected(rig: Rig, world: World) -> None:
    """A page of many plain inserts from a centre's laptop, all of the other centre: the bulk
    run is refused as a whole and halved down to one by one, where each is refused: none of
    twelve new enterprises of the other centre reaches the server."""
    a = _enrolled(rig, "umbrella-laptop", "umbrella")
    a.sync.sync_once()
    user = _user(a)
    strangers = {
        a.desk.enterprises.create(
            user,
            EnterpriseDraft(
                name=f"e游小镇第{n}游戏有限公司",
                uscc=_code(20 + n),
                centre_id=world.centre["game"],
            ),
        ).id  # fmt: skip
        for n in range(12)
    }
    report = a.sync.sync_once()
    assert report.rejected >= 12
    assert not strangers & set(rig.server_enterprises())


def test_the_scoped_pull_walks_an_index_whatever_the_size_of_the_log(
    rig: Rig, world: World
) -> None:
    """Cost follows changes: 200,000 entries of another centre do not enter a pull's plan."""
    with rig.server_desk.ctx.engine.begin() as c:
        c.execute(text(
            "INSERT INTO sync_change (seq, table_name, row_id, centre_id)"
            " SELECT 1000000 + g, 'enterprise', gen_random_uuid(), :other"
            " FROM generate_series(1, 200000) AS g"), {"other": world.centre["game"]})  # fmt: skip
        c.execute(text("ANALYZE sync_change"))
    umbrella = world.centre["umbrella"]
    engine = rig.server_desk.ctx.engine
    query = pulling.changes_query(0, 100, umbrella)
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with rig.server_desk.ctx.factory() as s:
        answer = pulling.pull(s, 0, 100, umbrella)
        plan = "\n".join(r[0] for r in s.execute(text("EXPLAIN " + sql)))
    assert answer["changes"] and all(
        c["table"] != "enterprise" or uuid.UUID(c["id"]) != world.b for c in answer["changes"]
    )
    assert "ix_sync_change_scope" in plan and "Seq Scan on sync_change" not in plan, plan


def test_prepare_for_the_day_brings_that_days_inspections_and_their_history(
    rig: Rig, world: World
) -> None:
    inspection = world.plan(world.a, DAY)
    world.plan(world.a2, DAY + timedelta(days=1))  # another day
    world.plan(world.b, DAY)  # the other centre's
    p = _enrolled(rig, "inspector-laptop", "umbrella")  # fresh: nothing pulled yet
    assert world.a not in p.enterprises()
    report = prepare_day(p.sync, DAY)
    assert report.inspections == 1 and report.enterprises == 1
    assert set(p.enterprises()) == {world.a}
    assert set(rows(p.desk, "appeal")) == {world.appeal_a}
    events = rows(p.desk, "appeal_event")
    assert events and {e["appeal_id"] for e in events.values()} == {str(world.appeal_a)}
    assert set(rows(p.desk, "inspection")) == {inspection}
    items = rows(p.desk, "inspection_item")
    server_items = {
        k for k, v in rows(rig.server_desk, "inspection_item").items()
        if v["inspection_id"] == str(inspection)
    }  # fmt: skip
    assert items and set(items) == server_items
    # The inspector opens it offline on the laptop, with its checklist.
    p.wire.down = True
    view = p.desk.inspections.inspection(_user(p), inspection)
    assert view.items and len(view.items) == len(server_items)
    # The pull carries on later from where it was (prepare did not move the cursor).
    p.wire.down = False
    p.sync.sync_once()
    assert set(p.enterprises()) == {world.a, world.a2}


def test_sync_change_entries_carry_the_centre(rig: Rig, world: World) -> None:
    with rig.server_desk.ctx.factory() as s:
        owner = dict(
            s.execute(
                select(SyncChange.row_id, SyncChange.centre_id).where(
                    SyncChange.table_name.in_(["enterprise", "appeal", "app_user"])
                )
            ).all()
        )
        clerk = s.scalars(select(AppUser.id).where(AppUser.username == "game_clerk")).one()
    assert owner[world.a] == owner[world.appeal_a] == world.centre["umbrella"]
    assert owner[world.b] == owner[world.appeal_b] == owner[clerk] == world.centre["game"]


def test_the_change_logs_centres_set_by_postgresql_are_those_scope_gives(
    rig: Rig, world: World
) -> None:
    """capture.assign_sequence stamps a whole page in one statement (scope.centre_sql): each
    entry's centre is what scope.centres says, for rows of a centre, rows owned through one or
    two owners (an audit entry of an attachment of an appeal), shared and missing rows."""
    from compliance_desk.domain.ids import new_id
    from compliance_desk.persistence.models import Attachment, AuditEntry
    from compliance_desk.sync import capture, scope

    now = rig.clock()
    with rig.server_desk.ctx.factory() as s:
        photo, deeper, stray = new_id(), new_id(), new_id()
        for row_id, owner_table, owner_id in (
            (photo, "appeal", world.appeal_b),  # game centre, through the appeal's enterprise
            (deeper, "audit_entry", new_id()),  # owned by an owned row: beyond the depth
            (stray, "nowhere", world.a),  # an owner table scope does not know: shared
        ):
            s.add(Attachment(id=row_id, owner_table=owner_table, owner_id=owner_id,
                             sha256="0" * 64, filename="a.jpg", size=1, row_version=1,
                             created_at=now, updated_at=now))  # fmt: skip
        s.flush()
        audit_of_photo = new_id()
        s.add(AuditEntry(id=audit_of_photo, at=now, table_name="attachment", row_id=photo,
                         action="insert", changes={}))  # fmt: skip
        s.flush()
        pairs: list[tuple[str, uuid.UUID]] = [
            ("attachment", photo), ("attachment", deeper), ("attachment", stray),
            ("audit_entry", audit_of_photo), ("enterprise", world.b), ("appeal", world.appeal_a),
            ("industry", world.industry["game"]), ("visit", new_id()),
        ]  # fmt: skip
        pairs += [("audit_entry", i) for i in s.scalars(select(AuditEntry.id).limit(200))]
        pairs += [
            (t, i)
            for t in ("appeal_event", "app_user", "enterprise")
            for i in s.scalars(text(f"SELECT id FROM {t}"))
        ]
        expected = scope.of_changes(s.connection(), pairs)
        top = int(s.scalar(text("SELECT value FROM sync_counter WHERE name = 'change'")) or 0)
        capture.assign_sequence(s, [(t, str(i), None) for t, i in pairs])
        logged = s.execute(
            select(SyncChange.seq, SyncChange.table_name, SyncChange.row_id, SyncChange.centre_id)
            .where(SyncChange.seq > top).order_by(SyncChange.seq)
        ).all()  # fmt: skip
        s.rollback()
    assert [(t, r) for _s, t, r, _c in logged] == pairs  # numbered in the order given
    assert [s for s, *_ in logged] == list(range(top + 1, top + 1 + len(pairs)))
    assert {(t, r): c for _s, t, r, c in logged} == expected
    got = {(t, r): c for _s, t, r, c in logged}
    assert (
        got[("attachment", photo)] == got[("audit_entry", audit_of_photo)] == world.centre["game"]
    )
    assert got[("attachment", deeper)] is None and got[("attachment", stray)] is None
    assert got[("enterprise", world.b)] == world.centre["game"]


def test_a_centre_laptops_backlog_goes_in_bulk_and_only_the_other_centres_rows_are_refused(
    rig: Rig, world: World
) -> None:
    """An inspector's laptop (enrolled for one centre) pushes a page of visits: applied in a
    few statements, as an administrator's device's page is; two visits to the other centre's
    enterprise in the middle of it (and their audit entries) are refused with the reason, as
    one by one refuses them, and everything else is applied."""
    a = _enrolled(rig, "umbrella-laptop", "umbrella")
    a.sync.sync_once()
    assert world.b not in a.enterprises()
    visits(a, world.a, 40)
    page = _waiting(a)
    assert len(page) == 80
    # The other centre's enterprise, as a laptop that edited offline before a re-enrolment
    # would hold it: two visits to it go in the middle of the page.
    at = [n for n, op in enumerate(page) if op["table"] == "visit"][10:32:21]
    strangers = []
    for n in at:
        op = page[n]
        row_id = str(uuid.uuid4())
        row = {**op["payload"]["row"], "id": row_id, "enterprise_id": str(world.b)}
        strangers.append({**op, "id": str(uuid.uuid4()), "row_id": row_id, "payload": {"row": row}})
    page = [*page[: at[0]], strangers[0], *page[at[0] : at[1]], strangers[1], *page[at[1] :]]
    factory = rig.server_desk.ctx.factory
    results = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    refused = [r for r in results if r["status"] != "applied"]
    assert [r["op_id"] for r in refused] == [s["id"] for s in strangers]
    assert all(r["status"] == "rejected" and "属于其他中心" in r["reason_zh"] for r in refused)
    with factory() as s:
        held = set(s.scalars(select(Visit.id)))
    assert {uuid.UUID(op["row_id"]) for op in page if op["table"] == "visit"} - held == {
        uuid.UUID(s["row_id"]) for s in strangers
    }
    # A page all of its own centre: a few statements (one by one: six or more an operation).
    with Statements(rig.server_desk.ctx.engine) as counted:
        visits(a, world.a, 40)
        results = pushing.push(factory, a.desk.ctx.device_id, _waiting(a)[80:], rig.clock())
    assert [r["status"] for r in results] == ["applied"] * 80
    assert len(counted.seen) < 30


def test_the_centres_found_from_the_rows_a_push_inserted_are_those_scope_gives(
    rig: Rig, world: World
) -> None:
    """capture.assign_sequence told what decides the centre of rows just inserted
    (scope.centres_known) finds each entry's centre as scope.centres does: through owners
    (an audit entry of an attachment of an appeal), beyond the depth, an unknown owner table,
    a row whose parent it was not told about (read), rows it was not told about at all."""
    from compliance_desk.domain.ids import new_id
    from compliance_desk.persistence.models import Attachment, AuditEntry
    from compliance_desk.sync import capture, scope

    now = rig.clock()
    with rig.server_desk.ctx.factory() as s:
        photo, deeper, stray, audit_of_photo = new_id(), new_id(), new_id(), new_id()
        owners = {photo: ("appeal", world.appeal_b), deeper: ("audit_entry", new_id()),
                  stray: ("nowhere", world.a)}  # fmt: skip
        for row_id, (owner_table, owner_id) in owners.items():
            s.add(Attachment(id=row_id, owner_table=owner_table, owner_id=owner_id,
                             sha256="0" * 64, filename="a.jpg", size=1, row_version=1,
                             created_at=now, updated_at=now))  # fmt: skip
        s.flush()
        s.add(AuditEntry(id=audit_of_photo, at=now, table_name="attachment", row_id=photo,
                         action="insert", changes={}))  # fmt: skip
        s.flush()
        inserted: dict[tuple[str, str], tuple[object, ...]] = {
            ("attachment", str(k)): (t, str(o)) for k, (t, o) in owners.items()
        }
        inserted[("audit_entry", str(audit_of_photo))] = ("attachment", str(photo))
        inserted[("enterprise", str(world.b))] = (str(world.centre["game"]),)
        pairs: list[tuple[str, uuid.UUID]] = [
            ("audit_entry", audit_of_photo), ("attachment", photo), ("attachment", deeper),
            ("attachment", stray), ("enterprise", world.b), ("appeal", world.appeal_a),
            ("appeal", world.appeal_b), ("industry", world.industry["game"]),
        ]  # fmt: skip
        expected = scope.of_changes(s.connection(), pairs)
        known = scope.centres_known(s.connection(), [(t, str(i), None) for t, i in pairs],
                                    inserted)  # fmt: skip
        assert known == [None if expected[p] is None else str(expected[p]) for p in pairs]
        assert known[0] == known[1] == str(world.centre["game"])
        top = int(s.scalar(text("SELECT value FROM sync_counter WHERE name = 'change'")) or 0)
        capture.assign_sequence(s, [(t, str(i), None) for t, i in pairs], inserted)
        logged = s.execute(
            select(SyncChange.table_name, SyncChange.row_id, SyncChange.centre_id)
            .where(SyncChange.seq > top).order_by(SyncChange.seq)
        ).all()  # fmt: skip
        s.rollback()
    assert [(t, r) for t, r, _c in logged] == pairs
    assert {(t, r): c for t, r, c in logged} == expected
