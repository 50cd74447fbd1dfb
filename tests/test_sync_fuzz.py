"""The sync service fuzzed from its own OpenAPI description (schemathesis), on a real PostgreSQL.

Every generated request (valid ones and, in the negative mode, requests that break the
description) is sent twice: as generated (no valid device token) and as an enrolled device.
No answer may be a 5xx, and an answer that refuses (4xx) must leave the database as it was
(every table compared before and after, except the devices' last-seen bookkeeping).

CI runs SYNC_FUZZ_EXAMPLES (default 15) examples per operation and mode, the same ones at every
run (derandomized: CI is red for a change, not for a lucky draw); a long run draws new ones:
    SYNC_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_sync_fuzz.py
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import create_engine, text
from starlette.applications import Starlette

from compliance_desk.persistence.models import Base
from compliance_desk.server import openapi, push_order
from compliance_desk.sync import replica
from tests import pg_server
from tests.conftest import FixedClock
from tests.sync_support import Rig, make_rig

pytestmark = pytest.mark.postgres

EXAMPLES = int(os.environ.get("SYNC_FUZZ_EXAMPLES", "15"))
RANDOM = "SYNC_FUZZ_EXAMPLES" in os.environ  # a long run explores; CI repeats the same draw
_names = itertools.count()


class Target:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        laptop = rig.laptop("fuzzed")
        laptop.sync.sync_once()
        with laptop.desk.ctx.factory() as s:
            token = replica.get_setting(s, "sync.token")
        self.auth = {"Authorization": f"Bearer {token}",
                     "X-Device-Id": str(laptop.desk.ctx.device_id)}  # fmt: skip
        tables = sorted(t.name for t in Base.metadata.sorted_tables if t.name != "sync_device")
        parts = " UNION ALL ".join(
            f"SELECT '{t}' AS t, md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) "
            f'AS h FROM "{t}" x'
            for t in tables
        )
        self.query = text(f"SELECT string_agg(t || ':' || h, ';' ORDER BY t) FROM ({parts}) s")

    @property
    def app(self) -> Starlette:
        return self.rig.app

    def fingerprint(self) -> str:
        with self.rig.server_desk.ctx.engine.connect() as c:
            return str(c.execute(self.query).scalar())


@pytest.fixture(scope="module")
def target(pg: pg_server.PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    name = f"fuzz{os.getpid()}_{next(_names)}"
    admin = create_engine(pg.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template_cd'))
    from datetime import UTC, datetime

    rig = make_rig(pg.url(name), Path(tmp_path_factory.mktemp("fuzz")),
                   FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)))  # fmt: skip
    # A page naming a page before that never comes is refused after push_order.WAIT: not
    # seconds for each of the fuzzer's made-up tokens.
    waited = push_order.WAIT
    push_order.WAIT = 0.05
    try:
        yield Target(rig)
    finally:
        push_order.WAIT = waited
        rig.close()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def api(target: Target) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", target.app)


# schemathesis's own pytest plugin does not run under pytest 9: the operations come from the
# description (the same dict the app serves) and hypothesis drives each one.
OPERATIONS = [
    (method.upper(), path)
    for path, item in openapi.DOCUMENT["paths"].items()
    for method in item
    if method != "parameters"
]
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path in OPERATIONS
    for mode in (POSITIVE, NEGATIVE)
    if not (mode is NEGATIVE and path == "/health")  # nothing in it to break
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_request_breaks_the_server_or_a_refused_one_changes_anything(
    method: str, path: str, mode: schemathesis.GenerationMode, target: Target, api: Any
) -> None:
    strategy = api[path][method].as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              phases=[Phase.explicit, Phase.generate],  # a failure is reported as found
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        for headers in ({}, target.auth):
            before = target.fingerprint()
            response = case.call(headers=headers or None)
            curl = case.as_curl_command()
            assert response.status_code < 500, (curl, response.text[:500])
            if response.status_code >= 400:
                assert target.fingerprint() == before, (curl, response.text[:300])
                body = response.json()  # every refusal says why, in Chinese too
                assert body.get("message_zh") and body.get("error"), (curl, body)

    check()


def test_what_the_fuzzer_found_stays_fixed(target: Target) -> None:
    """A cursor beyond a bigint was a 500 (PostgreSQL's NumericValueOutOfRange)."""
    import httpx

    from tests.sync_support import URL

    transport = httpx.ASGITransport(app=target.app)

    async def pull() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url=URL) as client:
            return await client.get("/v1/pull", params={"after": 2**83, "limit": 5},
                                    headers=target.auth)  # fmt: skip

    import anyio

    response = anyio.run(pull)
    assert response.status_code == 400 and response.json()["message_zh"] == "拉取参数不正确"

    async def enrol() -> httpx.Response:  # a NUL in a name was a 500 (PostgreSQL's DataError)
        async with httpx.AsyncClient(transport=transport, base_url=URL) as client:
            return await client.post("/v1/enrol", json={
                "username": "ad\x00min", "password": "x", "device_id": str(uuid.uuid4()),
                "device_name": "d"})  # fmt: skip

    before = target.fingerprint()
    response = anyio.run(enrol)
    assert response.status_code == 400 and response.json()["message_zh"] == "登记请求含有无效字符"
    assert target.fingerprint() == before


