"""The sync service as an ASGI app (Starlette), run by uvicorn: ``compliance-desk server``.

It opens the shared database the way a desk does (``bootstrap.open_desk``: migrations, the
seeded reference data), so the same services check an administrator's password at enrolment
and the same domain code judges every pushed command.  Endpoints are plain functions that
Starlette runs in its thread pool; each request uses its own session.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from compliance_desk import __version__
from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Permission
from compliance_desk.persistence import migrate
from compliance_desk.persistence.sync_models import SyncDevice
from compliance_desk.server import (
    blob_api,
    blobs,
    conflicts,
    devices,
    epoch,
    leases,
    openapi,
    push_order,
)
from compliance_desk.server import prepare as preparing
from compliance_desk.server import pull as pulling
from compliance_desk.server import push as pushing
from compliance_desk.server.devices import Refused
from compliance_desk.sync import blob_refs, gc_pause, protocol

log = logging.getLogger("compliance_desk.server")

EPOCH_KEY = epoch.EPOCH_KEY


@dataclass
class ServerState:
    desk: Desk
    epoch: str
    epoch_start_seq: int = 0
    # Test hook: runs inside each push transaction just before its commit.
    before_commit: pushing.Hook | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.desk.ctx.clock()


def server_epoch(desk: Desk) -> tuple[str, int]:
    """This database's identity and where its change log started (server/epoch.py): a
    database restored from a backup gets a new one, and clients re-send what it lost."""
    with desk.ctx.factory() as session:
        return epoch.current(session)


def _error(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse({"error": code, "message_zh": zh, "message_en": en}, status_code=status)


def _refused(exc: Refused) -> JSONResponse:
    return _error(exc.status, exc.code, exc.message_zh, exc.message_en)


class FastJSON(JSONResponse):
    """orjson: a page of thousands of results or rows is encoded many times faster than by
    the json module (the same JSON but for spaces)."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # a key that is not a string, an integer over 64 bits
            return super().render(content)


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # what orjson refuses and json takes (NaN, huge integers)


def _token(request: Request, header: str) -> uuid.UUID | None:
    """A page token in a header (server/push_order.py); None when not sent."""
    value = request.headers.get(header)
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Refused(400, "bad_request", "推送参数不正确", f"{header} is not a UUID") from exc


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = _loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "bad_request", "请求内容不是有效的 JSON", f"bad JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Refused(400, "bad_request", "请求内容格式不正确", "body is not an object")
    return data


def check_versions(protocol_version: Any, schema: Any) -> None:
    """Too old or too new is said in plain words; the device keeps its data either way."""
    if not isinstance(protocol_version, int) or protocol_version < protocol.MIN_PROTOCOL:
        raise Refused(426, "client_too_old",
                      "本机的合规服务台版本过旧，无法与服务器同步；请先升级本机程序。本机数据已完整保留",
                      f"client protocol {protocol_version!r} older than {protocol.MIN_PROTOCOL}")  # fmt: skip
    if protocol_version > protocol.PROTOCOL_VERSION or schema not in migrate.KNOWN_REVISIONS:
        raise Refused(426, "client_too_new",
                      "本机的合规服务台比同步服务器新，暂时无法同步；请联系管理员升级服务器。本机数据已完整保留",
                      f"client protocol {protocol_version!r} / schema {schema!r} newer than the server")  # fmt: skip
    known = migrate.KNOWN_REVISIONS
    if known.index(schema) < known.index(protocol.MIN_CLIENT_SCHEMA):
        raise Refused(426, "client_too_old",
                      "本机的合规服务台版本过旧，无法与服务器同步；请先升级本机程序。本机数据已完整保留",
                      f"client schema {schema} older than {protocol.MIN_CLIENT_SCHEMA}")  # fmt: skip


def _needs_postgresql(url: str) -> DomainError:
    """The server's bulk paths (COPY, arrays, JSON written by PostgreSQL) and its locks are
    PostgreSQL's: on a SQLite file it would answer some pushes with errors, so it does not start."""
    return DomainError(
        "同步服务只能使用 PostgreSQL 数据库（--db postgresql+psycopg://…），不能使用本机数据库文件",
        f"the sync server needs a PostgreSQL database, not {url.split('://')[0]}",
    )


