"""``compliance-desk inspections draw`` and ``compliance-desk compliant-list export``.

    inspections draw --centre CENTRE --count N [--seed S] [--json]
    inspections draw-audit DRAW_ID [--json]     exit 0 only if the record re-runs to its result
    compliant-list export FILE.xlsx [--as-of DATE]

Both act as --user (default admin) with the password from --password or the environment.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from compliance_desk.domain.errors import DomainError


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ins = sub.add_parser("inspections", help="joint inspections (综合查一次)")
    ins_sub = ins.add_subparsers(dest="action", required=True)
    draw = ins_sub.add_parser("draw", help="the random draw (双随机), recorded with its seed")
    draw.add_argument("--centre", required=True, help="the centre's name (e.g. 伞业合规中心)")
    draw.add_argument("--count", required=True, type=int)
    draw.add_argument("--seed", type=int, help="redo an earlier draw from its seed")
    draw.add_argument("--json", action="store_true")
    audit = ins_sub.add_parser(
        "draw-audit", help="re-run a recorded draw from its record; exit 0 only if it matches"
    )
    audit.add_argument("draw_id", help="the draw's id (draw_id in the output of draw --json)")
    audit.add_argument("--json", action="store_true")
    lst = sub.add_parser("compliant-list", help="the district compliant-enterprise list")
    lst_sub = lst.add_subparsers(dest="action", required=True)
    exp = lst_sub.add_parser("export", help="the list as of a date, to .xlsx or .csv")
    exp.add_argument("file", type=Path)
    exp.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD")


def run(desk: Any, user: Any, args: argparse.Namespace) -> int:
    if args.command == "inspections" and args.action == "draw-audit":
        return _audit(desk, user, args)
    if args.command == "inspections":
        return _draw(desk, user, args)
    day = desk.compliant_list.today()
    if args.as_of:
        try:
            day = date.fromisoformat(args.as_of)
        except ValueError:
            raise DomainError(f"--as-of 日期应写作 2026-03-01，实为“{args.as_of}”",
                              "bad --as-of") from None  # fmt: skip
    count = desk.compliant_list.export(user, args.file, day)
    print(f"已导出截至 {day.isoformat()} 的合规企业名单 {count} 家到 {args.file}")
    return 0


def _draw(desk: Any, user: Any, args: argparse.Namespace) -> int:
    centres = desk.reference.lookup(user, "centre")
    centre = centres.get(args.centre)
    if centre is None:
        known = "、".join(sorted(n for n in centres if not n.isascii()))
        raise DomainError(f"没有这个合规中心：{args.centre}（可选：{known}）",
                          f"unknown centre {args.centre}")  # fmt: skip
    result = desk.inspections.draw(user, centre, args.count, args.seed)
    if args.json:
        print(json.dumps({
            "draw_id": str(result.id), "seed": result.seed, "fingerprint": result.fingerprint,
            "enterprises": [{"id": str(e), "name": n, "compliant_list": c}
                            for e, n, c in result.enterprises],
            "inspectors": [{"id": str(i), "name": n} for i, n in result.inspectors],
            "pool_size": result.pool_size,
            "left_out": [{"id": str(e), "name": n, "reason": why}
                         for e, n, why in result.left_out],
        }, ensure_ascii=False, indent=1))  # fmt: skip
        return 0
    print(f"抽取种子 {result.seed}，名单指纹 {result.fingerprint}；抽取记录 {result.id}"
          f"（可用 inspections draw-audit {result.id} 复核）")  # fmt: skip
    print(f"抽取范围 {result.pool_size} 家企业" + (
        f"；另有 {len(result.left_out)} 家合规名单企业一年内已检查，按每年至多 1 次的规定未参加抽取"
        if result.left_out else ""))  # fmt: skip
    for n, (_e, name, listed) in enumerate(result.enterprises, start=1):
        print(f"{n:>3}. {name}{'（合规名单）' if listed else ''}")
    print("执法人员：" + "、".join(name for _i, name in result.inspectors))
    return 0


def _audit(desk: Any, user: Any, args: argparse.Namespace) -> int:
    import sys
    import uuid

    try:
        draw_id = uuid.UUID(args.draw_id)
    except ValueError:
        raise DomainError(f"抽取记录编号格式不对：{args.draw_id}",
                          f"bad draw id {args.draw_id}") from None  # fmt: skip
    audit = desk.inspections.audit_draw(user, draw_id)
    if args.json:
        print(json.dumps({
            "draw_id": str(audit.id), "seed": audit.seed, "centre": audit.centre,
            "drawn_on": audit.drawn_on.isoformat(), "pool_size": audit.pool_size,
            "inspector_pool": audit.inspector_pool, "left_out": audit.left_out,
            "matches": audit.matches, "problems": audit.problems,
        }, ensure_ascii=False, indent=1))  # fmt: skip
        return 0 if audit.matches else 1
    scope = (f"{audit.centre} {audit.drawn_on.isoformat()} 的抽取（种子 {audit.seed}，"
             f"{audit.pool_size} 家企业、{audit.inspector_pool} 名执法人员）")  # fmt: skip
    if audit.matches:
        print(f"复核一致：按记录重新抽取{scope}，抽中的企业和执法人员与记录相同")
        return 0
    print(f"复核不一致：{scope}：" + "；".join(audit.problems), file=sys.stderr)
    return 1
