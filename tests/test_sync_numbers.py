"""Leased blocks of document numbers (SYNC.md rule 12) on the real server and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from compliance_desk.documents.kinds import KINDS
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.local_time import CHINA, local_date
from compliance_desk.persistence.lease_models import NumberLease
from compliance_desk.persistence.letter_models import DocumentNumber, Letter
from compliance_desk.persistence.models import Department
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.server import bulk
from compliance_desk.server import push as pushing
from compliance_desk.services.number_leases import NoLeasedNumber
from compliance_desk.services.signing_keys import KeyStore
from compliance_desk.sync import leasing, replica
from compliance_desk.sync.client import SyncError
from tests.conftest import FixedClock
from tests.sync_support import Laptop, Rig
from tests.test_sync_install import _cli, server_process  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres

SERIES = "虞市监合建"  # the market regulator's advice letters


@pytest.fixture
def rig(rig: Rig, tmp_path: Path) -> Rig:  # conftest's, with the server's own signing key
    rig.server_desk.letters.keys = KeyStore(tmp_path / "keys-server")
    return rig


def _laptop(rig: Rig, name: str) -> Laptop:
    """A laptop with its own signing key (as on its own machine: the rig shares one folder)."""
    laptop = rig.laptop(name)
    laptop.desk.letters.keys = KeyStore(rig.tmp / f"keys-{name}")
    return laptop


def _market(laptop: Laptop) -> uuid.UUID:
    with laptop.desk.ctx.factory() as s:
        return s.scalars(select(Department.id).where(Department.number_prefix == "虞市监")).one()


def _draft(laptop: Laptop, **changes: Any) -> Any:
    """An advice letter written today (by the laptop's clock): approved the day it bears."""
    today = local_date(laptop.desk.ctx.clock())
    return laptop.desk.letters.draft(laptop.user("adviser"), "advice_letter",
                                     KINDS["advice_letter"].sample_on(today) | changes,
                                     department_id=_market(laptop))  # fmt: skip


def _issue(laptop: Laptop) -> str:
    letter = _draft(laptop)
    view = laptop.desk.letters.approve(laptop.user("adviser"), letter.id, letter.row_version)
    assert view.number is not None
    return str(view.number)


def _seq(number: str) -> int:
    return int(number.split("〕")[1].rstrip("号"))


def _settings(laptop: Laptop, **values: str) -> None:
    with laptop.desk.ctx.factory() as s:
        for key, value in values.items():
            replica.set_setting(s, key, value)
        s.commit()


def _leased_laptop(rig: Rig, name: str, size: int = 5) -> Laptop:
    laptop = _laptop(rig, name)
    laptop.sync.sync_once()  # users and reference data first
    _settings(laptop, **{leasing.SIZE_KEY: str(size)})
    leasing.keep_series(laptop.desk.ctx, [SERIES])
    report = laptop.sync.sync_once()
    assert report.leased == size
    return laptop


def _server_register(rig: Rig) -> list[tuple[int, str, str, uuid.UUID | None]]:
    with rig.server_desk.ctx.factory() as s:
        return [
            (r.seq, r.status, r.void_reason, r.letter_id)
            for r in s.scalars(
                select(DocumentNumber)
                .where(DocumentNumber.prefix == SERIES, DocumentNumber.year == 2026)
                .order_by(DocumentNumber.seq)
            )
        ]


def test_two_laptops_offline_issue_from_their_leases_and_no_number_is_on_two_letters(
    rig: Rig,
) -> None:
    a = _leased_laptop(rig, "a")
    b = _leased_laptop(rig, "b")
    a.wire.down = b.wire.down = True  # both go out
    a_numbers = [_issue(a) for _ in range(3)]
    b_numbers = [_issue(b) for _ in range(3)]
    # Meanwhile the server's own desk approves one at the desk: after both blocks.
    server_user = rig.server_desk.auth.login("adviser", "Adviser2026")
    with rig.server_desk.ctx.factory() as s:
        market = s.scalars(select(Department.id).where(Department.number_prefix == "虞市监")).one()
    today = local_date(rig.clock())
    letter = rig.server_desk.letters.draft(server_user, "advice_letter",
                                           KINDS["advice_letter"].sample_on(today),
                                           department_id=market)  # fmt: skip
    on_server = rig.server_desk.letters.approve(server_user, letter.id, letter.row_version).number
    assert on_server is not None
    assert [_seq(n) for n in a_numbers] == [1, 2, 3] and [_seq(n) for n in b_numbers] == [6, 7, 8]
    assert _seq(on_server) == 11  # the blocks 1-5 and 6-10 are leased: never handed out again

    a.wire.down = b.wire.down = False
    for laptop in (a, b, a):
        report = laptop.sync.sync_once()
        assert report.rejected == 0 and report.conflicts == 0
    register = _server_register(rig)
    assert [seq for seq, *_ in register] == [1, 2, 3, 6, 7, 8, 11]
    assert all(status == "issued" for _seq_, status, _r, _l in register)
    with rig.server_desk.ctx.factory() as s:
        numbers = list(s.scalars(select(Letter.number).where(Letter.number.is_not(None))))
    assert sorted(numbers) == sorted([*a_numbers, *b_numbers, on_server])
    # Each laptop's register of numbers shows all seven, as the server has them.
    for laptop in (a, b):
        listed = {n.number for n in laptop.desk.letters.numbers(laptop.user("adviser"), 2026)}
        assert listed == set(numbers)
    # The database itself refuses a second letter under a number (PostgreSQL's unique index).
    with rig.server_desk.ctx.engine.connect() as c:
        indexes = {r[0] for r in c.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('document_number', 'letter')"
            " AND indexdef LIKE 'CREATE UNIQUE%'"))}  # fmt: skip
    assert {"uq_document_number", "uq_letter_number"} <= indexes


