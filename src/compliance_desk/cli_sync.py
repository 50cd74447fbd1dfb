"""The command line of sync: run the server, enrol a device, sync once, list or revoke devices.

compliance-desk server --db URL [--host H] [--port P]      run the sync service
compliance-desk server devices --db URL                    enrolled devices
compliance-desk server revoke DEVICE_ID --db URL [--reason TEXT] [--lost]
compliance-desk [--db URL] sync enrol --server URL --admin USER [--name NAME] [--centre CODE]
compliance-desk [--db URL] sync [--server URL] [--lease SERIES ...]   push, pull, top up leases
compliance-desk [--db URL] sync status
compliance-desk [--db URL] sync prepare --date YYYY-MM-DD  load a day's inspections before going out
compliance-desk [--db URL] sync leases                     this device's leased number blocks
"""

from __future__ import annotations

import argparse
import getpass
import os
import uuid
from typing import Any

from compliance_desk.domain.errors import DomainError


def add_parsers(sub: Any) -> None:
    server = sub.add_parser("server", help="run the sync service (or manage its devices)")
    server.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="the shared PostgreSQL database")  # fmt: skip
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8765)
    server_sub = server.add_subparsers(dest="action")
    listing = server_sub.add_parser("devices", help="list enrolled devices")
    listing.add_argument("--db", metavar="URL", default=argparse.SUPPRESS)
    revoke = server_sub.add_parser("revoke", help="revoke a device's token")
    revoke.add_argument("device_id")
    revoke.add_argument("--reason", default="")
    revoke.add_argument("--lost", action="store_true",
                        help="the device is lost for good: void the leased numbers it never "
                             "reported (do not enrol it again afterwards)")  # fmt: skip
    revoke.add_argument("--db", metavar="URL", default=argparse.SUPPRESS)

    sync = sub.add_parser("sync", help="sync this database with the sync service once")
    sync.add_argument("--server", metavar="URL", default=None)
    sync.add_argument("--lease", metavar="SERIES", action="append", default=[],
                      help="keep a leased block of this number series, e.g. 虞市监合建")  # fmt: skip
    sync_sub = sync.add_subparsers(dest="action")
    enrol = sync_sub.add_parser("enrol", help="enrol this device (an administrator's password)")
    enrol.add_argument("--server", metavar="URL", default=argparse.SUPPRESS, required=True)
    enrol.add_argument("--admin", metavar="USER", required=True)
    enrol.add_argument("--name", default="", help="a name for this device (e.g. 崧厦前台1)")
    enrol.add_argument("--centre", default=None,
                       help="the centre whose data this device syncs (code or name); "
                            "without it: every centre (an administrator's device)")  # fmt: skip
    sync_sub.add_parser("status", help="operations waiting, conflicts, rejected operations")
    prepare = sync_sub.add_parser("prepare", help="load a day's inspections before going out")
    prepare.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    sync_sub.add_parser("leases", help="this device's leased document-number blocks")