def test_a_lone_surrogate_in_a_pushed_row_rejects_that_operation_only(target: Target) -> None:
    """A string the JSON allows and UTF-8 does not (a lone surrogate, "\\ud800") was a 500 for
    the whole push (its fingerprint could not be written); now those operations (the row and its
    audit entry) are rejected, with their reason, and the page's others are applied (rule 9)."""
    import random

    import anyio
    import httpx

    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc
    from compliance_desk.sync import outbox_page
    from tests.sync_support import URL

    laptop = target.rig.laptops[0]
    rng = random.Random(7)
    for n in range(12):
        address = "崧厦镇ZZSURR路" if n == 5 else f"崧厦镇{n}号"
        laptop.desk.enterprises.create(laptop.user(), EnterpriseDraft(
            name=f"崧厦代理测试伞业{n}有限公司", uscc=_uscc(rng), address=address))  # fmt: skip
    with laptop.desk.ctx.factory() as session:
        page = outbox_page.read(session, 1000)
    assert page is not None and page.body.count(b"ZZSURR") == 2  # the row, its audit entry
    body = page.body.replace(b"ZZSURR", b"\\ud800")
    transport = httpx.ASGITransport(app=target.app)

    async def push() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url=URL) as client:
            return await client.post("/v1/push", content=body, headers=target.auth)

    response = anyio.run(push)
    assert response.status_code == 200, response.text[:300]
    statuses = [r["status"] for r in response.json()["results"]]
    assert len(statuses) == len(page) and statuses.count("rejected") == 2, statuses
    assert statuses.count("applied") == len(page) - 2
    rejected = [r for r in response.json()["results"] if r["status"] == "rejected"]
    assert {r["reason_zh"] for r in rejected} == {"操作中含有无法保存的字符，服务器未处理"}


def _pushed_with_one_rejected(target: Target, ops: list[dict[str, Any]], odd: int) -> list[Any]:
    """``ops`` pushed as one request: answered 200, only ``ops[odd]`` rejected; the results."""
    import anyio
    import httpx
    import orjson

    from tests.sync_support import URL

    transport = httpx.ASGITransport(app=target.app)

    async def push() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url=URL) as client:
            return await client.post(
                "/v1/push", content=orjson.dumps({"ops": ops}), headers=target.auth
            )

    response = anyio.run(push)
    assert response.status_code == 200, response.text[:300]
    results: list[Any] = response.json()["results"]
    assert [r["status"] for r in results] == [
        "rejected" if n == odd else "applied" for n in range(len(ops))
    ]
    return results


def _one_odd_pushed(
    target: Target, ops: list[dict[str, Any]], table: str, column: str, value: Any, alone: bool
) -> list[Any]:
    """The first ``table`` operation's ``column`` set to ``value``, pushed with the others
    (or ``alone``): only it rejected; the results."""
    odd = next(n for n, op in enumerate(ops) if op["table"] == table)
    ops[odd]["payload"]["row"][column] = value
    if alone:
        ops, odd = [ops[odd]], 0
    return _pushed_with_one_rejected(target, ops, odd)


@pytest.mark.parametrize("alone", [False, True], ids=["in a page", "alone"])
def test_a_timestamp_with_no_utc_form_rejects_that_operation_only(
    target: Target, alone: bool
) -> None:
    """A visit at '0001-01-01T00:00:00+05:00' is JSON and ISO 8601, and has no UTC form in the
    years 1..9999: one by one it was a 500 (OverflowError), in bulk it was stored as year 0, a
    row every pulling device would fail to read.  It is rejected as malformed, with its reason,
    by either path; the page's other operations are applied."""
    import random

    from compliance_desk.services.demo_data import _uscc
    from tests.test_sync import create
    from tests.test_sync_bulk import _waiting, visits

    laptop = target.rig.laptops[0]
    e = create(
        laptop, f"崧厦时间测试伞业{int(alone)}有限公司", _uscc(random.Random(int(alone) + 70))
    )
    laptop.sync.sync_once()
    visits(laptop, e.id, 1 if alone else 12)
    ops = _waiting(laptop)
    results = _one_odd_pushed(
        target, ops, "visit", "visited_at", "0001-01-01T00:00:00+05:00", alone
    )
    odd = 0 if alone else next(n for n, op in enumerate(ops) if op["table"] == "visit")
    assert "服务器未" in results[odd]["reason_zh"]  # said in Chinese to the laptop's user
    assert "out of range" in results[odd]["reason_en"]