def test_offline_without_a_lease_the_approval_is_refused_in_chinese_and_nothing_is_written(
    rig: Rig,
) -> None:
    a = _laptop(rig, "a")
    a.sync.sync_once()  # nothing to approve yet: no lease asked for
    a.wire.down = True
    letter = _draft(a)
    with pytest.raises(NoLeasedNumber) as info:
        a.desk.letters.approve(a.user("adviser"), letter.id, letter.row_version)
    assert "编号已用完" in info.value.message_zh
    assert "请联网同步后再批准" in info.value.message_zh
    still = a.desk.letters.letter(a.user("adviser"), letter.id)
    assert still.status == "draft" and still.number is None
    with a.desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(DocumentNumber)) == 0
        tables = set(s.scalars(select(SyncOutbox.table_name)))
    assert "document_number" not in tables
    # Back online: the sync leases numbers for the draft waiting here, and approval works.
    a.wire.down = False
    assert a.sync.sync_once().leased == leasing.DEFAULT_SIZE
    issued = a.desk.letters.approve(a.user("adviser"), letter.id, still.row_version)
    assert issued.number == f"{SERIES}〔2026〕1号"


def test_a_used_up_lease_refuses_and_a_sync_tops_it_up(rig: Rig) -> None:
    a = _leased_laptop(rig, "a", size=2)
    a.wire.down = True
    assert [_seq(_issue(a)) for _ in range(2)] == [1, 2]
    letter = _draft(a)
    with pytest.raises(NoLeasedNumber) as info:
        a.desk.letters.approve(a.user("adviser"), letter.id, letter.row_version)
    assert "编号已用完" in info.value.message_zh
    a.wire.down = False
    assert a.sync.sync_once().leased == 2
    assert _seq(_issue(a)) == 3


def test_an_expired_lease_voids_its_unused_numbers_with_the_reason(
    rig: Rig, clock: FixedClock
) -> None:
    a = _leased_laptop(rig, "a", size=4)
    _issue(a)
    a.wire.down = True
    clock.now += timedelta(days=31)  # the lease (30 days) has run out while away
    letter = _draft(a)
    with pytest.raises(NoLeasedNumber) as info:
        a.desk.letters.approve(a.user("adviser"), letter.id, letter.row_version)
    assert "已过期" in info.value.message_zh and "请联网同步后再批准" in info.value.message_zh
    a.wire.down = False
    report = a.sync.sync_once()
    assert report.voided == 3 and report.rejected == 0
    register = _server_register(rig)
    assert [(seq, status) for seq, status, *_ in register] == [
        (1, "issued"), (2, "voided"), (3, "voided"), (4, "voided")]  # fmt: skip
    assert all("租用编号到期未使用" in reason for _s, status, reason, _l in register
               if status == "voided")  # fmt: skip
    listed = {n.number: n for n in a.desk.letters.numbers(a.user("adviser"), 2026)}
    assert listed[f"{SERIES}〔2026〕3号"].status == "已作废"
    assert "到期" in listed[f"{SERIES}〔2026〕3号"].void_reason
    # A new block came with the same sync (the series is kept): numbers go on after the old.
    issued = a.desk.letters.approve(a.user("adviser"), letter.id, letter.row_version)
    assert _seq(str(issued.number)) == 5
    a.sync.sync_once()
    b = _laptop(rig, "b")
    b.sync.sync_once()
    assert {n.number for n in b.desk.letters.numbers(b.user("adviser"), 2026)} == set(listed) | {
        issued.number}  # fmt: skip


