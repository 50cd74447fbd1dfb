"""The client: enrol this device, then sync (handshake, push, pull) with the sync service.

``SyncService`` is what the command line calls now and what the window will call later from
its task runner (one call per background run, its own sessions, no Qt).  Errors a user can
act on are ``DomainError``s with a Chinese message; nothing local is changed by a failed call
except the outbox's note of the pages in flight: a half-done sync leaves the outbox and the
cursor where the last committed local transaction put them, and the next sync carries on from
there.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import ssl
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import orjson
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from compliance_desk import __version__
from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence import migrate
from compliance_desk.persistence.models import Synced
from compliance_desk.persistence.sync_models import (
    CONFLICT_CLOSED,
    CONFLICT_OPEN,
    CONFLICT_RESOLVED,
    SyncConflict,
    SyncOutbox,
)
from compliance_desk.services.context import ServiceContext
from compliance_desk.sync import (
    blob_refs,
    capture,
    crashpoints,
    gc_pause,
    leasing,
    outbox_page,
    protocol,
    pull_ahead,
    pull_stored,
    pull_wire,
    replica,
    resend,
    switching,
)
from compliance_desk.sync.attachments import Attachments, BlobTransferError

log = logging.getLogger("compliance_desk.sync")

SERVER_URL = "sync.server_url"
TOKEN = "sync.token"
EPOCH = "sync.server_epoch"
SKEW = "sync.clock_skew"  # seconds, this device's clock minus the server's, at the last sync
SKEW_WARNING = 300.0  # seconds: shown, never fatal (rule 5)
_LOCAL_CHANGE = "sync_local_change"  # session.info: this transaction changed synced rows


class SyncError(DomainError):
    """The sync could not run; ``code`` is the server's (client_too_old, device_revoked, ...)."""

    def __init__(self, message_zh: str, message_en: str, code: str = "") -> None:
        super().__init__(message_zh, message_en)
        self.code = code


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    applied: int
    conflicts: int
    rejected: int
    pulled: int
    waiting: int  # operations still waiting after this sync
    skew_seconds: float  # this device's clock minus the server's
    resent: int = 0  # operations queued again for a server restored from a backup
    files_fetched: int = 0  # attachments downloaded
    leased: int = 0  # document numbers received in new leases (sync/leasing.py)
    voided: int = 0  # unused leased numbers voided (lease expired or year ended)
    from_others: int = 0  # pulled rows last written by another device (not this one's echoes)


@dataclass(frozen=True)
class SyncStatus:
    server_url: str | None
    enrolled: bool
    waiting: int
    conflicts: int  # open conflicts and merge tasks
    rejected: int
    cursor: int
    skew_seconds: float = 0.0  # at the last sync; over SKEW_WARNING it is shown, never fatal
    shared: bool = False  # a desk working straight on the shared PostgreSQL: nothing to sync


HttpFactory = Callable[[str], httpx.Client]


@dataclass(frozen=True)
class _Handshake:
    skew: float
    resent: int
    push_page: int  # operations per push the server takes (protocol.py)
    pull_page: int
    pull_pending: bool | None  # None: the server did not say (an older one), so pull
    push_order: bool = False  # the server applies a page sent early after the one before
    closes_conflicts: bool = False  # the server closes its copies of conflicts resolved here
    close_page: int = protocol.MAX_CLOSE  # conflict ids it takes in one report


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


@functools.cache
def _tls() -> ssl.SSLContext:
    """The certificate store, loaded once per process: httpx loads it again for every new client
    (about 50 ms, more than a whole sync with nothing to do)."""
    return httpx.create_ssl_context()


# How long a push's answer may take.  A page is up to 20,000 operations; those that cannot go in
# bulk (edits, workflow steps) cost the server a few milliseconds each, so a full page of them
# takes a minute or more: the client's 30 s (meant to notice a server that is gone) would give
# up on a server that is working, and say the network was down.
PUSH_WAIT = 600.0


def default_http(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=httpx.Timeout(30.0, connect=5.0), verify=_tls())


