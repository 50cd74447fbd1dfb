"""The server's side of attachments: resumable, verified uploads into PostgreSQL, downloads.

    POST /v1/blobs/status {hashes: [sha, ...]}  -> {blobs: {sha: {received, size, complete}}}
    PUT  /v1/blobs/{sha}?offset=N&total=T       body: the bytes from N; header X-Chunk-Sha256
         -> {received, complete}; 409 offset_mismatch {received}: continue from there;
         422 chunk_corrupt (this chunk's bytes do not match its hash: nothing stored, resend);
         422 blob_corrupt (the whole file does not hash to its name: everything received for it
         is dropped, the upload starts again from 0)
    GET  /v1/blobs/{sha}                        -> the bytes (only a complete, verified blob)

Each chunk is its own transaction under a lock on the blob's row, so two devices uploading
the same photo, or a retry racing a lost acknowledgement, cannot interleave.  A push whose
rows name a blob the server does not hold completely is refused as a whole (409
blobs_missing, nothing stored): so no desk ever pulls a row whose file the server lacks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from compliance_desk.persistence.blob_store import MAX_BYTES
from compliance_desk.persistence.dialect import insert_for
from compliance_desk.persistence.sync_blob_models import SyncBlob, SyncBlobChunk
from compliance_desk.server.devices import Refused
from compliance_desk.sync import blob_refs

MAX_CHUNK = 1 << 20
MAX_STATUS = 500


def check_hash(sha: object) -> str:
    if not blob_refs.is_hash(sha):
        raise Refused(400, "bad_request", "附件编号不正确", f"not a SHA-256 hex digest: {sha!r}")
    return str(sha)


def status(session: Session, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = sorted(set(hashes))
    found = {
        b.sha256: {"received": int(b.received), "size": int(b.size), "complete": bool(b.complete)}
        for b in session.scalars(select(SyncBlob).where(SyncBlob.sha256.in_(wanted)))
    }
    empty = {"received": 0, "size": None, "complete": False}
    return {sha: found.get(sha, dict(empty)) for sha in wanted}


def missing(session: Session, hashes: set[str]) -> list[str]:
    if not hashes:
        return []
    done = set(
        session.scalars(
            select(SyncBlob.sha256).where(SyncBlob.sha256.in_(hashes), SyncBlob.complete)
        )
    )
    return sorted(hashes - done)


def receive(
    session: Session, sha: str, offset: int, total: int, data: bytes, chunk_sha: str | None,
    now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """One chunk, in the caller's transaction; the caller commits, also after a Refused."""
    if not 0 <= total <= MAX_BYTES:
        raise Refused(413, "blob_too_large", "附件过大，服务器不接收",
                      f"blob size {total} outside 0..{MAX_BYTES}")  # fmt: skip
    if len(data) > MAX_CHUNK or offset < 0 or offset + len(data) > total:
        raise Refused(400, "bad_request", "附件分段的位置或长度不正确",
                      f"chunk {offset}+{len(data)} of {total}")  # fmt: skip
    if chunk_sha is None or hashlib.sha256(data).hexdigest() != chunk_sha.lower():
        raise Refused(422, "chunk_corrupt", "附件分段在传输中损坏，已丢弃并将重传",
                      f"chunk {offset} of {sha} does not match its hash")  # fmt: skip
    session.execute(
        insert_for(session)(SyncBlob)
        .values(sha256=sha, size=total, received=0, complete=False, started_at=now)
        .on_conflict_do_nothing(index_elements=[SyncBlob.sha256])
    )
    blob = session.scalars(select(SyncBlob).where(SyncBlob.sha256 == sha).with_for_update()).one()
    if blob.complete:
        return {"received": int(blob.size), "complete": True}
    if blob.size != total:  # an upload announcing another size: start afresh
        session.execute(delete(SyncBlobChunk).where(SyncBlobChunk.sha256 == sha))
        blob.size, blob.received = total, 0
    if offset != blob.received:
        raise OffsetMismatch(int(blob.received))
    if data:
        session.add(SyncBlobChunk(sha256=sha, offset=offset, data=data))
        blob.received = offset + len(data)
    if blob.received == total:
        session.flush()
        if _digest(session, sha) != sha:
            session.execute(delete(SyncBlobChunk).where(SyncBlobChunk.sha256 == sha))
            session.delete(blob)
            raise Refused(422, "blob_corrupt", "附件内容与其编号（哈希）不符，服务器未保存，将重新上传",
                          f"blob {sha}: received bytes hash differently")  # fmt: skip
        blob.complete, blob.completed_at = True, now
    return {"received": int(blob.received), "complete": bool(blob.complete)}


class OffsetMismatch(Refused):
    def __init__(self, received: int) -> None:
        super().__init__(409, "offset_mismatch", "附件续传位置不一致，将从服务器已收到处继续",
                         f"server holds {received} bytes")  # fmt: skip
        self.received = received


def _chunks(session: Session, sha: str) -> Iterable[bytes]:
    offsets = list(
        session.scalars(
            select(SyncBlobChunk.offset)
            .where(SyncBlobChunk.sha256 == sha)
            .order_by(SyncBlobChunk.offset)
        )
    )
    for offset in offsets:  # one chunk in memory at a time
        yield session.scalars(
            select(SyncBlobChunk.data).where(
                SyncBlobChunk.sha256 == sha, SyncBlobChunk.offset == offset
            )
        ).one()


def _digest(session: Session, sha: str) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(session, sha):
        digest.update(chunk)
    return digest.hexdigest()


def read(session: Session, sha: str) -> bytes | None:
    blob = session.get(SyncBlob, sha)
    if blob is None or not blob.complete:
        return None
    return b"".join(_chunks(session, sha))