def test_the_year_end_voids_the_unused_rest_with_the_reason(rig: Rig, clock: FixedClock) -> None:
    clock.now = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    a = _leased_laptop(rig, "a", size=3)
    with a.desk.ctx.factory() as s:
        lease = s.scalars(select(NumberLease)).one()
    assert lease.expires_at <= datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 in China
    a.wire.down = True
    clock.now = datetime(2027, 1, 2, 1, 0, tzinfo=UTC)
    a.wire.down = False
    a.sync.sync_once()
    register = _server_register(rig)
    assert [(seq, status) for seq, status, *_ in register] == [(1, "voided"), (2, "voided"),
                                                               (3, "voided")]  # fmt: skip
    assert all("2026 年度结束" in reason for _s, _st, reason, _l in register)


def test_a_number_outside_the_devices_lease_is_rejected_with_the_reason(rig: Rig) -> None:
    a = _leased_laptop(rig, "a", size=3)
    b = _leased_laptop(rig, "b", size=3)  # holds 4-6
    with a.desk.ctx.factory() as s:  # a's lease tampered with to cover b's block
        s.execute(update(NumberLease).values(first_seq=4, last_seq=6, next_seq=4))
        s.commit()
    a.wire.down = True
    taken = _issue(a)
    assert _seq(taken) == 4
    a.wire.down = False
    report = a.sync.sync_once()
    assert report.rejected >= 1
    with a.desk.ctx.factory() as s:
        reasons = [o.result["reason_zh"] for o in s.scalars(
            select(SyncOutbox).where(SyncOutbox.status == "rejected"))]  # fmt: skip
    assert any("不在本设备租用的编号段内" in r for r in reasons)
    b.wire.down = True
    assert _seq(_issue(b)) == 4  # b's own number 4 goes through
    b.wire.down = False
    assert b.sync.sync_once().rejected == 0
    with rig.server_desk.ctx.factory() as s:
        holders = list(s.scalars(select(Letter.id).where(Letter.number == taken)))
    assert len(holders) == 1


def test_a_lost_lease_answer_gets_the_same_block_back(rig: Rig) -> None:
    a = _laptop(rig, "a")
    a.sync.sync_once()
    leasing.keep_series(a.desk.ctx, [SERIES])
    a.wire.lose_answer_to.add("/v1/leases")
    with pytest.raises(SyncError) as info:
        a.sync.sync_once()
    assert info.value.code == "offline"
    a.sync.sync_once()
    with rig.server_desk.ctx.factory() as s:
        granted = list(s.scalars(select(NumberLease)))
    with a.desk.ctx.factory() as s:
        held = list(s.scalars(select(NumberLease)))
    assert len(granted) == len(held) == 1 and granted[0].id == held[0].id