def create_app(url: str | None = None, desk: Desk | None = None) -> Starlette:
    if desk is None:
        assert url is not None
        if make_url(url).get_backend_name() != "postgresql":  # before a file is made there
            raise _needs_postgresql(url)
        desk = open_desk(url)
    if desk.ctx.engine.dialect.name != "postgresql":
        raise _needs_postgresql(str(desk.ctx.engine.url))
    state = ServerState(desk, *server_epoch(desk))
    ctx = desk.ctx

    def authenticated(session: Session, request: Request) -> SyncDevice:
        """The calling device, in the request's own session (one session, one pool check-out
        and one commit per request: a sync with nothing to do is mostly these)."""
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        return devices.authenticate(session, token, request.headers.get("x-device-id"), state.now())

    def device_of(request: Request) -> uuid.UUID:
        with ctx.factory() as session:
            device = authenticated(session, request)
            session.commit()
            return device.id

    async def openapi_json(request: Request) -> JSONResponse:
        return JSONResponse(openapi.DOCUMENT)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "app_version": __version__,
                             "schema_revision": migrate.SCHEMA_HEAD})  # fmt: skip

    def do_enrol(body: dict[str, Any]) -> dict[str, Any]:
        try:
            device_id = uuid.UUID(str(body["device_id"]))
            username, password = str(body["username"]), str(body["password"])
        except (KeyError, ValueError) as exc:
            raise Refused(400, "bad_request", "登记请求缺少设备编号、用户名或密码",
                          f"bad enrol request: {exc}") from exc  # fmt: skip
        texts = (username, password, body.get("device_name"), body.get("centre"))
        if any(isinstance(t, str) and "\x00" in t for t in texts):  # PostgreSQL refuses NUL
            raise Refused(400, "bad_request", "登记请求含有无效字符",
                          "NUL character in an enrol field")  # fmt: skip
        try:
            admin = desk.auth.login(username, password)
            admin.require(Permission.USER_ADMIN)
        except DomainError as exc:
            raise Refused(403, "not_admin", f"登记设备须由管理员办理：{exc.message_zh}",
                          f"enrol refused: {exc.message_en}") from exc  # fmt: skip
        with ctx.factory() as session:
            centre_id = devices.centre_named(session, body.get("centre"))
            token = devices.enrol(session, device_id, str(body.get("device_name") or ""),
                                  admin.id, state.now(), centre_id)  # fmt: skip
            session.commit()
        log.info("device %s enrolled by %s", device_id, admin.username)
        return {"token": token, "server_epoch": state.epoch}

    def do_handshake(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        check_versions(body.get("protocol"), body.get("schema_revision"))
        after = body.get("pull_after")
        if after is not None and (not isinstance(after, int) or not 0 <= after < 2**63):
            raise Refused(
                400, "bad_request", "握手参数不正确", "pull_after is not a sequence number"
            )
        with ctx.factory() as session:
            device = authenticated(session, request)
            answer: dict[str, Any] = {
                "protocol": protocol.PROTOCOL_VERSION,
                "app_version": __version__,
                "schema_revision": migrate.SCHEMA_HEAD,
                "server_epoch": state.epoch,
                "epoch_start_seq": state.epoch_start_seq,
                "server_time": state.now().isoformat(),
                "max_push": protocol.MAX_PUSH,
                "max_pull": protocol.MAX_PULL,
                "push_order": True,  # a page may name the one before (server/push_order.py)
                "conflicts_closed": True,  # resolved conflicts reported (server/conflicts.py)
                "max_close": protocol.MAX_CLOSE,
            }
            if after is not None:  # a client that has nothing to push skips the pull's trip
                answer["pull_pending"] = pulling.pending(session, after, device.centre_id)
            session.commit()
        return answer

    def do_push(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        device_id = device_of(request)
        ops = body.get("ops")
        if not isinstance(ops, list) or not all(isinstance(o, dict) for o in ops):
            raise Refused(400, "bad_request", "推送内容格式不正确", "ops is not a list of objects")
        if len(ops) > protocol.MAX_PUSH:
            raise Refused(413, "batch_too_large", "一次推送的操作过多",
                          f"{len(ops)} ops > {protocol.MAX_PUSH}")  # fmt: skip
        with ctx.factory() as session:  # rows travel only after their files (rule 11)
            lacking = blobs.missing(session, blob_refs.of_ops(ops))
        if lacking:
            raise Refused(409, "blobs_missing", "附件尚未上传完成，服务器暂不接收引用它们的记录",
                          f"blobs not on the server: {', '.join(lacking[:5])}")  # fmt: skip
        order = (_token(request, "x-push-page"), _token(request, "x-push-after"))
        try:
            results = pushing.push(
                ctx.factory, device_id, ops, state.now(), state.before_commit, order
            )
        except push_order.OutOfOrder as exc:
            raise Refused(409, "out_of_order", exc.message_zh, exc.message_en) from exc
        return {"results": results, "server_epoch": state.epoch}

    def do_conflicts_closed(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        device_id = device_of(request)
        try:
            ids = conflicts.ids_of(body)
        except DomainError as exc:
            raise Refused(400, "bad_request", exc.message_zh, exc.message_en) from exc
        with ctx.factory() as session:
            closed = conflicts.close(session, device_id, ids)
            session.commit()
        return {"closed": closed}

    def device_centre(device_id: uuid.UUID) -> uuid.UUID | None:
        with ctx.factory() as session:
            return session.scalar(select(SyncDevice.centre_id).where(SyncDevice.id == device_id))

    def do_leases(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        device_id = device_of(request)
        with ctx.factory() as session:
            granted = leases.grant(session, device_id, body.get("requests"), state.now())
            session.commit()
        return {"leases": granted}

    def do_prepare(request: Request, _body: dict[str, Any]) -> dict[str, Any]:
        device_id = device_of(request)
        try:
            on = date.fromisoformat(request.query_params.get("date", ""))
        except ValueError as exc:
            raise Refused(400, "bad_request", "日期格式不正确（应为 2026-03-02 这样）",
                          str(exc)) from exc  # fmt: skip
        with ctx.engine.connect() as connection:
            return preparing.day(connection, on, device_centre(device_id))

    def do_pull(request: Request, _body: dict[str, Any]) -> dict[str, Any]:
        try:
            after = int(request.query_params.get("after", "0"))
            limit = min(int(request.query_params.get("limit", "500")), protocol.MAX_PULL)
        except ValueError as exc:
            raise Refused(400, "bad_request", "拉取参数不正确", str(exc)) from exc
        if not 0 <= after < 2**63 or limit < 1:  # a sequence number is a bigint
            raise Refused(
                400, "bad_request", "拉取参数不正确", "after outside 0..2^63 or limit < 1"
            )
        with ctx.factory() as session:
            device = authenticated(session, request)
            result = pulling.page(
                session, after, limit, device.centre_id, request.query_params.get("form")
            )
            session.commit()
        result["server_epoch"] = state.epoch
        return result

    async def enrol(request: Request) -> JSONResponse:
        try:
            body = await _body(request)
            return JSONResponse(await run_in_threadpool(do_enrol, body))
        except Refused as exc:
            return _refused(exc)

    def endpoint(work: Any, read_body: bool = True, large: bool = False) -> Any:
        """Database work off the event loop; a Refused becomes its JSON error.  ``large``: a
        push, whose page (up to MAX_PUSH operations) is parsed, applied and answered with the
        cyclic collector paused (sync/gc_pause.py)."""

        async def handle(request: Request) -> JSONResponse:
            try:
                body = await _body(request) if read_body else {}
                return FastJSON(await run_in_threadpool(work, request, body))
            except Refused as exc:
                return _refused(exc)

        async def handle_large(request: Request) -> JSONResponse:
            with gc_pause.collector_off():
                return await handle(request)

        return handle_large if large else handle

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Route("/v1/enrol", enrol, methods=["POST"]),
            Route("/v1/handshake", endpoint(do_handshake), methods=["POST"]),
            Route("/v1/push", endpoint(do_push, large=True), methods=["POST"]),
            Route("/v1/pull", endpoint(do_pull, read_body=False), methods=["GET"]),
            *blob_api.routes(ctx.factory, device_of, state.now),
            Route("/v1/leases", endpoint(do_leases), methods=["POST"]),
            Route("/v1/conflicts/closed", endpoint(do_conflicts_closed), methods=["POST"]),
            Route("/v1/prepare", endpoint(do_prepare, read_body=False), methods=["GET"]),
        ],
    )
    app.state.sync = state
    return app
