"""Property: replicas editing enterprises offline, syncing partly and losing answers, converge.

Three SQLite replicas and the server on a real PostgreSQL.  Hypothesis picks a small program
of offline edits (create, change a field, delete), letters approved with numbers from the
replica's leased blocks of two (running out, refilled at the next sync), partial syncs (push
only, pull only), full syncs and syncs whose answer is lost.  Afterwards every replica syncs
twice, and then: every replica's enterprise table equals the server's (every column), no
operation is still waiting, every operation not applied is a recorded conflict or rejected
with a reason, and every issued number is on one letter only, the same on every replica.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text
from stdnum.cn import uscc

from compliance_desk.bootstrap import open_desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.local_time import local_date
from compliance_desk.persistence.letter_models import Letter
from compliance_desk.persistence.models import Department
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.services.number_leases import NoLeasedNumber
from compliance_desk.services.signing_keys import KeyStore
from compliance_desk.sync import leasing, replica
from compliance_desk.sync.client import SyncError
from tests import pg_server
from tests.conftest import FAST_HASHER, FixedClock
from tests.sync_support import Laptop, make_rig
from tests.test_sync import draft

pytestmark = pytest.mark.postgres

FIELDS = ("address", "contact_person", "notes")
VALUES = ("甲", "乙", "丙")
SERIES = "虞市监合建"
EXAMPLES = int(os.environ.get("SYNC_PROPERTY_EXAMPLES", "12"))

step = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2)),
    st.tuples(
        st.just("edit"),
        st.integers(0, 2),
        st.integers(0, 5),
        st.sampled_from(FIELDS),
        st.sampled_from(VALUES),
    ),  # fmt: skip
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("approve"), st.integers(0, 2)),  # a letter numbered from the lease
    st.tuples(
        st.sampled_from(["push", "pull", "sync", "push_lost", "pull_lost"]), st.integers(0, 2)
    ),  # fmt: skip
)


@pytest.fixture(scope="module")
def template(pg: pg_server.PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated, seeded laptop file to copy (each copy gets its own device id)."""
    path = tmp_path_factory.mktemp("tpl") / "laptop.sqlite3"
    open_desk(f"sqlite:///{path}", hasher=FAST_HASHER).close()
    yield path


def _code(n: int) -> str:
    base = f"9133060400{n:07d}"
    return base + uscc.calc_check_digit(base)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(program=st.lists(step, min_size=4, max_size=24))
def test_replicas_converge_to_the_server(
    program: list[tuple[object, ...]],
    pg: pg_server.PgServer,
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    name = f"prop_{os.getpid()}_{abs(hash(tuple(program))) % 10**9}"
    admin = create_engine(pg.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template_cd'))
    clock = FixedClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    rig = make_rig(pg.url(name), tmp_path_factory.mktemp("p"), clock)
    try:
        replicas = [rig.laptop(f"r{i}", template=template) for i in range(3)]
        for r in replicas:
            r.desk.letters.keys = KeyStore(rig.tmp / f"keys-{r.name}")  # its own machine's key
            r.sync.sync_once()  # users and reference data
            with r.desk.ctx.factory() as s:
                replica.set_setting(s, leasing.SIZE_KEY, "2")  # small blocks: run out, refill
                s.commit()
            leasing.keep_series(r.desk.ctx, [SERIES])
            r.sync.sync_once()
        created = 0
        for action, *args in program:
            r = replicas[int(args[0])]  # type: ignore[call-overload]
            if action == "create":
                created += 1
                user = r.user()
                r.desk.enterprises.create(user, EnterpriseDraft(name=f"崧厦伞业{created}号公司",
                                                                uscc=_code(created)))  # fmt: skip
            elif action == "approve":
                _approve(r)
            elif action in ("edit", "delete"):
                live = sorted(k for k, v in r.enterprises().items() if v["deleted_at"] is None)
                if not live:
                    continue
                target = live[int(args[1]) % len(live)]  # type: ignore[call-overload]
                user = r.user()
                try:
                    if action == "delete":
                        r.desk.enterprises.delete(user, target)
                    else:
                        view = r.desk.enterprises.get(user, target)
                        field, value = str(args[2]), str(args[3])
                        r.desk.enterprises.update(user, target, draft(view, **{field: value}),
                                                  view.row_version)  # fmt: skip
                except DomainError:
                    pass  # e.g. nothing to change; the register says why
            else:
                _sync(r, str(action))
        for _ in range(2):
            for r in replicas:
                r.sync.sync_once()
        server = rig.server_enterprises()
        for r in replicas:
            assert r.enterprises() == server
            with r.desk.ctx.factory() as s:
                left = list(s.scalars(select(SyncOutbox)))
            assert [o for o in left if o.status == "pending"] == []
            for o in left:  # applied (kept a while, sync/resend.py), or a conflict or a reason
                if o.status == "done":
                    assert o.acked_at is not None
                    continue
                assert o.result is not None and o.result["reason_zh"]
                if o.status == "conflict":
                    assert o.result["conflict"]["fields"] or o.result["conflict"]["kind"] != "field"
        # Every document number issued on a replica is on the server once, on one letter.
        issued = _numbers(rig.server_desk)
        assert len(set(issued.values())) == len(issued)
        for r in replicas:
            assert _numbers(r.desk) == issued
    finally:
        rig.close()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _approve(r: Laptop) -> None:
    user = r.user("adviser")
    with r.desk.ctx.factory() as s:
        market = s.scalars(select(Department.id).where(Department.number_prefix == "虞市监")).one()
    today = local_date(r.desk.ctx.clock())
    letter = r.desk.letters.draft(user, "advice_letter", KINDS["advice_letter"].sample_on(today),
                                  department_id=market)  # fmt: skip
    try:
        r.desk.letters.approve(user, letter.id, letter.row_version)
    except NoLeasedNumber:
        r.desk.letters.void(user, letter.id, "编号用完，草稿作废")  # refused: nothing numbered


def _numbers(desk: Any) -> dict[Any, str]:
    """Issued letters: id -> number."""
    with desk.ctx.factory() as s:
        query = select(Letter.id, Letter.number).where(Letter.number.is_not(None))
        return {letter_id: str(number) for letter_id, number in s.execute(query)}


def _sync(r: Laptop, action: str) -> None:
    if action == "push":
        r.sync.sync_once(pull=False)
    elif action == "pull":
        r.sync.sync_once(push=False)
    elif action == "sync":
        r.sync.sync_once()
    else:  # the server acts on it, the answer is lost on the way back
        path = "/v1/push" if action == "push_lost" else "/v1/pull"
        r.wire.lose_answer_to.add(path)
        try:
            r.sync.sync_once()
        except SyncError:
            pass
        r.wire.lose_answer_to.clear()