def test_the_command_line_keeps_a_series_lists_leases_and_prepares_a_day(
    server_process: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    laptop = f"sqlite:///{tmp_path / 'laptop.sqlite3'}"
    enrol = _cli("--db", laptop, "--password", "Admin2026", "sync", "enrol", "--server",
                 server_process, "--admin", "admin", "--centre", "umbrella",
                 env_dir=tmp_path)  # fmt: skip
    assert enrol.returncode == 0, enrol.stderr
    unknown = _cli("--db", laptop, "sync", "--lease", "虞市监不存在", env_dir=tmp_path)
    assert unknown.returncode == 1 and "没有文号前缀为“虞市监不存在”" in unknown.stderr
    kept = _cli("--db", laptop, "sync", "--lease", SERIES, env_dir=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert f"保留租用编号的文号系列：{SERIES}" in kept.stdout and "新领 10 个" in kept.stdout
    listed = _cli("--db", laptop, "sync", "leases", env_dir=tmp_path)
    year = datetime.now(UTC).astimezone(CHINA).year
    assert f"{SERIES}〔{year}〕1-10号" in listed.stdout and "剩余 10 个" in listed.stdout
    again = _cli("--db", laptop, "sync", env_dir=tmp_path)  # enough left: nothing new
    assert again.returncode == 0 and "新领" not in again.stdout
    day = _cli("--db", laptop, "sync", "prepare", "--date", "2026-12-01", env_dir=tmp_path)
    assert day.returncode == 0, day.stderr
    assert "2026-12-01 的检查已备好：0 次检查" in day.stdout
    bad = _cli("--db", laptop, "sync", "prepare", "--date", "12/01", env_dir=tmp_path)
    assert bad.returncode == 1 and "格式不正确" in bad.stderr


def test_a_revoked_devices_unreported_leased_numbers_are_voided_with_the_reason(
    rig: Rig,
) -> None:
    """A laptop is lost with a leased block: when the administrator revokes it, the server voids
    every number of the block the laptop never reported using, and every desk learns why."""
    from compliance_desk.server import devices

    a = _leased_laptop(rig, "a", size=5)
    first = _issue(a)
    a.sync.sync_once()  # the first number is reported
    _issue(a)  # the second is used but never reported: the laptop is lost
    with rig.server_desk.ctx.factory() as s:  # a plain revocation (may be lifted): no voiding
        assert devices.revoke(s, a.desk.ctx.device_id, "暂停同步", rig.clock()) == 0
        s.commit()
    assert _server_register(rig)[1:] == []
    with rig.server_desk.ctx.factory() as s:  # declared lost for good
        voided = devices.revoke(s, a.desk.ctx.device_id, "笔记本遗失", rig.clock(), lost=True)
        s.commit()
    assert voided == 4
    register = _server_register(rig)
    assert [(seq, status) for seq, status, *_ in register] == [
        (1, "issued"), (2, "voided"), (3, "voided"), (4, "voided"), (5, "voided")]  # fmt: skip
    assert register[0][3] is not None  # the reported letter keeps its number
    assert all(reason == "租用本编号的设备已停用（笔记本遗失），未报告使用，作废"
               for _s, status, reason, _l in register if status == "voided")  # fmt: skip
    with rig.server_desk.ctx.factory() as s:  # the grant is closed: revoking again voids nothing
        lease = s.scalars(
            select(NumberLease).where(NumberLease.device_id == a.desk.ctx.device_id)
        ).one()
        assert lease.closed_at is not None and "笔记本遗失" in lease.closed_reason
        assert devices.revoke(s, a.desk.ctx.device_id, "笔记本遗失", rig.clock(), lost=True) == 0
    b = _laptop(rig, "b")
    b.sync.sync_once()  # another desk's register shows what became of each number
    listed = {n.number: n for n in b.desk.letters.numbers(b.user("adviser"), 2026)}
    assert listed[first].status != "已作废"
    assert listed[f"{SERIES}〔2026〕2号"].status == "已作废"
    assert "设备已停用" in listed[f"{SERIES}〔2026〕2号"].void_reason
    with pytest.raises(SyncError) as info:  # and the lost laptop cannot push the second
        a.sync.sync_once()
    assert info.value.code == "device_revoked"


def test_a_run_of_register_rows_is_checked_row_by_row_never_in_bulk(
    rig: Rig, clock: FixedClock
) -> None:
    """The bulk push (server/bulk.py) has no lease check: numbers must never take it."""
    a = _leased_laptop(rig, "a", size=12)
    b = _laptop(rig, "b")
    b.sync.sync_once()
    clock.now += timedelta(days=31)
    assert leasing.void_lapsed(a.desk.ctx) == 12  # twelve register rows waiting, in a row
    with a.desk.ctx.factory() as s:
        page = [replica.wire(o) for o in replica.waiting(s, 500)]
    numbers = [op for op in page if op["table"] == "document_number"]
    first = page.index(numbers[0])
    assert page[first : first + 12] == numbers  # a run long enough for the bulk path
    assert len(numbers) >= bulk.MIN_RUN and not any(bulk.plain_insert(op) for op in numbers)
    # Sent (under ids of its own) by a device that holds no lease on them: each is refused.
    factory = rig.server_desk.ctx.factory
    copies = [{**op, "id": str(new_id())} for op in numbers]
    results = pushing.push(factory, b.desk.ctx.device_id, copies, clock())
    assert [r["status"] for r in results] == ["rejected"] * 12
    assert all("不在本设备租用的编号段内" in r["reason_zh"] for r in results)
    assert [seq for seq, *_ in _server_register(rig)] == []
    # The device that leased them: applied.
    assert a.sync.sync_once().rejected == 0
    assert [status for _seq, status, *_ in _server_register(rig)] == ["voided"] * 12