@pytest.mark.parametrize("alone", [False, True], ids=["in a page", "alone"])
def test_a_boolean_sent_as_text_rejects_that_operation_only(target: Target, alone: bool) -> None:
    """``"is_model": "yes"``: PostgreSQL's COPY would have stored true (the bulk path), the
    driver refused it with a 500 for the whole push (one by one).  Now it is refused as
    malformed by either path, with its reason; the page's other operations are applied."""
    import random

    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc
    from tests.test_sync_bulk import _waiting

    laptop = target.rig.laptops[0]
    rng = random.Random(90 + int(alone))
    for n in range(1 if alone else 10):
        laptop.desk.enterprises.create(laptop.user(), EnterpriseDraft(
            name=f"崧厦布尔测试伞业{int(alone)}{n}有限公司", uscc=_uscc(rng)))  # fmt: skip
    ops = [op for op in _waiting(laptop) if op["table"] in ("enterprise", "audit_entry")]
    results = _one_odd_pushed(target, ops, "enterprise", "is_model", "yes", alone)
    odd = 0 if alone else next(n for n, op in enumerate(ops) if op["table"] == "enterprise")
    assert "not a boolean" in results[odd]["reason_en"]


@pytest.mark.parametrize("value", [True, 17, {"省": "浙江"}], ids=["boolean", "number", "object"])
@pytest.mark.parametrize("alone", [False, True], ids=["in a page", "alone"])
def test_a_text_field_sent_as_another_kind_rejects_that_operation_only(
    target: Target, alone: bool, value: Any
) -> None:
    """``"address": true``: the bulk COPY stored it as ``t``, one by one it was ``true``, so
    the same push left different text on the server by the path it took.  Now anything but a
    string for a text field is refused as malformed by either path, with its reason (said in
    Chinese to the laptop's user); the page's other operations are applied, and the
    enterprise refused is not on the server."""
    import random

    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc
    from tests.test_sync_bulk import _waiting

    laptop = target.rig.laptops[0]
    seed = 300 + 10 * int(alone) + ["bool", "int", "dict"].index(type(value).__name__)
    rng = random.Random(seed)
    before = {op["id"] for op in _waiting(laptop)}  # earlier tests' operations, pushed by hand
    for n in range(1 if alone else 10):
        laptop.desk.enterprises.create(laptop.user(), EnterpriseDraft(
            name=f"崧厦文本测试伞业{seed}{n}有限公司", uscc=_uscc(rng)))  # fmt: skip
    ops = [op for op in _waiting(laptop)
           if op["table"] in ("enterprise", "audit_entry") and op["id"] not in before]  # fmt: skip
    results = _one_odd_pushed(target, ops, "enterprise", "address", value, alone)
    odd = 0 if alone else next(n for n, op in enumerate(ops) if op["table"] == "enterprise")
    assert "not text" in results[odd]["reason_en"]
    assert "服务器未" in results[odd]["reason_zh"]
    refused = ops[odd]["row_id"]
    with target.rig.server_desk.ctx.engine.connect() as c:
        held = c.execute(text("SELECT count(*) FROM enterprise WHERE id = :i"), {"i": refused})
        assert held.scalar() == 0


@pytest.mark.parametrize(
    "value", ["Infinity", "-Infinity", "NaN", "1e400", "1.5", '"2026"', "true", "null", "[2026]"]
)
def test_a_lease_request_with_a_number_json_allows_and_a_year_cannot_be_is_refused(
    target: Target, value: str
) -> None:
    """The JSON module the server falls back to reads Infinity and NaN (orjson refuses them):
    an infinite year or count was a 500 (int() of it overflows); a text, a fraction or true
    was taken as a number.  Each is refused in plain words, nothing leased."""
    import anyio
    import httpx

    from tests.sync_support import URL

    transport = httpx.ASGITransport(app=target.app)
    for field in ("year", "count", "days"):
        request = {"id": '"' + str(uuid.uuid4()) + '"', "series": '"虞市监合建"',
                   "year": "2026", "count": "1", "days": "30", field: value}  # fmt: skip
        body = '{"requests": [{' + ", ".join(f'"{k}": {v}' for k, v in request.items()) + "}]}"

        async def lease(content: str = body) -> httpx.Response:
            async with httpx.AsyncClient(transport=transport, base_url=URL) as client:
                return await client.post("/v1/leases", content=content.encode(),
                                          headers={**target.auth,
                                                   "Content-Type": "application/json"})  # fmt: skip

        before = target.fingerprint()
        response = anyio.run(lease)
        if field == "days" and value == "null":  # as not given: 30 days
            assert response.status_code == 200, (body, response.text[:300])
            continue
        assert response.status_code == 400, (body, response.text[:300])
        assert response.json()["message_zh"], body
        assert target.fingerprint() == before, body