def run_server(args: argparse.Namespace) -> int:
    from compliance_desk.paths import resolve_database_url

    url = resolve_database_url(getattr(args, "db", None))
    if args.action in ("devices", "revoke"):
        return _devices(url, args)
    import uvicorn

    from compliance_desk.server.app import create_app

    app = create_app(url)
    print(
        f"同步服务已启动：http://{args.host}:{args.port}（数据库 {app.state.sync.desk.ctx.database_label}）"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _devices(url: str, args: argparse.Namespace) -> int:
    from compliance_desk.bootstrap import open_desk
    from compliance_desk.server import devices

    desk = open_desk(url)
    try:
        with desk.ctx.factory() as session:
            if args.action == "revoke":
                try:
                    device_id = uuid.UUID(args.device_id)
                except ValueError:
                    raise DomainError(f"设备编号“{args.device_id}”格式不正确",
                                      f"bad device id {args.device_id!r}") from None  # fmt: skip
                try:
                    voided = devices.revoke(session, device_id, args.reason,
                                            desk.ctx.clock(), lost=args.lost)  # fmt: skip
                except devices.Refused as exc:
                    raise DomainError(exc.message_zh, exc.message_en) from exc
                session.commit()
                print(f"已停用设备 {device_id} 的同步权限")
                if voided:
                    print(f"该设备租用而未报告使用的 {voided} 个文号已作废")
                return 0
            for d in devices.devices(session):
                state = f"已停用（{d.revoked_reason}）" if d.revoked_at else "有效"
                seen = (
                    d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else "从未同步"
                )
                print(f"{d.id}\t{d.name}\t{state}\t最近同步：{seen}")
            return 0
    finally:
        desk.close()


def run_sync(desk: Any, args: argparse.Namespace) -> int:
    from compliance_desk.sync.client import SyncService

    service = SyncService(desk.ctx)
    if args.action == "enrol":
        password = args.password or os.environ.get("COMPLIANCE_DESK_PASSWORD")
        if password is None:
            password = getpass.getpass(f"管理员 {args.admin} 的密码：")
        service.enrol(args.server, args.admin, password, args.name, args.centre)
        print(f"本设备已登记：{desk.ctx.device_id}，同步服务器 {args.server}")
        return 0
    if args.action == "status":
        s = service.status()
        print(f"同步服务器：{s.server_url or '未设置'}；{'已登记' if s.enrolled else '未登记'}")
        print(
            f"待同步操作 {s.waiting} 个，未解决冲突 {s.conflicts} 个，被拒绝的操作 {s.rejected} 个"
        )
        if abs(s.skew_seconds) > 300:
            print(f"提示：上次同步时本机时钟与服务器相差约 {abs(s.skew_seconds) / 60:.0f} 分钟")
        return 0
    if args.action == "prepare":
        return _prepare(service, args.date)
    if args.action == "leases":
        return _leases(desk)
    if args.lease:
        from compliance_desk.sync import leasing

        kept = leasing.keep_series(desk.ctx, args.lease)
        print(f"本设备保留租用编号的文号系列：{'、'.join(kept)}")
    report = service.sync_once(args.server)
    print(
        f"同步完成：推送 {report.pushed} 个操作（采用 {report.applied}，冲突 {report.conflicts}，"
        f"拒绝 {report.rejected}），拉取 {report.pulled} 条记录，仍待同步 {report.waiting} 个"
    )
    if report.resent:
        print(f"同步服务器已从备份恢复：本机重新发送了 {report.resent} 个已确认的操作")
    if report.files_fetched:
        print(f"下载附件 {report.files_fetched} 个")
    if report.leased or report.voided:
        print(f"租用文号：新领 {report.leased} 个，到期或年度结束作废 {report.voided} 个")
    if abs(report.skew_seconds) > 300:
        print(f"提示：本机时钟与服务器相差约 {abs(report.skew_seconds) / 60:.0f} 分钟")
    return 0


def _prepare(service: Any, text: str) -> int:
    from datetime import date

    from compliance_desk.sync.prepare import prepare_day

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"日期“{text}”格式不正确，应为 2026-03-02 这样",
                          f"bad date {text!r}") from None  # fmt: skip
    r = prepare_day(service, day)
    print(f"{r.day.isoformat()} 的检查已备好：{r.inspections} 次检查，{r.enterprises} 家企业，"
          f"共 {r.rows} 条记录已在本机；推送 {r.pushed} 个操作，新领文号 {r.leased} 个")  # fmt: skip
    return 0


def _leases(desk: Any) -> int:
    from compliance_desk.services import number_leases

    with desk.ctx.factory() as session:
        rows = number_leases.leases(session)
    if not rows:
        print("本设备没有有效的租用文号")
    for lease in rows:
        print(f"{lease.prefix}〔{lease.year}〕{lease.first}-{lease.last}号\t剩余 {lease.remaining} 个"
              f"\t有效期至 {lease.expires_at.isoformat(timespec='minutes')}")  # fmt: skip
    return 0
