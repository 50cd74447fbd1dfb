"""The command line: opens the window, or lets an administrator script the register.

Exit status 0 on success; otherwise non-zero with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from pathlib import Path

from compliance_desk import __version__
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence import failures

log = logging.getLogger("compliance_desk.cli")

EXIT_ERROR = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compliance-desk", description="合规服务台 Compliance Desk"
    )
    parser.add_argument("--version", action="version", version=f"compliance-desk {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="database URL (default: SQLite under the user data dir)"
    )
    parser.add_argument("--user", default="admin", help="user the command acts as (default: admin)")
    parser.add_argument("--password", help="password of --user (or COMPLIANCE_DESK_PASSWORD)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, sign in as --user (on a database without users: set it up as "
        "the administrator), print what the window shows and quit (installer checks)",
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="PNG", help="with --smoke-test: save the window"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("init", help="create or upgrade the schema")
    demo = sub.add_parser("demo", help="load demo data")
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=20241)
    ent = sub.add_parser("enterprises", help="the enterprise register")
    ent_sub = ent.add_subparsers(dest="action", required=True)
    imp = ent_sub.add_parser("import", help="import an .xlsx or .csv ledger")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true")
    imp.add_argument("--report", type=Path, help="where to write the rejected rows (CSV)")
    imp.add_argument("--centre", help="centre for rows that name none (e.g. 游戏产业合规中心)")
    imp.add_argument(
        "--map", action="append", default=[], metavar="HEADER=FIELD",
        help="read column HEADER as FIELD: name, uscc, contact_phone, address, contact_person, "
        "legal_representative, industry, centre, chamber … (or a header it knows: 联系电话)",
    )  # fmt: skip
    exp = ent_sub.add_parser("export", help="export to .xlsx or .csv (by extension)")
    exp.add_argument("file", type=Path)
    search = ent_sub.add_parser("search", help="search as the desk types")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=50)
    appeals = sub.add_parser("appeals", help="the appeal log")
    appeals_sub = appeals.add_subparsers(dest="action", required=True)
    due = appeals_sub.add_parser("due", help="the deadline of an appeal received at a time")
    due.add_argument("--tier", required=True, choices=[t.value for t in AppealTier])
    due.add_argument("--received", required=True, metavar="YYYY-MM-DD[THH:MM]")
    due.add_argument("--json", action="store_true")
    export = appeals_sub.add_parser("export", help="export the log in the ledger layout")
    export.add_argument("file", type=Path)
    export.add_argument(
        "--overdue", action="store_true", help="only open appeals past their deadline"
    )
    export.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    cal = sub.add_parser("calendar", help="the working-day calendar")
    cal_sub = cal.add_subparsers(dest="action", required=True)
    cal_import = cal_sub.add_parser("import", help="import a year's official schedule (JSON)")
    cal_import.add_argument("file", type=Path)
    cal_show = cal_sub.add_parser("show", help="show a year's holidays and make-up working days")
    cal_show.add_argument("year", type=int)
    from compliance_desk import cli_documents, cli_inspections, cli_sync

    cli_documents.add_parser(sub)
    cli_inspections.add_parsers(sub)
    cli_sync.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.smoke_test:
        return _smoke_test(args)
    if args.command is None:
        from compliance_desk.gui.app import run

        return run(args.db)
    try:
        return _run(args)
    except DomainError as exc:
        log.info("command failed: %s", exc.message_en)
        print(f"错误：{exc.message_zh}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a script gets one line, the log gets the traceback
        logging.getLogger("compliance_desk").exception("unexpected failure")
        # the cause in Chinese where a person can act on it (the disk full...), then Python's
        first = (str(exc).splitlines() or [""])[0]  # (a SQLAlchemy error's next lines: a link)
        print(f"错误：{failures.plain_zh(exc)} [{type(exc).__name__}: {first}]", file=sys.stderr)
        return EXIT_ERROR


def _smoke_test(args: argparse.Namespace) -> int:
    import os

    password = args.password or os.environ.get("COMPLIANCE_DESK_PASSWORD")
    if args.command is not None or not password:
        print(
            "错误：--smoke-test 不能与子命令同用，且需要 --password 或 COMPLIANCE_DESK_PASSWORD",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from compliance_desk.gui.app import run
    from compliance_desk.gui.smoke import SmokeRobot

    return run(args.db, SmokeRobot(args.user, password, args.screenshot))


def _log_to_file() -> None:
    """Scripts read one line on stderr; the details go to the log file."""
    from compliance_desk.paths import log_dir

    handler = logging.FileHandler(log_dir() / "cli.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("compliance_desk")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.propagate = False


def _run(args: argparse.Namespace) -> int:
    import os

    _log_to_file()
    if args.command == "documents":
        from compliance_desk import cli_documents

        return cli_documents.run(args)
    if args.command == "server":
        from compliance_desk import cli_sync

        return cli_sync.run_server(args)

    from compliance_desk.bootstrap import open_desk
    from compliance_desk.paths import resolve_database_url

    url = resolve_database_url(args.db)
    desk = open_desk(url)
    try:
        if args.command == "init":
            print(f"数据库已就绪：{desk.ctx.database_label}")
            return 0
        if args.command == "demo":
            from compliance_desk.services.demo_data import (
                load_demo,
                load_demo_inspections,
                load_demo_letters,
            )

            def progress(done: int, total: int) -> None:
                if total >= 10_000:  # the large scale takes a while: say how far it is
                    print(f"  {done}/{total}", file=sys.stderr, flush=True)

            summary = load_demo(desk.ctx, args.scale, args.seed, progress=progress)
            letters = load_demo_letters(desk.ctx, desk.letters)
            inspected = load_demo_inspections(desk.ctx, desk.inspections)
            print(
                f"演示数据已载入：新增企业 {summary.enterprises} 家，演示用户 {summary.users} 个，"
                f"新增诉求 {summary.appeals} 件，新增文书 {letters} 份，新增检查 {inspected} 次"
            )
            return 0
        if args.command == "sync":
            from compliance_desk import cli_sync

            return cli_sync.run_sync(desk, args)
        if args.command == "appeals" and args.action == "due":
            return _due(desk, args)
        if args.command == "calendar" and args.action == "show":
            return _show_year(desk, args.year)
        password = args.password or os.environ.get("COMPLIANCE_DESK_PASSWORD")
        if password is None and desk.auth.needs_first_run():
            raise DomainError("数据库中还没有用户：请先打开程序设置管理员，或运行 demo", "no users")
        if password is None:
            raise DomainError(
                "请用 --password 或环境变量 COMPLIANCE_DESK_PASSWORD 提供密码", "no password given"
            )
        user = desk.auth.login(args.user, password)
        if args.command == "calendar":
            try:
                text = args.file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise DomainError(
                    f"无法读取日历文件：{exc}", f"cannot read {args.file}: {exc}"
                ) from exc
            view = desk.calendars.import_year(user, text)
            assert view.table is not None
            print(
                f"已导入 {view.year} 年日历：节假日 {len(view.table.holidays)} 天，"
                f"调休工作日 {len(view.table.workdays)} 天"
            )
            return 0
        if args.command == "appeals":
            return _export_appeals(desk, user, args)
        if args.command in ("inspections", "compliant-list"):
            from compliance_desk import cli_inspections

            return cli_inspections.run(desk, user, args)
        if args.action == "search":
            results = desk.enterprises.search(user, args.text, limit=args.limit)
            if args.json:
                print(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=1))
            else:
                for r in results:
                    print(f"{r.uscc}\t{r.name}\t{r.contact_person}\t{r.contact_phone}")
            return 0
        if args.action == "export":
            count = desk.importer.export(user, args.file)
            print(f"已导出 {count} 家企业到 {args.file}")
            return 0
        return _import(desk, user, args)
    finally:
        desk.close()


def _due(desk: object, args: argparse.Namespace) -> int:
    from datetime import date, datetime

    from compliance_desk.bootstrap import Desk

    assert isinstance(desk, Desk)
    try:
        received = (
            datetime.fromisoformat(args.received).date()
            if "T" in args.received or " " in args.received
            else date.fromisoformat(args.received)
        )
    except ValueError:
        raise DomainError(
            f"无法识别的受理时间“{args.received}”（应写作 2026-02-13 或 2026-02-13T09:30）",
            f"bad --received {args.received!r}",
        ) from None
    deadline = desk.calendars.due(AppealTier(args.tier), received)
    assert deadline.due is not None
    if args.json:
        print(
            json.dumps(
                {
                    "due": deadline.due.isoformat(),
                    "provisional": deadline.provisional,
                    "explanation": deadline.explanation,
                },
                ensure_ascii=False,
            )
        )
    else:
        mark = "（暂定）" if deadline.provisional else ""
        print(f"期限：{deadline.due.isoformat()} 24:00{mark}")
        print(deadline.explanation)
    return 0


def _export_appeals(desk: object, user: object, args: argparse.Namespace) -> int:
    from datetime import date

    from compliance_desk.bootstrap import Desk
    from compliance_desk.services.appeals import LogFilter
    from compliance_desk.services.context import CurrentUser

    assert isinstance(desk, Desk) and isinstance(user, CurrentUser)

    def day(text: str | None, option: str) -> date | None:
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise DomainError(
                f"{option} 日期应写作 2026-03-01，实为“{text}”", f"bad {option}"
            ) from None

    flt = LogFilter(
        overdue_only=args.overdue,
        received_from=day(args.date_from, "--from"),
        received_to=day(args.date_to, "--to"),
    )
    desk.appeal_log.reconcile()  # clocks written by another program or an older version
    count = desk.appeal_log.export(user, args.file, flt)
    print(f"已导出 {count} 件诉求到 {args.file}")
    return 0


def _show_year(desk: object, year: int) -> int:
    from compliance_desk.bootstrap import Desk
    from compliance_desk.domain.work_calendar import WEEKDAYS

    assert isinstance(desk, Desk)
    view = desk.calendars.year(year)
    print(f"{year} 年工作日日历：{view.source}")
    if view.table is None:
        return 0
    for day, name in sorted(view.table.holidays.items()):
        print(f"  {day.isoformat()} 周{WEEKDAYS[day.weekday()]}  {name or '节假日'}")
    for day in sorted(view.table.workdays):
        print(f"  {day.isoformat()} 周{WEEKDAYS[day.weekday()]}  调休上班")
    return 0


def _import(desk: object, user: object, args: argparse.Namespace) -> int:
    from compliance_desk.bootstrap import Desk
    from compliance_desk.services.context import CurrentUser
    from compliance_desk.services.enterprise_import import write_report

    assert isinstance(desk, Desk) and isinstance(user, CurrentUser)
    mapping = {}
    for item in args.map:
        header, _, field = item.partition("=")
        if not field:
            raise DomainError(f"--map 应写作 列名=字段，实为“{item}”", f"bad --map {item!r}")
        mapping[header.strip()] = field.strip()
    centre_id: uuid.UUID | None = None
    if args.centre:
        centres = desk.reference.lookup(user, "centre")
        if args.centre not in centres:
            raise DomainError(
                f"没有名为“{args.centre}”的合规中心（现有：{'、'.join(centres)}）",
                f"unknown centre {args.centre!r}",
            )
        centre_id = centres[args.centre]
    plan = desk.importer.plan(user, args.file, mapping, centre_id)
    for notice in plan.notices:
        print(f"提示：{notice}")
    result = desk.importer.apply(user, plan, skip_invalid=args.skip_invalid)
    if result.rejected:
        report = args.report or args.file.with_name(args.file.stem + "-未导入行.csv")
        write_report(report, plan, result.rejected)
        print(f"有 {len(set(p.row for p in result.rejected))} 行未导入，原因见 {report}")
    print(f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
