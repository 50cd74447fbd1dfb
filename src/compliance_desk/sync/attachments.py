"""The client's side of attachments (SYNC.md rule 11; the server's side is server/blobs.py).

Upload: before a batch of operations is pushed, every file its rows name is uploaded unless
the server already holds it complete.  The server says how many bytes of a hash it has; the
upload continues from there in chunks, each with its own SHA-256 (a chunk damaged on the way is
refused and sent again), and the server checks the whole file against its name at the end (a
mismatch drops what it received and the upload starts again from zero, once).  The local file
is never deleted (the store keeps every file), so it is in particular kept until the server has
confirmed it.

Download, eagerly: the pull records, in its own transaction, each hash a pulled row names that
is not in the local store (``sync_blob_wanted``); after the pull the files are fetched, checked
against their hash and stored.  Eager because a field laptop must have the photos and letters
before it goes offline; a download that fails stays wanted and is tried at the next sync.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from compliance_desk.persistence.blob_store import BlobStore, sha256_of
from compliance_desk.persistence.sync_blob_models import SyncBlobWanted
from compliance_desk.sync import blob_refs, crashpoints

log = logging.getLogger("compliance_desk.sync")

CHUNK = 256 * 1024
MAX_RESTARTS = 3  # whole-file restarts after the server found the upload corrupt


class BlobTransferError(Exception):
    """An upload or download could not finish; ``offline`` when the line failed."""

    def __init__(self, message_zh: str, message_en: str, offline: bool = False) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.offline = offline


class Attachments:
    def __init__(self, store: BlobStore, device_id: uuid.UUID, token: str) -> None:
        self.store = store
        self.headers = {"X-Device-Id": str(device_id), "Authorization": f"Bearer {token}"}
        self.sent_bytes = 0  # what this sync put on the wire (tests: a resume resends nothing)
        self.fetched = 0

    def _request(
        self, client: httpx.Client, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(self.headers, **kwargs.pop("headers", {}))
        try:
            return client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise BlobTransferError(
                "无法连接同步服务器（可能没有网络），附件稍后会继续上传或下载",
                f"{method} {path}: {type(exc).__name__}: {exc}",
                offline=True,
            ) from exc

    def _fail(self, response: httpx.Response, what: str) -> BlobTransferError:
        try:
            data = response.json()
        except ValueError:
            data = {}
        return BlobTransferError(
            str(data.get("message_zh") or f"附件传输失败（{response.status_code}）"),
            f"{what}: HTTP {response.status_code} {data.get('error', '')}",
        )

    # --- upload ------------------------------------------------------------------------
    def upload_for(self, client: httpx.Client, ops: list[dict[str, Any]]) -> int:
        """Upload every file these operations' rows name; returns how many were uploaded."""
        wanted = sorted(blob_refs.of_ops(ops))
        if not wanted:
            return 0
        response = self._request(client, "POST", "/v1/blobs/status", json={"hashes": wanted})
        if response.status_code != 200:
            raise self._fail(response, "blob status")
        held: dict[str, dict[str, Any]] = response.json()["blobs"]
        uploaded = 0
        for sha in wanted:
            state = held.get(sha, {})
            if not state.get("complete"):
                self.upload(client, sha, int(state.get("received") or 0))
                uploaded += 1
        return uploaded

    def upload(self, client: httpx.Client, sha: str, offset: int = 0) -> None:
        path = self.store.path(sha)
        if not path.exists():
            raise BlobTransferError(
                f"本机找不到附件文件（{sha[:12]}…），引用它的记录暂不能同步；请检查附件文件夹",
                f"blob {sha} missing from the local store {self.store.root}",
            )
        if sha256_of(path) != sha:
            raise BlobTransferError(
                f"本机附件文件已损坏（{sha[:12]}…），引用它的记录暂不能同步",
                f"local blob {sha} does not hash to its name",
            )
        total = path.stat().st_size
        restarts = 0
        with path.open("rb") as handle:
            while True:
                offset = min(offset, total)
                handle.seek(offset)
                data = handle.read(CHUNK)
                response = self._request(
                    client, "PUT", f"/v1/blobs/{sha}",
                    params={"offset": offset, "total": total}, content=data,
                    headers={"X-Chunk-Sha256": hashlib.sha256(data).hexdigest(),
                             "Content-Type": "application/octet-stream"},
                )  # fmt: skip
                self.sent_bytes += len(data)
                if response.status_code == 200:
                    answer = response.json()
                    if answer.get("complete"):
                        return
                    offset = int(answer["received"])
                    crashpoints.reached("blob_mid_upload")
                    continue
                error = _error_code(response)
                if response.status_code == 409 and error == "offset_mismatch":
                    offset = int(response.json()["received"])
                elif error == "chunk_corrupt":
                    log.warning("chunk %d of blob %s damaged on the way: resending", offset, sha)
                elif error == "blob_corrupt" and restarts < MAX_RESTARTS:
                    restarts += 1
                    log.warning("server found blob %s corrupt: uploading it again", sha)
                    offset = 0
                else:
                    raise self._fail(response, f"upload {sha}")

    # --- download ----------------------------------------------------------------------
    def want(self, session: Session, changes: Iterable[dict[str, Any]], now: datetime) -> None:
        """In the pull's transaction: the pulled rows' files that are not here yet."""
        for sha in sorted(blob_refs.of_rows(changes)):
            if not self.store.has(sha) and session.get(SyncBlobWanted, sha) is None:
                session.add(SyncBlobWanted(sha256=sha, wanted_at=now))

    def fetch_wanted(self, client: httpx.Client, factory: sessionmaker[Session]) -> int:
        """Download the wanted files; one that fails stays wanted.  Returns how many came."""
        with factory() as session:
            wanted = list(session.scalars(select(SyncBlobWanted.sha256)))
        for sha in wanted:
            if not self.store.has(sha):
                response = self._request(client, "GET", f"/v1/blobs/{sha}")
                if response.status_code != 200:
                    log.warning("blob %s not downloaded: HTTP %s", sha, response.status_code)
                    continue
                if hashlib.sha256(response.content).hexdigest() != sha:
                    log.warning("blob %s arrived damaged: not stored, fetched again later", sha)
                    continue
                self.store.put_bytes(response.content)
                self.fetched += 1
            with factory() as session:
                session.execute(delete(SyncBlobWanted).where(SyncBlobWanted.sha256 == sha))
                session.commit()
        return self.fetched


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""
