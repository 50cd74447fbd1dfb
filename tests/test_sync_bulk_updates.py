"""Runs of plain updates in bulk (server/bulk_updates.py): a ledger imported again, or many
records edited at once, is applied in a few statements per table and answered exactly as one by
one answers it: the same rows, stamps, versions, change-log entries, conflicts and refusals.
Each test runs by both paths (one by one: no run long enough for the bulk path) and asserts the
same expectations of both."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from compliance_desk.persistence.models import Enterprise
from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.server import bulk, operations
from compliance_desk.server import push as pushing
from compliance_desk.services.demo_data import _uscc
from compliance_desk.sync import codec
from tests.sync_support import Laptop, Rig
from tests.test_sync import create, edit
from tests.test_sync_bulk import Statements, _waiting
from tests.test_sync_scope import World, _enrolled, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["bulk", "one by one"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "one by one":
        monkeypatch.setattr(bulk, "MIN_RUN", 10**9)  # no run is long enough: each on its own
    return str(request.param)


def _edited(
    laptop: Laptop, count: int, seed: int, at_once: bool = True, **draft: Any
) -> tuple[list[uuid.UUID], list[dict[str, Any]]]:
    """``count`` enterprises made on ``laptop`` and synced, then all edited in one go (as an
    import of the ledger edits them) or, not ``at_once``, each saved on its own (as a clerk
    edits them: each edit followed by its audit entry): their ids and the waiting operations'
    wire forms."""
    rng = random.Random(seed)
    user = laptop.user()
    ids = [create(laptop, f"崧厦批量修改测试{seed}-{n}伞业有限公司", _uscc(rng)).id
           for n in range(count)]  # fmt: skip
    if draft:
        with laptop.desk.ctx.uow(user) as uow:
            for e in uow.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids))):
                for key, value in draft.items():
                    setattr(e, key, value)
            uow.commit()
    laptop.sync.sync_once()
    for part in [ids] if at_once else [[i] for i in ids]:
        with laptop.desk.ctx.uow(user) as uow:
            for e in uow.session.scalars(select(Enterprise).where(Enterprise.id.in_(part))):
                n = ids.index(e.id)
                e.contact_person = f"联系人{n}"
                e.contact_phone = f"1380000{n:04d}"
            uow.commit()
    return ids, _waiting(laptop)


def _updates(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [op for op in page if op["kind"] == "update"]


@pytest.mark.parametrize("at_once", [True, False], ids=["in one go", "one at a time"])
def test_a_run_of_edits_is_applied_as_one_by_one_applies_it(
    rig: Rig, path: str, at_once: bool
) -> None:
    """Twelve records edited in one go (their edits come as a run) or one at a time (each edit
    followed by its audit entry): the same answers, rows, stamps, versions and change log by
    either path, a replay changes nothing, and another desk receives the edits."""
    a = rig.laptop("a")
    a.sync.sync_once()
    ids, page = _edited(a, 12, 1, at_once)
    updates = _updates(page)
    assert len(updates) == 12
    first = page.index(updates[0])
    if at_once:
        assert page[first : first + 12] == updates  # a run, as an import makes it
    else:
        tables = [op["table"] for op in page]  # each edit beside its audit entry
        assert tables in (["enterprise", "audit_entry"] * 12, ["audit_entry", "enterprise"] * 12)
    before = rig.server_enterprises()
    factory = rig.server_desk.ctx.factory
    with factory() as s:
        top = int(s.scalar(select(SyncChange.seq).order_by(SyncChange.seq.desc()).limit(1)) or 0)
    with Statements(rig.server_desk.ctx.engine) as counted:
        results = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    assert results == [operations.applied(op["id"]) for op in page]
    if path == "bulk":  # one by one: five statements or more an edit
        assert len(counted.seen) < 40
    after = rig.server_enterprises()
    stamps = {"contact_person", "contact_phone", "row_version", "updated_at", "updated_by",
              "device_id"}  # fmt: skip
    for op in updates:
        row_id = uuid.UUID(op["row_id"])
        old, new = before[row_id], after[row_id]
        assert new["contact_person"] == op["payload"]["changes"]["contact_person"][1]
        assert new["contact_phone"] == op["payload"]["changes"]["contact_phone"][1]
        assert new["row_version"] == old["row_version"] + 1
        assert datetime.fromisoformat(new["updated_at"]) == datetime.fromisoformat(op["at"])
        assert new["updated_by"] == op["user_id"]
        assert new["device_id"] == str(a.desk.ctx.device_id)
        assert {k: v for k, v in new.items() if k not in stamps} == {
            k: v for k, v in old.items() if k not in stamps
        }
    with factory() as s:
        logged = s.execute(
            select(SyncChange.row_id, SyncChange.op_id).where(SyncChange.seq > top)
        ).all()
    assert sorted((r.row_id, r.op_id) for r in logged if r.row_id in set(ids)) == sorted(
        (uuid.UUID(op["row_id"]), uuid.UUID(op["id"])) for op in updates
    )
    # A replay (the answer was lost) gets the same answers and changes nothing; an edit
    # replayed with another payload is refused.
    forged = {**updates[5], "payload": {"changes": {"contact_person": ["", "别人"]}}}
    again = pushing.push(factory, a.desk.ctx.device_id,
                         [forged if op is updates[5] else op for op in page], rig.clock())  # fmt: skip
    assert again[page.index(updates[5])]["status"] == "refused"
    assert [r for r in again if r["status"] != "refused"] == [
        r for r in results if r["op_id"] != updates[5]["id"]
    ]
    assert rig.server_enterprises() == after
    # Another desk receives the edits.
    b = rig.laptop("b")
    b.sync.sync_once()
    held = b.enterprises()
    assert {i: held[i] for i in ids} == {i: after[i] for i in ids}


def test_a_clash_or_a_row_deleted_on_the_server_in_a_run_is_answered_as_one_by_one(
    rig: Rig, path: str
) -> None:
    """Two edits of the run meet changes made on the server meanwhile: a field another desk
    changed too (a conflict to resolve, the server's value kept) and a record deleted there
    (the edit kept as a conflict); the other ten are applied."""
    a = rig.laptop("a")
    a.sync.sync_once()
    ids, page = _edited(a, 12, 2)
    desk, admin = rig.server_desk, rig.server_desk.auth.login("admin", "Admin2026")
    clashed, deleted = ids[3], ids[7]
    current = desk.enterprises.get(admin, clashed)
    from tests.test_sync import draft

    desk.enterprises.update(admin, clashed, draft(current, contact_person="服务器上的联系人"),
                            current.row_version)  # fmt: skip
    desk.enterprises.delete(admin, deleted)
    results = pushing.push(desk.ctx.factory, a.desk.ctx.device_id, page, rig.clock())
    by_row = {
        op["row_id"]: r for op, r in zip(page, results, strict=True) if op["kind"] == "update"
    }
    assert by_row[str(clashed)]["status"] == "conflict"
    assert by_row[str(clashed)]["conflict"]["kind"] == "field"
    assert "contact_person" in by_row[str(clashed)]["conflict"]["fields"]
    assert by_row[str(deleted)]["status"] == "conflict"
    assert by_row[str(deleted)]["conflict"]["kind"] == "update_vs_delete"
    others = [r for row_id, r in by_row.items() if uuid.UUID(row_id) not in (clashed, deleted)]
    assert [r["status"] for r in others] == ["applied"] * 10
    held = rig.server_enterprises()
    assert held[clashed]["contact_person"] == "服务器上的联系人"  # the server's value kept
    new = {uuid.UUID(op["row_id"]): op["payload"]["changes"] for op in _updates(page)}
    assert held[clashed]["contact_phone"] == new[clashed]["contact_phone"][1]  # nobody else's
    assert held[deleted]["deleted_at"] is not None
    for row_id in set(ids) - {clashed, deleted}:
        assert held[row_id]["contact_person"] == new[row_id]["contact_person"][1]
        assert held[row_id]["contact_phone"] == new[row_id]["contact_phone"][1]


def test_a_centre_laptops_run_of_edits_refuses_only_another_centres_record(
    rig: Rig,
    world: World,  # noqa: F811 (the fixture)
    path: str,
) -> None:
    """An inspector's laptop (enrolled for one centre) edits twelve of its centre's records in
    one go; an edit of the other centre's enterprise in the middle of the run (as a laptop
    re-enrolled after editing offline would hold it) is refused with the reason, as one by one
    refuses it, and the other twelve are applied."""
    a = _enrolled(rig, "umbrella-laptop", "umbrella")
    a.sync.sync_once()
    ids, page = _edited(a, 12, 3, centre_id=world.centre["umbrella"],
                        industry_id=world.industry["umbrella"])  # fmt: skip
    updates = _updates(page)
    stranger_before = rig.server_enterprises()[world.b]
    stranger = {**updates[6], "id": str(uuid.uuid4()), "row_id": str(world.b),
                "payload": {"changes": {"contact_person": [
                    stranger_before["contact_person"], "不该改到别的中心"]}}}  # fmt: skip
    at = page.index(updates[6])
    page = [*page[:at], stranger, *page[at:]]
    factory = rig.server_desk.ctx.factory
    results = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    refused = [r for r in results if r["status"] != "applied"]
    assert [r["op_id"] for r in refused] == [stranger["id"]]
    assert refused[0]["status"] == "rejected" and "属于其他中心" in refused[0]["reason_zh"]
    held = rig.server_enterprises()
    assert held[world.b] == stranger_before
    assert [held[i]["contact_person"] for i in ids] == [
        op["payload"]["changes"]["contact_person"][1]
        for op in sorted(updates, key=lambda op: ids.index(uuid.UUID(op["row_id"])))
    ]


def test_the_bulk_merge_of_an_edit_is_the_one_by_one_merge() -> None:
    """merge.plain_update takes what the field-level merge takes, and leaves to one by one
    every edit the merge has more to say about."""
    from compliance_desk.sync import merge

    tbl = codec.table("enterprise")
    row_id, user = uuid.uuid4(), uuid.uuid4()
    current = {c.name: None for c in tbl.columns}
    current.update(id=row_id, name="崧厦甲伞业有限公司", uscc="91330604MA2BCDEF1X",
                   contact_person="张三", contact_phone="138", deleted_at=None)  # fmt: skip

    def op(**changes: list[Any]) -> merge.Op:
        return merge.parse({"id": str(uuid.uuid4()), "table": "enterprise", "row_id": str(row_id),
                            "kind": "update", "base_version": 1, "at": "2026-11-30T08:00:00+00:00",
                            "user_id": str(user), "payload": {"changes": changes}},
                           uuid.uuid4())  # fmt: skip

    taken = merge.plain_update(op(contact_person=["张三", "李四"], contact_phone=["138", "138"]),
                               current)  # fmt: skip
    assert taken is not None
    assert taken["contact_person"] == "李四" and "contact_phone" not in taken
    assert taken["updated_by"] == user
    assert merge.plain_update(op(contact_person=["王五", "李四"]), current) is None  # a clash
    assert merge.plain_update(op(uscc=["91330604MA2BCDEF1X", "x"]), current) is None  # the key
    assert merge.plain_update(op(name=["崧厦甲伞业有限公司", "乙"]), current) is None  # renamed
    assert merge.plain_update(op(contact_person=["张三", "李四"]),
                              {**current, "deleted_at": "x"}) is None  # fmt: skip
    with pytest.raises(ValueError):
        merge.plain_update(op(contact_person=["张三", 5]), current)  # not text
    with pytest.raises(merge.BadOperation):
        merge.plain_update(op(id=[str(row_id), str(uuid.uuid4())]), current)  # a row's id
    audit = merge.parse({"id": str(uuid.uuid4()), "table": "audit_entry", "row_id": str(row_id),
                         "kind": "update", "at": "2026-11-30T08:00:00+00:00",
                         "payload": {"changes": {"action": ["create", "x"]}}}, uuid.uuid4())  # fmt: skip
    assert merge.plain_update(audit, {"id": row_id, "action": "create"}) is None  # append-only


def test_a_record_made_and_edited_before_the_sync_ends_the_same_on_both_sides(
    rig: Rig, path: str
) -> None:
    """Ten enterprises registered and then corrected offline, before any sync: their inserts,
    edits and audit entries in one page; the server holds each as edited (version 2, as one by
    one makes it) and, after the laptop's pull, the laptop and the server hold the same rows."""
    a = rig.laptop("a")
    a.sync.sync_once()
    rng = random.Random(5)
    made = [create(a, f"崧厦先建后改{n}伞业有限公司", _uscc(rng)) for n in range(10)]
    for n, e in enumerate(made):
        edit(a, e, contact_person=f"改后联系人{n}")
    page = _waiting(a)
    assert [op["kind"] for op in page].count("update") == 10
    with Statements(rig.server_desk.ctx.engine) as counted:
        results = pushing.push(rig.server_desk.ctx.factory, a.desk.ctx.device_id, page, rig.clock())
    assert results == [operations.applied(op["id"]) for op in page]
    if path == "bulk":  # one by one: five statements or more an operation
        assert len(counted.seen) < 40
    held = rig.server_enterprises()
    assert [held[e.id]["contact_person"] for e in made] == [f"改后联系人{n}" for n in range(10)]
    assert [held[e.id]["row_version"] for e in made] == [2] * 10
    a.sync.sync_once()
    mine = a.enterprises()
    assert {e.id: mine[e.id] for e in made} == {e.id: held[e.id] for e in made}


