"""The HTTP side of the blob store (server/blobs.py says the protocol)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from compliance_desk.server import blobs
from compliance_desk.server.devices import Refused

DeviceOf = Callable[[Request], uuid.UUID]


def _error(exc: Refused) -> JSONResponse:
    body: dict[str, Any] = {"error": exc.code, "message_zh": exc.message_zh,
                            "message_en": exc.message_en}  # fmt: skip
    if isinstance(exc, blobs.OffsetMismatch):
        body["received"] = exc.received
    return JSONResponse(body, status_code=exc.status)


def _int(request: Request, name: str) -> int:
    try:
        return int(request.query_params[name])
    except (KeyError, ValueError) as exc:
        raise Refused(400, "bad_request", "附件上传参数不正确", f"bad {name}: {exc}") from exc


def routes(
    factory: sessionmaker[Session], device_of: DeviceOf, now: Callable[[], datetime]
) -> list[Route]:
    def do_status(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        device_of(request)
        hashes = body.get("hashes")
        if not isinstance(hashes, list) or len(hashes) > blobs.MAX_STATUS:
            raise Refused(400, "bad_request", "附件查询内容格式不正确",
                          "hashes is not a list of at most 500")  # fmt: skip
        wanted = [blobs.check_hash(h) for h in hashes]
        with factory() as session:
            return {"blobs": blobs.status(session, wanted)}

    def do_put(request: Request, sha: str, data: bytes) -> dict[str, Any]:
        device_of(request)
        offset, total = _int(request, "offset"), _int(request, "total")
        with factory() as session:
            try:
                result = blobs.receive(session, sha, offset, total, data,
                                       request.headers.get("x-chunk-sha256"), now())  # fmt: skip
            except Refused:
                session.commit()  # a corrupt blob's parts are dropped for good
                raise
            session.commit()
            return result

    def do_get(request: Request, sha: str) -> bytes:
        device_of(request)
        with factory() as session:
            data = blobs.read(session, sha)
        if data is None:
            raise Refused(404, "blob_not_found", "服务器上没有这个附件",
                          f"blob {sha} not on the server")  # fmt: skip
        return data

    async def status(request: Request) -> Response:
        from compliance_desk.server.app import _body

        try:
            body = await _body(request)
            return JSONResponse(await run_in_threadpool(do_status, request, body))
        except Refused as exc:
            return _error(exc)

    async def blob(request: Request) -> Response:
        try:
            sha = blobs.check_hash(request.path_params["sha"])
            if request.method == "GET":
                data = await run_in_threadpool(do_get, request, sha)
                return Response(data, media_type="application/octet-stream")
            content = await request.body()
            return JSONResponse(await run_in_threadpool(do_put, request, sha, content))
        except Refused as exc:
            return _error(exc)

    return [
        Route("/v1/blobs/status", status, methods=["POST"]),
        Route("/v1/blobs/{sha}", blob, methods=["GET", "PUT"]),
    ]
