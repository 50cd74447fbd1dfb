"""双随机, audited: the draw keeps its pool so anyone can re-run it from the record; inspectors
come from the drawing centre; listed enterprises the once-a-year guard would refuse are never
drawn (and the draw says so); the pool is read in a fixed number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select, update

from compliance_desk.bootstrap import Desk
from compliance_desk.domain import inspections as rules
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.inspections import ItemResult
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.inspection_models import InspectionDraw
from compliance_desk.persistence.models import Centre, Department, Enterprise
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.demo_data import ensure_demo_inspectors, load_demo


@pytest.fixture
def world(desk: Desk, admin: CurrentUser) -> Desk:
    load_demo(desk.ctx, "small", appeals=0)
    return desk


def _centres(desk: Desk) -> dict[str, uuid.UUID]:
    with desk.ctx.factory() as s:
        return {c.code: c.id for c in s.scalars(select(Centre))}


def _departments(desk: Desk) -> list[uuid.UUID]:
    with desk.ctx.factory() as s:
        return list(s.scalars(select(Department.id).limit(2)))


def _centre_enterprises(desk: Desk, centre: uuid.UUID) -> list[uuid.UUID]:
    with desk.ctx.factory() as s:
        return list(s.scalars(select(Enterprise.id).where(Enterprise.centre_id == centre)
                              .order_by(Enterprise.uscc)))  # fmt: skip


def _inspect_clean(desk: Desk, user: CurrentUser, enterprise: uuid.UUID, on: date) -> None:
    """An inspection with no findings: the enterprise joins the compliant list."""
    view = desk.inspections.plan(user, enterprise, on, _departments(desk), [])
    for item in view.items:
        desk.inspections.record(user, item.id, ItemResult.PASSED)
    desk.inspections.sign(user, view.id, "企业负责人")


# -- the record re-runs ------------------------------------------------------------------------


def test_a_record_re_runs_to_its_result_and_a_changed_record_does_not() -> None:
    pool = [rules.Candidate(f"e{n:03}", n % 5 == 0) for n in range(60)]
    people = ["p1", "p2", "p3"]
    drawn = rules.draw(pool, people, 7, 99, 0.2, 0.05, 2)
    record = rules.DrawRecord(
        seed=99, count=7, ratio=0.2, compliant_ratio=0.05, team_size=2,
        pool=tuple((c.id, rules.LISTED if c.compliant else rules.OTHER) for c in pool),
        inspector_pool=tuple(people), enterprises=drawn.enterprises, inspectors=drawn.inspectors,
        fingerprint=drawn.fingerprint,
    )  # fmt: skip
    assert rules.audit(record) == []
    other_seed = rules.audit(record.__class__(**{**record.__dict__, "seed": 100}))
    assert "抽中的企业与记录不同" in "".join(other_seed)
    moved = list(record.pool)
    moved[1] = (moved[1][0], rules.LISTED)  # an enterprise moved to the listed stratum
    tampered = rules.audit(record.__class__(**{**record.__dict__, "pool": tuple(moved)}))
    assert "名单指纹不符" in tampered[0]


def test_the_draw_keeps_its_pool_and_the_audit_re_runs_it(
    world: Desk, inspector: CurrentUser, admin: CurrentUser
) -> None:
    ensure_demo_inspectors(world.ctx)  # a draw sends two of the centre's
    umbrella = _centres(world)["umbrella"]
    drawn = world.inspections.draw(inspector, umbrella, 6, seed=7)
    with world.ctx.factory() as s:
        row = s.get(InspectionDraw, drawn.id)
        assert row is not None and row.pool_enterprises and row.pool_inspectors
        pool_ids = [e for e, _stratum in row.pool_enterprises]
        assert pool_ids == sorted(pool_ids) and len(pool_ids) == drawn.pool_size
        assert {stratum for _e, stratum in row.pool_enterprises} <= {"listed", "other"}
        assert set(row.enterprise_ids) <= set(pool_ids)
        assert row.as_of == date(2026, 3, 2) and row.team_size == 2
    audit = world.inspections.audit_draw(inspector, drawn.id)
    assert audit.matches and audit.problems == [] and audit.pool_size == drawn.pool_size

    # The register changes after the draw: the record alone still re-runs it.
    world.enterprises.delete(admin, drawn.enterprises[0][0])
    assert world.inspections.audit_draw(inspector, drawn.id).matches

    # Someone edits the drawn enterprises in the record: the audit says so.
    with world.ctx.factory() as s:
        ids = list(reversed(row.enterprise_ids))
        s.execute(update(InspectionDraw).where(InspectionDraw.id == drawn.id)
                  .values(enterprise_ids=ids))  # fmt: skip
        s.commit()
    audit = world.inspections.audit_draw(inspector, drawn.id)
    assert not audit.matches and "抽中的企业与记录不同" in audit.problems[0]

    # A draw recorded before pools were kept cannot be audited, and says why.
    with world.ctx.factory() as s:
        s.execute(update(InspectionDraw).where(InspectionDraw.id == drawn.id)
                  .values(pool_enterprises=None))  # fmt: skip
        s.commit()
    with pytest.raises(DomainError) as err:
        world.inspections.audit_draw(inspector, drawn.id)
    assert "无法按记录复核" in err.value.message_zh


def test_inspectors_are_drawn_from_the_drawing_centre(
    world: Desk, admin: CurrentUser, inspector: CurrentUser
) -> None:
    centres = _centres(world)
    with pytest.raises(DomainError) as alone:  # the demo's one inspector: no team
        world.inspections.draw(admin, centres["umbrella"], 2)
    assert (
        "只有 1 名在岗执法人员" in alone.value.message_zh
        and "不少于 2 名" in alone.value.message_zh
    )
    for n in range(3):
        world.auth.create_user(admin, f"game{n}", f"游戏执法{n}", Role.INSPECTOR, "Inspector2026",
                               centres["game"])  # fmt: skip
    world.auth.create_user(admin, "umbrella2", "伞业执法二", Role.INSPECTOR, "Inspector2026",
                           centres["umbrella"])  # fmt: skip
    game_people = {"游戏执法0", "游戏执法1", "游戏执法2"}
    for seed in range(12):
        game = world.inspections.draw(admin, centres["game"], 2, seed=seed)
        assert {name for _i, name in game.inspectors} <= game_people and len(game.inspectors) == 2
        umbrella = world.inspections.draw(admin, centres["umbrella"], 2, seed=seed)
        assert {name for _i, name in umbrella.inspectors} == {"赵志刚", "伞业执法二"}

    empty = world.reference.add(admin, "centre", "测试合规中心").id
    with pytest.raises(DomainError) as err:
        world.inspections.draw(admin, empty, 1)
    assert "没有在岗的执法人员" in err.value.message_zh


def test_listed_enterprises_the_yearly_guard_would_refuse_are_not_drawn(
    world: Desk, inspector: CurrentUser, clock: object
) -> None:
    ensure_demo_inspectors(world.ctx)  # a draw sends two of the centre's
    from datetime import UTC, datetime

    umbrella = _centres(world)["umbrella"]
    # the demo's own listed enterprises inspected within the year are left out already
    already = {e for e, _n, _w in world.inspections.draw(inspector, umbrella, 1, seed=3).left_out}
    enterprises = _centre_enterprises(world, umbrella)
    inspected = [e for e in enterprises if e not in already][:3]
    for enterprise in inspected:  # inspected last spring, clean: listed since
        _inspect_clean(world, inspector, enterprise, date(2025, 9, 1))
    clock.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    everyone_else = len(enterprises) - len(inspected) - len(already)
    drawn = world.inspections.draw(inspector, umbrella, everyone_else, seed=3)
    assert drawn.pool_size == everyone_else
    assert not {e for e, _n, _l in drawn.enterprises} & set(inspected)
    assert {e for e, _n, _why in drawn.left_out} == set(inspected) | already
    assert all("2025-09-01 已综合检查" in why and "2026-09-01 前不再检查" in why
               for e, _n, why in drawn.left_out if e in inspected)  # fmt: skip
    # Each drawn enterprise can then be planned: none is refused by the guard.
    for enterprise, _name, _listed in drawn.enterprises[:5]:
        world.inspections.plan(inspector, enterprise, date(2026, 3, 3), _departments(world), [])
    planned_listed = sum(1 for _e, _n, listed in drawn.enterprises[:5] if listed)  # now in the year
    with pytest.raises(DomainError) as err:  # asking for more than the pool says why
        world.inspections.draw(inspector, umbrella, len(enterprises), seed=3)
    left_out = 3 + len(already) + planned_listed
    assert f"另有 {left_out} 家合规名单企业一年内已检查" in err.value.message_zh

    # A year on, they are back in the pool, at the listed ratio.
    clock.now = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    later = world.inspections.draw(inspector, umbrella, 1, seed=3)
    assert not later.left_out or not set(inspected) & {e for e, _n, _w in later.left_out}
    with world.ctx.factory() as s:
        row = s.get(InspectionDraw, later.id)
        assert row is not None and row.pool_enterprises is not None
        strata = dict((uuid.UUID(e), stratum) for e, stratum in row.pool_enterprises)
    assert all(strata[e] == "listed" for e in inspected)


@contextmanager
def _counting(desk: Desk) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(desk.ctx.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(desk.ctx.engine, "before_cursor_execute", count)


def test_the_draw_reads_its_pool_in_a_fixed_number_of_queries(
    world: Desk, admin: CurrentUser, inspector: CurrentUser
) -> None:
    ensure_demo_inspectors(world.ctx)  # a draw sends two of the centre's
    umbrella = _centres(world)["umbrella"]
    listed = _centre_enterprises(world, umbrella)[:4]
    for enterprise in listed:
        _inspect_clean(world, inspector, enterprise, date(2025, 1, 10))
    before = len(_centre_enterprises(world, umbrella))
    with _counting(world) as small:
        world.inspections.draw(admin, umbrella, 3, seed=1)
    load_demo(world.ctx, "small", seed=777, appeals=0)  # about twice the enterprises
    assert len(_centre_enterprises(world, umbrella)) > 1.5 * before
    with _counting(world) as large:
        drawn = world.inspections.draw(admin, umbrella, 3, seed=1)
    assert len(large) == len(small) < 25, large
    assert drawn.pool_size > 1.5 * before - len(listed)


def test_the_demo_has_teams_of_inspectors_in_both_centres(world: Desk, admin: CurrentUser) -> None:
    from compliance_desk.persistence.inspection_models import Inspection
    from compliance_desk.persistence.models import AppUser
    from compliance_desk.services.demo_data import load_demo_inspections

    assert load_demo_inspections(world.ctx, world.inspections) == 12
    with world.ctx.factory() as s:
        home = dict(s.execute(select(AppUser.id, AppUser.centre_id)
                              .where(AppUser.role == Role.INSPECTOR.value)).all())  # fmt: skip
        rows = s.execute(select(Inspection.inspector_ids, Enterprise.centre_id)
                         .join(Enterprise, Enterprise.id == Inspection.enterprise_id)).all()  # fmt: skip
    centres = _centres(world)
    assert sum(1 for c in home.values() if c == centres["umbrella"]) >= 3
    assert sum(1 for c in home.values() if c == centres["game"]) >= 3
    assert {centre for _ids, centre in rows} == {centres["umbrella"], centres["game"]}
    for ids, centre in rows:  # a team of two, both of the enterprise's centre
        assert len(ids) == 2 and all(home[uuid.UUID(i)] == centre for i in ids)
    assert len({i for ids, _c in rows for i in ids}) >= 5  # several inspectors, not one
    for code in ("umbrella", "game"):
        assert len(world.inspections.draw(admin, centres[code], 2, seed=5).inspectors) == 2
    assert load_demo_inspections(world.ctx, world.inspections) == 0  # once