# Pages a laptop would not make, forged here: each answered by the bulk path as one by one
# answers it (found by review: before, the bulk path applied what one by one refuses).


def _op(
    laptop: Laptop, table: str, row_id: Any, kind: str, payload: dict[str, Any], base: Any = None
) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "table": table, "row_id": str(row_id), "kind": kind,
            "base_version": base, "command": None, "user_id": str(laptop.user().id),
            "at": "2026-11-30T08:00:00+00:00", "payload": payload}  # fmt: skip


def _synced(rig: Rig, seed: int, count: int = 8) -> tuple[Laptop, list[uuid.UUID]]:
    a = rig.laptop("a")
    a.sync.sync_once()
    rng = random.Random(seed)
    made = [create(a, f"崧厦伪造{seed}-{n}伞业有限公司", _uscc(rng)).id for n in range(count)]
    a.sync.sync_once()
    return a, made


def _contact_edits(rig: Rig, a: Laptop, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    held = rig.server_enterprises()
    return [_op(a, "enterprise", i, "update",
                {"changes": {"contact_person": [held[i]["contact_person"], f"人{n}"]}},
                held[i]["row_version"]) for n, i in enumerate(ids)]  # fmt: skip


def _push(rig: Rig, a: Laptop, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return pushing.push(rig.server_desk.ctx.factory, a.desk.ctx.device_id, page, rig.clock())


def test_an_audit_entry_is_never_edited_by_either_path(rig: Rig, path: str) -> None:
    """Audit entries are only ever added (SYNC.md: append-only unions): eight edits of them in a
    run are each rejected with the reason, and the entries stay as they were."""
    from tests.sync_support import rows

    a, made = _synced(rig, 901)
    audits = {k: v for k, v in rows(rig.server_desk, "audit_entry").items()
              if v["row_id"] in {str(i) for i in made}}  # fmt: skip
    page = [_op(a, "audit_entry", k, "update", {"changes": {"action": [v["action"], "forged"]}})
            for k, v in list(audits.items())[:8]]  # fmt: skip
    assert len(page) == 8
    results = _push(rig, a, page)
    assert [r["status"] for r in results] == ["rejected"] * 8
    assert all("只能新增" in r["reason_zh"] for r in results)
    after = rows(rig.server_desk, "audit_entry")
    assert [after[uuid.UUID(op["row_id"])]["action"] for op in page] == [
        audits[uuid.UUID(op["row_id"])]["action"] for op in page
    ]


def test_an_edit_of_a_rows_id_is_refused_by_either_path(rig: Rig, path: str) -> None:
    """Every replica and the change log know a row by its id: an edit that changes it is
    rejected (one by one it re-keyed the row, and the bulk path answered "applied" and changed
    nothing); the run's other edits are applied."""
    a, made = _synced(rig, 902)
    page = _contact_edits(rig, a, made)
    page[2]["payload"]["changes"]["id"] = [str(made[2]), str(uuid.uuid4())]
    results = _push(rig, a, page)
    assert [r["status"] for r in results] == ["applied"] * 2 + ["rejected"] + ["applied"] * 5
    held = rig.server_enterprises()
    assert made[2] in held and held[made[2]]["contact_person"] != "人2"
    assert [held[i]["contact_person"] for i in made[3:]] == [f"人{n}" for n in range(3, 8)]


def test_an_edit_before_the_insert_it_depends_on_is_answered_as_one_by_one(
    rig: Rig, path: str
) -> None:
    """An edit of a row whose insert comes later in the page meets no row one by one (rejected),
    and an edit naming a row inserted later fails its foreign key; inserting first would have
    applied both.  An edit and a later insert under the same operation id: the edit is applied,
    the insert refused as a replay with another payload."""
    a, made = _synced(rig, 903)
    held = rig.server_enterprises()
    template = held[made[0]]
    new = uuid.uuid4()
    row = {**template, "id": str(new), "uscc": _uscc(random.Random(9031)),
           "name": "崧厦后建伞业有限公司", "contact_person": "甲", "row_version": 1}  # fmt: skip
    page = _contact_edits(rig, a, made[:7])
    page += [_op(a, "enterprise", new, "update", {"changes": {"contact_person": ["甲", "乙"]}}, 1),
             _op(a, "enterprise", new, "insert", {"row": row})]  # fmt: skip
    results = _push(rig, a, page)
    assert [r["status"] for r in results] == ["applied"] * 7 + ["rejected", "applied"]
    after = rig.server_enterprises()[new]
    assert (after["contact_person"], after["row_version"]) == ("甲", 1)

    from tests.sync_support import rows

    chamber = {**next(iter(rows(rig.server_desk, "chamber").values())), "id": str(uuid.uuid4()),
               "name": "后建商会", "row_version": 1}  # fmt: skip
    page = _contact_edits(rig, a, made[:7])
    last = rig.server_enterprises()[made[7]]
    page += [_op(a, "enterprise", made[7], "update",
                 {"changes": {"chamber_id": [last["chamber_id"], chamber["id"]]}},
                 last["row_version"]),
             _op(a, "chamber", chamber["id"], "insert", {"row": chamber})]  # fmt: skip
    results = _push(rig, a, page)
    assert [r["status"] for r in results] == ["applied"] * 7 + ["rejected", "applied"]
    assert rig.server_enterprises()[made[7]]["chamber_id"] == last["chamber_id"]

    page = _contact_edits(rig, a, made[:8])
    twin = {**row, "id": str(uuid.uuid4()), "uscc": _uscc(random.Random(9071)),
            "name": "崧厦同号伞业有限公司"}  # fmt: skip
    same_id = {**_op(a, "enterprise", twin["id"], "insert", {"row": twin}), "id": page[7]["id"]}
    results = _push(rig, a, [*page, same_id])
    assert [r["status"] for r in results] == ["applied"] * 8 + ["refused"]
    assert uuid.UUID(twin["id"]) not in rig.server_enterprises()


def test_a_mixed_runs_change_log_follows_the_page(rig: Rig, path: str) -> None:
    """Edits and the inserts between them (a clerk's edits one at a time, and visits) are
    numbered in the change log in the page's order, as one by one numbers them: a device
    pulling a page boundary between them gets a row's parent first."""
    a = rig.laptop("a")
    a.sync.sync_once()
    ids, page = _edited(a, 10, 6, at_once=False)
    factory = rig.server_desk.ctx.factory
    with factory() as s:
        top = int(s.scalar(select(SyncChange.seq).order_by(SyncChange.seq.desc()).limit(1)) or 0)
    results = _push(rig, a, page)
    assert [r["status"] for r in results] == ["applied"] * len(page)
    with factory() as s:
        logged = list(s.scalars(select(SyncChange.op_id).where(SyncChange.seq > top)
                                .order_by(SyncChange.seq)))  # fmt: skip
    assert logged == [uuid.UUID(op["id"]) for op in page]
