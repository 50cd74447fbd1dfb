"""Attachments in sync (SYNC.md rule 11): resumable, verified on arrival, before their rows;
fetched on the other devices.  Real PostgreSQL, the real server app, SQLite laptops."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from compliance_desk.persistence.models import Attachment, Base
from compliance_desk.persistence.sync_blob_models import SyncBlob, SyncBlobChunk, SyncBlobWanted
from compliance_desk.persistence.sync_models import SyncOperation
from compliance_desk.sync import attachments, blob_refs, replica
from compliance_desk.sync.client import SyncError
from tests.sync_support import URL, Laptop, Rig, Wire, rows
from tests.test_sync import create
from tests.test_sync_server import _appeal

pytestmark = pytest.mark.postgres

SIZE = attachments.CHUNK * 2 + 12345  # three chunks


def scan(tmp: Path, size: int = SIZE, name: str = "营业执照扫描.pdf") -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp / name
    path.write_bytes(data)
    return path, data


def attach(laptop: Laptop, rig: Rig, path: Path) -> tuple[uuid.UUID, str]:
    e = create(laptop)
    appeal_id = _appeal(laptop, e.id, rig.clock)
    view = laptop.desk.appeals.attach(laptop.user(), "appeal", appeal_id, path)
    return view.id, view.sha256


def server_blob(rig: Rig, sha: str) -> tuple[SyncBlob | None, bytes]:
    with rig.server_desk.ctx.factory() as s:
        blob = s.get(SyncBlob, sha)
        parts = s.scalars(
            select(SyncBlobChunk.data)
            .where(SyncBlobChunk.sha256 == sha)
            .order_by(SyncBlobChunk.offset)
        )
        data = b"".join(parts)
        if blob is not None:
            s.expunge(blob)
        return blob, data


def tap(wire: Wire, hook: Callable[[httpx.Request], httpx.Request | None]) -> list[int]:
    """Let ``hook`` see (and replace, or cut with None) each request; returns the PUT sizes."""
    sent: list[int] = []
    original = wire.handle_request

    def handle(request: httpx.Request) -> httpx.Response:
        replaced = hook(request)
        if replaced is None:
            raise httpx.ConnectError("line cut", request=request)
        if replaced.method == "PUT":
            sent.append(len(replaced.read()))
        return original(replaced)

    wire.handle_request = handle  # type: ignore[method-assign]
    return sent


def headers(laptop: Laptop) -> dict[str, str]:
    with laptop.desk.ctx.factory() as s:
        token = replica.get_setting(s, "sync.token")
    return {"X-Device-Id": str(laptop.desk.ctx.device_id), "Authorization": f"Bearer {token}"}


def test_every_column_naming_a_file_is_declared() -> None:
    named = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name == "sha256" or column.name.endswith("_sha256")
        if not table.name.startswith("sync_")
    }
    declared = {(t, c) for t, cols in blob_refs.BLOB_COLUMNS.items() for c in cols}
    assert named == declared


def test_an_attachment_goes_up_before_its_row_and_comes_down_on_the_other_laptop(
    rig: Rig, tmp_path: Path
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    path, data = scan(tmp_path)
    attachment_id, sha = attach(a, rig, path)
    order: list[str] = []
    tap(a.wire, lambda r: order.append(f"{r.method} {r.url.path}") or r)  # type: ignore[func-returns-value]
    a.sync.sync_once()
    puts = [i for i, call in enumerate(order) if call.startswith("PUT /v1/blobs/")]
    assert len(puts) == 3 and max(puts) < order.index("POST /v1/push")
    blob, stored = server_blob(rig, sha)
    assert blob is not None and blob.complete and stored == data
    assert a.desk.ctx.blobs().path(sha).read_bytes() == data  # the local copy stays
    report = b.sync.sync_once()
    assert report.files_fetched == 1
    assert b.desk.ctx.blobs().path(sha).read_bytes() == data
    [view] = [v for v in b.desk.appeals.attachments(b.user(), [_owner(b, attachment_id)])]
    assert view.path.read_bytes() == data and view.filename == "营业执照扫描.pdf"
    with b.desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(SyncBlobWanted)) == 0
    assert (
        rows(a.desk, "attachment")
        == rows(b.desk, "attachment")
        == rows(rig.server_desk, "attachment")
    )


def _owner(laptop: Laptop, attachment_id: uuid.UUID) -> uuid.UUID:
    with laptop.desk.ctx.factory() as s:
        row = s.get(Attachment, attachment_id)
        assert row is not None
        return row.owner_id


def test_an_interrupted_upload_resumes_where_the_server_stopped_and_resends_nothing(
    rig: Rig, tmp_path: Path
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    path, data = scan(tmp_path)
    attachment_id, sha = attach(a, rig, path)
    puts = {"n": 0}

    def cut_the_third_chunk(request: httpx.Request) -> httpx.Request | None:
        if request.method == "PUT":
            puts["n"] += 1
            if puts["n"] == 3:
                return None
        return request

    tap(a.wire, cut_the_third_chunk)
    with pytest.raises(SyncError) as info:
        a.sync.sync_once()
    assert info.value.code == "offline" and "稍后" in info.value.message_zh
    blob, stored = server_blob(rig, sha)
    assert blob is not None and not blob.complete
    assert blob.received == 2 * attachments.CHUNK and stored == data[: 2 * attachments.CHUNK]
    assert attachment_id not in rows(rig.server_desk, "attachment")  # the row waited
    a.wire.handle_request = Wire.handle_request.__get__(a.wire)  # type: ignore[method-assign]  # the line is back
    sizes = tap(a.wire, lambda r: r)
    report = a.sync.sync_once()
    assert sizes == [SIZE - 2 * attachments.CHUNK]  # only what had not arrived
    assert report.waiting == 0 and report.rejected == 0
    blob, stored = server_blob(rig, sha)
    assert blob is not None and blob.complete and stored == data
    assert attachment_id in rows(rig.server_desk, "attachment")


def test_a_chunk_damaged_on_the_way_is_refused_unstored_and_sent_again(
    rig: Rig, tmp_path: Path
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    path, data = scan(tmp_path)
    _, sha = attach(a, rig, path)
    answers: list[int] = []
    original = a.wire.handle_request

    def flip_a_bit_once(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and not answers:
            body = bytearray(request.read())
            body[100] ^= 0x01
            request = httpx.Request(request.method, request.url, headers=request.headers,
                                    content=bytes(body))  # fmt: skip
            response = original(request)
            answers.append(response.status_code)
            blob, stored = server_blob(rig, sha)
            assert blob is None and stored == b""  # nothing of it was kept
            return response
        return original(request)

    a.wire.handle_request = flip_a_bit_once  # type: ignore[method-assign]
    report = a.sync.sync_once()
    assert answers == [422] and report.waiting == 0
    blob, stored = server_blob(rig, sha)
    assert blob is not None and blob.complete and stored == data


def test_a_file_that_does_not_hash_to_its_name_is_refused_and_nothing_stays(
    rig: Rig, tmp_path: Path
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    real = os.urandom(1000)
    forged = os.urandom(1000)
    sha = hashlib.sha256(real).hexdigest()
    with httpx.Client(base_url=URL, transport=a.wire) as client:

        def put(offset: int, chunk: bytes) -> httpx.Response:
            return client.put(f"/v1/blobs/{sha}", params={"offset": offset, "total": 1000},
                              content=chunk, headers={**headers(a),
                              "X-Chunk-Sha256": hashlib.sha256(chunk).hexdigest()})  # fmt: skip

        assert put(0, forged[:600]).json() == {"received": 600, "complete": False}
        refused = put(600, forged[600:])
        assert refused.status_code == 422 and refused.json()["error"] == "blob_corrupt"
        assert "不符" in refused.json()["message_zh"]
        assert server_blob(rig, sha) == (None, b"")
        assert client.get(f"/v1/blobs/{sha}", headers=headers(a)).status_code == 404
        # a row naming that file is refused whole: nothing stored, not even the operation id
        op = {"id": str(uuid.uuid4()), "table": "attachment", "row_id": str(uuid.uuid4()),
              "kind": "insert", "base_version": None, "command": None,
              "payload": {"row": {"sha256": sha}}, "user_id": None,
              "at": rig.clock.now.isoformat()}  # fmt: skip
        pushed = client.post("/v1/push", json={"ops": [op]}, headers=headers(a))
        assert pushed.status_code == 409 and pushed.json()["error"] == "blobs_missing"
    with rig.server_desk.ctx.factory() as s:
        assert s.get(SyncOperation, uuid.UUID(op["id"])) is None


def test_an_upload_forged_on_the_way_is_refused_whole_and_uploaded_again(
    rig: Rig, tmp_path: Path
) -> None:
    """A proxy that rewrites a chunk and its hash: only the whole-file check can see it."""
    a = rig.laptop("a")
    a.sync.sync_once()
    path, data = scan(tmp_path)
    _, sha = attach(a, rig, path)
    forged = {"done": False}

    def rewrite_the_second_chunk(request: httpx.Request) -> httpx.Request:
        if request.method == "PUT" and "offset=262144" in str(request.url) and not forged["done"]:
            forged["done"] = True
            body = os.urandom(len(request.read()))
            hdrs = dict(request.headers)
            hdrs["x-chunk-sha256"] = hashlib.sha256(body).hexdigest()
            hdrs.pop("content-length", None)
            return httpx.Request(request.method, request.url, headers=hdrs, content=body)
        return request

    sizes = tap(a.wire, rewrite_the_second_chunk)
    report = a.sync.sync_once()
    assert forged["done"] and report.waiting == 0
    assert len(sizes) == 6  # three chunks, refused at the end, then three again
    blob, stored = server_blob(rig, sha)
    assert blob is not None and blob.complete and stored == data


def test_a_download_that_fails_is_tried_again_at_the_next_sync(rig: Rig, tmp_path: Path) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    path, data = scan(tmp_path, 5000)
    attachment_id, sha = attach(a, rig, path)
    a.sync.sync_once()

    def no_downloads(request: httpx.Request) -> httpx.Request | None:
        return None if request.method == "GET" and "/v1/blobs/" in request.url.path else request

    tap(b.wire, no_downloads)
    with pytest.raises(SyncError):
        b.sync.sync_once()
    assert attachment_id in rows(b.desk, "attachment")  # the rows and the cursor are in
    assert not b.desk.ctx.blobs().has(sha)
    with b.desk.ctx.factory() as s:
        assert list(s.scalars(select(SyncBlobWanted.sha256))) == [sha]
    b.wire.handle_request = Wire.handle_request.__get__(b.wire)  # type: ignore[method-assign]
    assert b.sync.sync_once().files_fetched == 1
    assert b.desk.ctx.blobs().path(sha).read_bytes() == data
