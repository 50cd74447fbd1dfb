"""Sync test rig: the real server app on a real PostgreSQL, SQLite "laptops", faults on the wire.

The app runs in-process behind httpx's ASGI transport (driven synchronously, one event loop
per request, as the client is synchronous); a ``Wire`` can lose the answer after the server
has committed (a lost acknowledgement) or cut the line before the request leaves.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
from sqlalchemy import select, text
from starlette.applications import Starlette

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.db import make_engine
from compliance_desk.persistence.models import AppUser, Enterprise
from compliance_desk.server.app import create_app
from compliance_desk.services.context import CurrentUser
from compliance_desk.sync.client import SyncService
from tests.conftest import FAST_HASHER

URL = "http://sync.test"


class Wire(httpx.BaseTransport):
    """An in-process line to the app, with faults on demand."""

    def __init__(self, app: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.lose_next_answer = False  # the server acts, the answer never arrives
        self.lose_answer_to: set[str] = set()  # the same, for the next call to these paths
        self.down = False  # nothing gets through
        self.paths: list[str] = []  # every request's path, in order
        self.old_server = False  # answer handshakes as a server of before max_push/pull_pending
        self.hide: set[str] = set()  # fields of the handshake's answer an older server lacks

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("line down", request=request)
        content = request.read()
        self.paths.append(request.url.path)

        async def go() -> httpx.Response:
            copy = httpx.Request(request.method, request.url, headers=request.headers,
                                 content=content)  # fmt: skip
            response = await self.inner.handle_async_request(copy)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        response = anyio.run(go)
        hidden = self.hide | ({"max_push", "max_pull", "pull_pending", "push_order",
                               "conflicts_closed", "max_close"}
                              if self.old_server else set())  # fmt: skip
        if hidden and request.url.path == "/v1/handshake" and response.status_code == 200:
            answer = json.loads(response.content)
            for newer in hidden:
                answer.pop(newer, None)
            response = httpx.Response(200, json=answer)
        lost = request.url.path in self.lose_answer_to
        self.lose_answer_to.discard(request.url.path)
        if self.lose_next_answer or lost:
            self.lose_next_answer = False
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response


@dataclass
class Laptop:
    desk: Desk
    wire: Wire
    sync: SyncService
    name: str

    def user(self, username: str = "admin") -> CurrentUser:
        with self.desk.ctx.uow(None) as uow:
            u = uow.session.scalars(select(AppUser).where(AppUser.username == username)).one()
            return CurrentUser(u.id, u.username, u.display_name, Role(u.role), u.centre_id)

    def enterprises(self) -> dict[uuid.UUID, dict[str, Any]]:
        return rows(self.desk, Enterprise.__tablename__)

    def close(self) -> None:
        self.desk.close()


def rows(desk: Desk, table: str) -> dict[uuid.UUID, dict[str, Any]]:
    """Every column of every row, as stored (the comparison of replicas and server)."""
    from compliance_desk.sync import codec

    tbl = codec.table(table)
    with desk.ctx.engine.connect() as c:
        return {r["id"]: codec.encode_row(tbl, dict(r)) for r in c.execute(select(tbl)).mappings()}


@dataclass
class Rig:
    server_desk: Desk
    app: Starlette
    tmp: Path
    clock: Any
    laptops: list[Laptop] = field(default_factory=list)

    def laptop(
        self, name: str, enrol: bool = True, template: Path | None = None, clock: Any = None
    ) -> Laptop:
        path = self.tmp / f"{name}.sqlite3"
        if template is not None:
            shutil.copy(template, path)
            engine = make_engine(f"sqlite:///{path}")
            with engine.begin() as c:  # a copied file is another device
                c.execute(text("UPDATE local_setting SET value = :v WHERE key = 'device_id'"),
                          {"v": str(new_id())})  # fmt: skip
            engine.dispose()
        desk = open_desk(f"sqlite:///{path}", clock=clock or self.clock, hasher=FAST_HASHER)
        desk.ctx.blob_root = self.tmp / f"{name}-files"  # each device its own attachment store
        wire = Wire(self.app)
        service = SyncService(desk.ctx, http=lambda url: httpx.Client(base_url=url, transport=wire))
        laptop = Laptop(desk, wire, service, name)
        if enrol:
            service.enrol(URL, "admin", "Admin2026", name)
        self.laptops.append(laptop)
        return laptop

    def server_enterprises(self) -> dict[uuid.UUID, dict[str, Any]]:
        return rows(self.server_desk, Enterprise.__tablename__)

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.close()
        self.server_desk.close()


def make_rig(pg_url: str, tmp: Path, clock: Any) -> Rig:
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = open_desk(pg_url, clock=clock, hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)  # the administrator who enrols devices, written on the server
    return Rig(desk, create_app(desk=desk), tmp, clock)