class SyncService:
    def __init__(self, ctx: ServiceContext, http: HttpFactory = default_http) -> None:
        self.ctx = ctx
        self.http = http

    # --- local state ------------------------------------------------------------------
    def _get(self, key: str) -> str | None:
        with self.ctx.factory() as session:
            return replica.get_setting(session, key)

    def _set(self, **values: str) -> None:
        with self.ctx.factory() as session:
            for key, value in values.items():
                replica.set_setting(session, key, value)
            session.commit()

    def status(self) -> SyncStatus:
        with self.ctx.factory() as session:

            def count(status: str) -> int:
                return int(
                    session.scalar(select(func.count()).where(SyncOutbox.status == status)) or 0
                )

            conflicts = session.scalar(
                select(func.count())
                .select_from(SyncConflict)
                .where(SyncConflict.status == CONFLICT_OPEN)
            )
            return SyncStatus(
                replica.get_setting(session, SERVER_URL),
                replica.get_setting(session, TOKEN) is not None,
                count("pending"),
                int(conflicts or 0),
                count("rejected"),
                int(replica.get_setting(session, replica.CURSOR) or 0),
                float(replica.get_setting(session, SKEW) or 0.0),
                self.ctx.engine.dialect.name == "postgresql",
            )

    def watch_local_changes(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` after each local commit that changed synced rows; returns the undo.

        For the window's "sync soon after an edit".  The callback runs in whatever thread
        committed (often a task runner's worker), so it must only set a flag.  Rows written by
        the sync itself do not count."""

        def flushed(session: Session, _context: Any) -> None:
            if session.info.get(capture.APPLYING) or capture.is_primary(session):
                return
            touched = (*session.new, *session.dirty, *session.deleted)
            if any(isinstance(row, Synced) for row in touched):
                session.info[_LOCAL_CHANGE] = True

        def committed(session: Session) -> None:
            if session.info.pop(_LOCAL_CHANGE, False):
                callback()

        def forget(session: Session, _previous: Any) -> None:
            session.info.pop(_LOCAL_CHANGE, None)

        factory = self.ctx.factory
        event.listen(factory, "after_flush", flushed)
        event.listen(factory, "after_commit", committed)
        event.listen(factory, "after_soft_rollback", forget)

        def stop() -> None:
            event.remove(factory, "after_flush", flushed)
            event.remove(factory, "after_commit", committed)
            event.remove(factory, "after_soft_rollback", forget)

        return stop

    # --- calls ------------------------------------------------------------------------
    def _call(
        self, client: httpx.Client, method: str, path: str, token: str | None = None,
        body: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
        content: list[bytes] | None = None,
        parse: Callable[[bytes], Any] = orjson.loads,
        wait: float | None = None, headers: dict[str, str] | None = None,
        uploaded: threading.Event | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """``content``: a JSON body already written, in pieces (a push page: sync/outbox_page.py),
        sent one after the other with the whole length announced (not chunked).  ``wait``: how
        long the answer may take (seconds; default: the client's own read timeout).
        ``headers``: more headers (a push page's order: server/push_order.py); ``uploaded``:
        set when the last piece of ``content`` has gone out."""
        response = self._send(
            client, method, path, token, body, params, content, wait, headers, uploaded
        )
        return self._answer(method, path, response, parse)

    def _send(
        self, client: httpx.Client, method: str, path: str, token: str | None = None,
        body: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
        content: list[bytes] | None = None, wait: float | None = None,
        more: dict[str, str] | None = None, uploaded: threading.Event | None = None,
    ) -> httpx.Response:  # fmt: skip
        """A request's answer as it came (``_answer`` reads it)."""
        headers = {"X-Device-Id": str(self.ctx.device_id), **(more or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        sending: bytes | Iterator[bytes] | None = None
        if content is not None:
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(sum(len(piece) for piece in content))
            sending = _pieces(content, uploaded)
        elif body is not None:  # orjson: pages of thousands of operations (raw payloads kept raw)
            try:
                sending = orjson.dumps(body)
            except TypeError:  # a key that is not a string, an integer over 64 bits
                sending = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        timeout: Any = httpx.USE_CLIENT_DEFAULT
        if wait is not None:
            timeout = httpx.Timeout(**(client.timeout.as_dict() | {"read": wait}))
        try:
            response = client.request(method, path, content=sending, params=params,
                                      headers=headers, timeout=timeout)  # fmt: skip
        except httpx.ReadTimeout as exc:  # the line is up: the server is still at work
            raise SyncError(
                "同步服务器长时间没有答复（可能正忙），本机数据已保存，稍后会再次同步",
                f"{method} {path}: no answer in time: {exc}",
                "timeout",
            ) from exc
        except httpx.HTTPError as exc:
            raise SyncError(
                "无法连接同步服务器（可能没有网络），本机数据已保存，稍后会再次同步",
                f"{method} {path}: {type(exc).__name__}: {exc}",
                "offline",
            ) from exc
        return response

    def _answer(
        self, method: str, path: str, response: httpx.Response, parse: Callable[[bytes], Any]
    ) -> dict[str, Any]:
        try:
            data = parse(response.content)
        except ValueError:
            data = {}
        if response.status_code >= 400:
            raise SyncError(
                str(
                    data.get("message_zh")
                    or f"同步服务器出错（{response.status_code}），本机数据已保存"
                ),
                str(data.get("message_en") or f"{method} {path}: HTTP {response.status_code}"),
                str(data.get("error") or f"http_{response.status_code}"),
            )
        if not isinstance(data, dict):
            raise SyncError("同步服务器的回答无法识别", f"{method} {path}: not an object")
        return data

    def enrol(
        self, server_url: str, username: str, password: str, device_name: str = "",
        centre: str | None = None,
    ) -> None:  # fmt: skip
        """An administrator enrols this device; the token is kept in this database only.
        ``centre`` (code, name or id): the device syncs that centre's data; None: every centre."""
        with self.http(server_url) as client:
            answer = self._call(client, "POST", "/v1/enrol", body={
                "username": username, "password": password,
                "device_id": str(self.ctx.device_id), "device_name": device_name,
                "centre": centre,
            })  # fmt: skip
        self._set(**{SERVER_URL: server_url, TOKEN: str(answer["token"]),
                     EPOCH: str(answer["server_epoch"])})  # fmt: skip
        log.info("enrolled with %s as device %s", server_url, self.ctx.device_id)

    def sync_once(
        self, server_url: str | None = None, push: bool = True, pull: bool = True
    ) -> SyncReport:
        # No long collections, and short GIL turns, while the window's loop waits.
        with gc_pause.frozen(), switching.short_turns():
            return self._sync_once(server_url, push, pull)

    def _sync_once(self, server_url: str | None, push: bool, pull: bool) -> SyncReport:
        with self.ctx.factory() as session:  # one read of the local settings
            known = replica.settings(session, (SERVER_URL, TOKEN, EPOCH, SKEW, replica.CURSOR,
                                               *leasing.SETTINGS))  # fmt: skip
        stored_url, token = known.get(SERVER_URL), known.get(TOKEN)
        url = server_url or stored_url
        if not url:
            raise SyncError("尚未设置同步服务器地址（--server）", "no server URL", "no_server")
        if token is None:
            raise SyncError("本设备尚未登记，请管理员先运行 sync enrol 为本机登记",
                            "device not enrolled", "not_enrolled")  # fmt: skip
        files = Attachments(self.ctx.blobs(), self.ctx.device_id, token)
        voided = leasing.void_lapsed(self.ctx)  # here, so the voided numbers go out now
        with self.http(url) as client:
            shake = self._handshake(client, token, known, ask_pull=pull)
            crashpoints.reached("after_handshake")
            counts = {"applied": 0, "conflict": 0, "rejected": 0}
            # read before the push, so that each one's resolution is among what it sends
            resolved = self._resolved() if push and shake.closes_conflicts else []
            try:
                pushed = (
                    self._push(client, token, counts, files, shake.push_page, shake.push_order)
                    if push
                    else 0
                )
                # Nothing sent and nothing to bring: the pull's round trip is saved (an older
                # server does not say, and is asked).
                pulling = pull and (pushed > 0 or shake.pull_pending is not False)
                pulled, others = (
                    self._pull(client, token, files, shake.pull_page) if pulling else (0, 0)
                )
                if pull:
                    files.fetch_wanted(client, self.ctx.factory)
                if resolved:
                    self._report_resolved(client, token, resolved, shake.close_page)
            except BlobTransferError as exc:
                raise SyncError(exc.message_zh, exc.message_en,
                                "offline" if exc.offline else "attachment") from exc  # fmt: skip
            leased = leasing.refill(self, client, token, known) if push and pull else 0
        if server_url and server_url != stored_url:
            self._set(**{SERVER_URL: server_url})
        return SyncReport(pushed, counts["applied"], counts["conflict"], counts["rejected"],
                          pulled, self._waiting(), shake.skew, shake.resent, files.fetched,
                          leased, voided, others)  # fmt: skip

    def _resolved(self) -> list[uuid.UUID]:
        """The conflicts resolved here and not yet reported to the server."""
        with self.ctx.factory() as session:
            return list(
                session.scalars(
                    select(SyncConflict.id)
                    .where(SyncConflict.status == CONFLICT_RESOLVED)
                    .order_by(SyncConflict.id)
                )
            )

    def _report_resolved(
        self, client: httpx.Client, token: str, ids: list[uuid.UUID], page: int
    ) -> int:
        """Conflicts resolved here (``_resolved``, read before the push), closed in the
        server's copy too (server/conflicts.py): a desk on the shared PostgreSQL lists the
        server's copies.  Only once everything waiting has gone (the resolutions' own changes
        among it: their copy must not close while the server still holds the old value).  Each
        is marked closed here once answered; a report that fails is logged and made again at
        the next sync (it is housekeeping: the sync itself has succeeded).  Returns how many
        were reported."""
        if self._waiting():
            return 0
        reported = 0
        for start in range(0, len(ids), page):
            part = ids[start : start + page]
            try:
                answer = self._call(client, "POST", "/v1/conflicts/closed", token,
                                    {"ids": [str(i) for i in part]})  # fmt: skip
            except SyncError as exc:
                log.warning("resolved conflicts not reported (next sync again): %s",
                            exc.message_en)  # fmt: skip
                return reported
            with self.ctx.factory() as session:
                session.execute(
                    update(SyncConflict)
                    .where(SyncConflict.id.in_(part), SyncConflict.status == CONFLICT_RESOLVED)
                    .values(status=CONFLICT_CLOSED)
                )
                session.commit()
            log.info("reported %d resolved conflicts, %s closed on the server", len(part),
                     answer.get("closed"))  # fmt: skip
            reported += len(part)
        return reported

    def _waiting(self) -> int:
        with self.ctx.factory() as session:
            return int(
                session.scalar(select(func.count()).where(SyncOutbox.status == "pending")) or 0
            )

    def _handshake(
        self, client: httpx.Client, token: str, known: dict[str, str] | None = None,
        ask_pull: bool = False,
    ) -> _Handshake:  # fmt: skip
        if known is None:
            with self.ctx.factory() as session:
                known = replica.settings(session, (EPOCH, SKEW, replica.CURSOR))
        now = self.ctx.clock()
        body: dict[str, Any] = {
            "protocol": protocol.PROTOCOL_VERSION, "app_version": __version__,
            "schema_revision": migrate.SCHEMA_HEAD, "device_id": str(self.ctx.device_id),
            "device_time": now.isoformat(),
        }  # fmt: skip
        if ask_pull:
            body["pull_after"] = int(known.get(replica.CURSOR) or 0)
        answer = self._call(client, "POST", "/v1/handshake", token, body)
        skew = (now - datetime.fromisoformat(str(answer["server_time"]))).total_seconds()
        if abs(skew) > SKEW_WARNING:
            log.warning("device clock differs from the server's by %.0f s", skew)
        epoch = str(answer["server_epoch"])
        start = answer.get("epoch_start_seq")
        resent = 0
        with self.ctx.factory() as session:
            stored = known.get(EPOCH)
            if stored is not None and stored != epoch:
                # A server restored from a backup: send again what it may have lost (rule 10).
                log.warning("server epoch changed from %s to %s", stored, epoch)
                resent = resend.after_new_epoch(session, None if start is None else int(start))
            seconds = str(int(round(skew)))
            if stored != epoch:
                replica.set_setting(session, EPOCH, epoch)
            if known.get(SKEW) != seconds:  # a sync with nothing to do writes nothing here
                replica.set_setting(session, SKEW, seconds)
            resend.prune(session, now)
            session.commit()
        pending = answer.get("pull_pending")
        return _Handshake(
            skew, resent,
            min(protocol.PUSH_PAGE, _int(answer.get("max_push"), protocol.MAX_BATCH)),
            min(protocol.PULL_PAGE, _int(answer.get("max_pull"), protocol.MAX_BATCH)),
            # After a restore (a new epoch) the cursor the server judged by may be moved back:
            # always pull then.
            pending if isinstance(pending, bool) and known.get(EPOCH) in (None, epoch) else None,
            answer.get("push_order") is True,
            answer.get("conflicts_closed") is True,
            min(protocol.MAX_CLOSE, _int(answer.get("max_close"), protocol.MAX_CLOSE)),
        )  # fmt: skip

    def _push(
        self, client: httpx.Client, token: str, counts: dict[str, int], files: Attachments,
        page: int = protocol.MAX_BATCH, ordered: bool = False,
    ) -> int:  # fmt: skip
        """Pages in outbox order.  While the server works on a page, this side records the
        answers to the page before and reads the next one (sync/outbox_page.py): the two
        sides' work overlaps instead of alternating.  ``ordered`` (the server keeps pushed
        pages in order: server/push_order.py): the next page is sent before the one in flight
        is answered, naming it, so that its upload and parsing overlap the server's work on
        that one; else each page is sent only after the one before it is answered.  Either
        way no page is applied before the one before it has committed (an operation never
        reaches the server before one it depends on).  A crash with pages unanswered leaves
        them waiting: they are sent again, and the server answers replays from its records
        (rule 6)."""
        # The first page is waited for with nothing to overlap (read, sent, parsed): a small
        # one, then each page three times the one before, up to ``page``.
        size = min(page, protocol.FIRST_PUSH_PAGE)
        with self.ctx.factory() as session:
            outbox_page.count_unanswered(session)  # pages a push before this one lost
            ahead = outbox_page.read(session, size)
            if ahead is not None:
                outbox_page.in_flight(session, ahead)
            session.commit()
        depth = 2 if ordered else 1  # pages sent and not yet answered
        pushed = 0
        flying: deque[_Sent] = deque()
        answered: list[tuple[outbox_page.Page, dict[str, Any]]] = []  # not yet recorded

        def record(size: int) -> outbox_page.Page | None:
            """``answered`` recorded, and (``size``) the next page read."""
            done = answered.pop(0) if answered else None
            return self._record_and_read(done, [f.page for f in flying], size, counts)

        with ThreadPoolExecutor(depth, thread_name_prefix="push-send") as sender:
            try:
                while ahead is not None or flying:
                    if ahead is not None and flying and _failed(flying[-1]):
                        ahead = None  # the page before failed: the next would be refused
                    if ahead is not None and len(flying) < depth:
                        flying.append(self._send_page(sender, client, token, files, ahead,
                                                      flying[-1] if flying else None, ordered))  # fmt: skip
                        size = min(page, size * 3)
                        ahead = record(size)
                        if ahead is not None and len(flying) < depth:
                            continue  # the next page goes out at once
                    elif answered:
                        record(0)  # nothing more to send: the answers now
                    answer = flying[0].answer.result()
                    done = flying.popleft().page
                    crashpoints.reached("push_answered")
                    pushed += len(done)
                    answered.append((done, answer))
                    if not _answers_all(done, answer):
                        ahead = None  # none of the rest may outrun an unanswered operation
                record(0)
            except BaseException:
                for other in list(flying):  # every request ends before the pool does
                    other.answer.cancel()
                    with contextlib.suppress(Exception):
                        answered.append((other.page, other.answer.result()))  # kept
                        flying.remove(other)
                while answered:
                    with contextlib.suppress(Exception):
                        record(0)
                raise
        return pushed

    def _send_page(
        self, sender: ThreadPoolExecutor, client: httpx.Client, token: str, files: Attachments,
        page: outbox_page.Page, before: _Sent | None, ordered: bool,
    ) -> _Sent:  # fmt: skip
        """A page handed to the sending thread: its files first (rows never outrun them), and,
        ``ordered``, its token and the one of the page ``before`` it, still in flight, once
        that one's body has gone out (so that it reaches the server first, as a rule: the
        server waits a while for the page before, then refuses)."""
        crashpoints.reached("push_prepared")
        files.upload_for(client, page.blob_ops)
        mark = str(uuid.uuid4()) if ordered else None
        headers = {} if mark is None else {"X-Push-Page": mark}
        if ordered and before is not None:
            headers["X-Push-After"] = str(before.mark)
            while not before.uploaded.wait(0.05) and not before.answer.done():
                pass
        uploaded = threading.Event()
        answer = sender.submit(self._call, client, "POST", "/v1/push", token,
                               content=page.chunks, wait=PUSH_WAIT, headers=headers,
                               uploaded=uploaded)  # fmt: skip
        return _Sent(page, answer, mark, uploaded)

    def _record_and_read(
        self, answered: tuple[outbox_page.Page, dict[str, Any]] | None,
        unanswered: list[outbox_page.Page], page: int, counts: dict[str, int],
    ) -> outbox_page.Page | None:  # fmt: skip
        """In one local transaction: the answers to the page ``answered`` recorded (with their
        attempts); given a ``page`` size, the page after the ``unanswered`` ones (sent, not yet
        answered) read; and the pages from the first unanswered to the one read remembered as
        in flight (sync/outbox_page.py)."""
        ahead = None
        with self.ctx.factory() as session:
            session.info[capture.APPLYING] = True
            got = None
            if answered is not None:
                done, answer = answered
                got = outbox_page.record(
                    session, done, list(answer.get("results", [])), self.ctx.clock()
                )
            if page and unanswered:
                ahead = outbox_page.read(session, page, unanswered[-1])
            # What may reach the server unanswered: the pages sent and the one read ahead.
            outbox_page.in_flight(session, unanswered[0] if unanswered else None,
                                  ahead or (unanswered[-1] if unanswered else None))  # fmt: skip
            session.commit()
        if answered is not None and got is not None:
            crashpoints.reached("push_recorded")
            gc_pause.checkpoint()
            for key, value in got.items():
                counts[key] += value
            if sum(got.values()) < len(answered[0]):
                raise SyncError("同步服务器未答复全部操作，稍后会再次同步",
                                "push answered only part of the batch", "partial")  # fmt: skip
        return ahead

    def _pull(
        self, client: httpx.Client, token: str, files: Attachments, page: int = protocol.MAX_BATCH
    ) -> tuple[int, int]:
        """Pull until the server has nothing more; returns (rows applied, rows of those last
        written by another device: what the window's lists should show anew).

        The pull is read-only and goes by cursor: while a page is applied here, the next one
        (after the page's last seq) is read and prepared in a helper thread, and the one after
        it is already asked for (its cursor read from the tail of the page before, as soon as
        that arrived: sync/pull_wire.ahead), so that the server writes a page while this
        machine reads the one before.  At most one page is asked for ahead of the one being
        read.  A page that fails to apply leaves the cursor where it was; the pages asked
        ahead are then dropped (the next sync asks again)."""
        pulled = others = 0
        with self.ctx.factory() as session:
            cursor = int(replica.get_setting(session, replica.CURSOR) or 0)
        mine = str(self.ctx.device_id)

        dialect = self.ctx.engine.dialect

        asked: dict[int, Future[httpx.Response]] = {}  # pages asked for ahead, by cursor

        params: dict[str, Any] = {}
        if dialect.name == "sqlite":  # rows in the form SQLite stores them: sync/pull_stored.py
            params["form"] = pull_stored.STORED

        def get(after: int, limit: int = page) -> httpx.Response:
            return self._send(client, "GET", "/v1/pull", token,
                              params={"after": after, "limit": limit, **params})  # fmt: skip

        def fetch(
            after: int, limit: int = page
        ) -> tuple[dict[str, Any], pull_ahead.Prepared | None, int]:
            early = asked.pop(after, None)
            response = get(after, limit) if early is None else early.result()
            following = pull_wire.ahead(response.content) if response.status_code < 400 else None
            if following is not None and following not in asked:
                asked[following] = getter.submit(get, following)  # written while this is read
            answer = self._answer("GET", "/v1/pull", response, pull_wire.loads)
            # A page of 10,000 rows is tens of thousands of objects: out of the collector's
            # walks at once (a full pass over two pages held the GIL for 57 ms).
            gc_pause.checkpoint()
            if dialect.name == "sqlite" and pull_stored.is_stored(answer):
                # the server answered in the stored form (an older one answers today's)
                stored = pull_stored.adapt(answer, dialect, self.ctx.device_id.hex)
                answer["changes"] = stored.changes
                gc_pause.checkpoint()
                return answer, stored.prepared, stored.theirs
            made = None
            changes = answer.get("changes")
            if dialect.name == "sqlite" and isinstance(changes, list) and changes:
                # The page's Python work, while the page before is written (SQLite lets go
                # of the GIL as it writes): sync/pull_ahead.py.
                made = pull_ahead.prepare(changes, dialect)
                gc_pause.checkpoint()
            theirs = sum(1 for c in changes if not self._mine(c, mine)) if changes else 0
            return answer, made, theirs

        with (
            replica.pulling(self.ctx.engine) as connection,
            ThreadPoolExecutor(1, thread_name_prefix="sync-pull-ahead") as ahead,
            ThreadPoolExecutor(1, thread_name_prefix="sync-pull-get") as getter,
        ):
            bind: dict[str, Any] = {} if connection is None else {"bind": connection}
            # The first page is waited for with nothing to overlap: a small one (the next,
            # full size, is asked for while it is applied).
            answer, made, theirs = fetch(cursor, min(page, protocol.FIRST_PULL_PAGE))
            while True:
                last = int(answer["last_seq"])
                if not answer["changes"] and last == cursor:
                    return pulled, others  # nothing new: no local write transaction for nothing
                following = ahead.submit(fetch, last) if answer.get("more") else None
                try:
                    others += theirs
                    with self.ctx.factory(**bind) as session:
                        session.info[capture.APPLYING] = True
                        pulled += replica.apply_pulled(session, answer["changes"], last, made)
                        files.want(session, _naming_blobs(answer["changes"], made),
                                   self.ctx.clock())  # fmt: skip
                        crashpoints.reached("pull_applied")
                        session.commit()
                    crashpoints.reached("pull_committed")
                    gc_pause.checkpoint()
                except BaseException:
                    if following is not None:
                        following.cancel()
                    raise
                # The page applied is let go of in slices: freed at once by the next assignment,
                # its few hundred thousand objects held the GIL for 45-60 ms (traced).
                pull_ahead.release(answer["changes"], made)
                if following is None:
                    return pulled, others
                cursor = last
                answer, made, theirs = following.result()

    def _mine(self, change: dict[str, Any], mine: str | None = None) -> bool:
        """Was this pulled row last written by this device (its own change come back)?"""
        row = change.get("row")
        device = row.get("device_id") if isinstance(row, dict) else None
        if device is None:
            return False
        if mine is not None and type(device) is str and len(device) == 36 and device.islower():
            return device == mine  # the server's form of a UUID: compared as text
        try:
            return uuid.UUID(str(device)) == self.ctx.device_id
        except ValueError:
            return False


def _naming_blobs(changes: list[Any], made: pull_ahead.Prepared | None) -> list[Any]:
    """The changes of a page whose rows may name a file (all when not known where each
    table's changes are): a backlog's page of visits is not looked through row by row."""
    if made is None or made.tables is None:
        return changes
    return [changes[i] for t in blob_refs.BLOB_COLUMNS for i in made.tables.get(t, ())]


def _pieces(content: list[bytes], uploaded: threading.Event | None) -> Iterator[bytes]:
    """A body's pieces as httpx sends them, ``uploaded`` set after the last."""
    yield from content
    if uploaded is not None:
        uploaded.set()


@dataclass
class _Sent:
    """A push page handed to the sending thread."""

    page: outbox_page.Page
    answer: Future[dict[str, Any]]
    mark: str | None  # its token (server/push_order.py), None to an older server
    uploaded: threading.Event  # its body has gone out


def _failed(sent: _Sent) -> bool:
    return sent.answer.done() and sent.answer.exception() is not None


def _answers_all(page: outbox_page.Page, answer: dict[str, Any]) -> bool:
    """Whether the server answered every operation of ``page`` (an older server, a proxy or a
    mismatch may answer part: the rest must go before anything after them, rule 9)."""
    results = answer.get("results")
    if not isinstance(results, list):
        return False
    answered = {r.get("op_id") for r in results if isinstance(r, dict)}
    return answered.issuperset(page.ids)
