"""``compliance-desk documents``: letters for other systems and scripts.

    documents kinds                                  the kinds, with their Chinese titles
    documents schema KIND                            the JSON schema of KIND's data
    documents render KIND --data F.json -o OUT.pdf [--draft]
    documents verify CODE                            exit 0 only if the code is genuine

``render`` without --draft signs with this machine's key (made on first use), so its output
verifies.  kinds, schema and render need no database; verify reads the desks' public keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from compliance_desk.domain.errors import DomainError

if TYPE_CHECKING:
    from compliance_desk.services.signing_keys import KeyStore


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    docs = sub.add_parser("documents", help="official letters: kinds, schema, render, verify")
    docs_sub = docs.add_subparsers(dest="action", required=True)
    docs_sub.add_parser("kinds", help="the kinds of letter")
    schema = docs_sub.add_parser("schema", help="the JSON schema of a kind's data")
    schema.add_argument("kind")
    render = docs_sub.add_parser("render", help="render a letter to PDF")
    render.add_argument("kind")
    render.add_argument("--data", type=Path, required=True, metavar="FILE.json")
    render.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    render.add_argument("--draft", action="store_true", help="watermarked, unnumbered, unsigned")
    render.add_argument("--template", type=Path, help="wording to use instead of the default")
    verify = docs_sub.add_parser("verify", help="check a letter's QR text (exit 0 if genuine)")
    verify.add_argument("code")
    fonts = docs_sub.add_parser("fonts", help="which font file each role prints with")
    fonts.add_argument("--set", action="append", default=[], metavar="ROLE=PATH[#INDEX]",
                       help="use this TrueType file first for ROLE (fangsong, song, hei, kai, title)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from compliance_desk.documents.kinds import KINDS, kind

    if args.action == "kinds":
        for code, k in KINDS.items():
            print(f"{code}\t{k.title}")
        return 0
    if args.action == "schema":
        print(json.dumps(kind(args.kind).schema(), ensure_ascii=False, indent=2))
        return 0
    if args.action == "render":
        return _render(args)
    if args.action == "fonts":
        return _fonts(args)
    return _verify(args)


def _fonts(args: argparse.Namespace) -> int:
    from compliance_desk import settings
    from compliance_desk.documents.fonts import ROLES, chain, check_file

    current = settings.load()
    for item in args.set:
        role, _, path = item.partition("=")
        if role not in ROLES or not path:
            raise DomainError(f"字体设置格式应为 角色=路径，角色可选：{'、'.join(ROLES)}",
                              f"bad --set {item!r}")  # fmt: skip
        check_file(role, path)
        current.pdf_fonts[role] = path
    if args.set:
        settings.save(current)
    for role in ROLES:
        fonts = chain(role, current.pdf_fonts, cached=False).fonts
        names = "，".join(f.name for f in fonts)
        print(f"{role}\t{names}")
    return 0


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"无法读取{what} {path}：{exc}", f"cannot read {path}: {exc}") from exc


def cli_keys() -> KeyStore:
    """The command line signs with a key of its own, never the desk's approval key, so a
    letter made by a script verifies as such ("命令行生成"), not as one the desk approved."""
    from compliance_desk.paths import data_dir
    from compliance_desk.services.signing_keys import KeyStore

    return KeyStore(data_dir() / "keys" / "command-line")


def _render(args: argparse.Namespace) -> int:
    from compliance_desk import settings
    from compliance_desk.documents.render import LetterRequest, render

    try:
        data = json.loads(_read(args.data, "数据文件"))
    except json.JSONDecodeError as exc:
        raise DomainError(
            f"数据文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}",
            f"bad JSON in {args.data}: {exc}",
        ) from exc
    template = _read(args.template, "模板文件") if args.template else None
    key = None if args.draft else cli_keys().private_key()
    fonts = settings.load().pdf_fonts or None
    pdf = render([LetterRequest(args.kind, data, template, 0, args.draft)], key, fonts)
    tmp = args.output.with_name(args.output.name + ".part")
    try:
        tmp.write_bytes(pdf)
        tmp.replace(args.output)  # never a half-written PDF under the real name
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DomainError(f"无法写入 {args.output}：{exc}", f"cannot write {args.output}") from exc
    print(f"已生成 {args.output}（{len(pdf) // 1024} KB）")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from compliance_desk.bootstrap import open_desk
    from compliance_desk.paths import resolve_database_url

    desk = open_desk(resolve_database_url(args.db))
    try:
        keys = cli_keys()
        if keys.path.exists():
            desk.letters.extra_keys[keys.key_id()] = (keys.public_key(), "本机命令行")
        result = desk.letters.verify(args.code)
    finally:
        desk.close()
    print(result.message, file=sys.stdout if result.genuine else sys.stderr)
    if result.letter is not None:
        print(f"存档：{result.letter.kind_title} {result.letter.number} "
              f"{result.letter.enterprise_name} （{result.letter.status.label}）")  # fmt: skip
    return 0 if result.genuine else 1
