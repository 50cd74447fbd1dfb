"""Before going out: make sure everything a day's inspections need is on this laptop.

``compliance-desk [--db URL] sync prepare --date D``: push what is waiting, fetch the day's
inspections with their enterprises' whole history in one answer (server/prepare.py) and apply
it locally, then top up the leased numbers.  It does not wait for the pull of the whole centre
(a freshly enrolled laptop may have a long way to go): the pull carries on at the next sync and
sends anything newer again.  The pull cursor does not move here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance_desk.sync import capture, leasing, replica
from compliance_desk.sync.attachments import Attachments
from compliance_desk.sync.client import SERVER_URL, TOKEN, SyncError, SyncService


@dataclass(frozen=True)
class PrepareReport:
    day: date
    inspections: int
    enterprises: int
    rows: int
    pushed: int
    leased: int


def prepare_day(service: SyncService, day: date) -> PrepareReport:
    url = service._get(SERVER_URL)
    token = service._get(TOKEN)
    if not url or token is None:
        raise SyncError("本设备尚未登记同步服务器，无法准备外出数据",
                        "device not enrolled", "not_enrolled")  # fmt: skip
    leasing.void_lapsed(service.ctx)
    files = Attachments(service.ctx.blobs(), service.ctx.device_id, token)
    with service.http(url) as client:
        service._handshake(client, token)
        counts = {"applied": 0, "conflict": 0, "rejected": 0}
        pushed = service._push(client, token, counts, files)
        answer = service._call(client, "GET", "/v1/prepare", token,
                               params={"date": day.isoformat()})  # fmt: skip
        with service.ctx.factory() as session:
            session.info[capture.APPLYING] = True
            cursor = int(replica.get_setting(session, replica.CURSOR) or 0)
            rows = replica.apply_pulled(session, answer["changes"], cursor)
            files.want(session, answer["changes"], service.ctx.clock())
            session.commit()
        files.fetch_wanted(client, service.ctx.factory)  # the day's photos and scans, for offline
        leased = leasing.refill(service, client, token)
    return PrepareReport(day, int(answer["inspections"]), int(answer["enterprises"]), rows,
                         pushed, leased)  # fmt: skip
