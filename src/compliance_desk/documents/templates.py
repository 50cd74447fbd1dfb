"""Letter wording as data: versioned templates an administrator edits, rendered in a sandbox.

A template is Jinja text (sandboxed: a template cannot reach Python) that produces lines:

    plain text          a body paragraph (一、 headings in 黑体, （一） in 楷体)
    @to TEXT            a line without indent (the addressee, the party's particulars)
    @blank              an empty line
    | LABEL | VALUE     a row of a ruled table (送达回证); "\\n" in a cell starts a new line
    | LABEL |           a row left empty to be filled in by hand (room to sign)
    | LABEL | @line     a row of one line left empty to be written in by hand
    | LABEL | @date     a row signed by hand, "年　月　日" at the right of its last line
    | LABEL | TEXT @date    the same under printed text (the names of those who sign)
    @sign               the authority's signature, the date and room for the seal

Undefined names are errors, never blanks: a template cannot silently print nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from compliance_desk.documents.gbt9704 import Blank, Block, Para, Signature, Span, Table, body_para
from compliance_desk.domain.errors import DomainError

DIGITS = "〇一二三四五六七八九"


def chinese_date(d: date) -> str:
    """2026年3月9日: Arabic numerals, no padding (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五 (for （一） headings)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "十" if tens == 1 else DIGITS[tens] + "十"
        return head + (DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return DIGITS[hundreds] + "百"
    tail = chinese_number(rest) if rest >= 10 else "零" + DIGITS[rest]
    if 10 <= rest < 20:
        tail = "一" + tail  # 一百一十二
    return DIGITS[hundreds] + "百" + tail


class TemplateFault(DomainError):
    def __init__(self, kind: str, version: int, detail: str) -> None:
        super().__init__(
            f"文书模板（{kind} 第 {version} 版）有误，未生成文书：{detail}",
            f"template {kind} v{version} failed: {detail}",
        )


# Data never becomes layout: a value's own line breaks, or a value that looks like a directive
# or a heading, is marked so ``blocks`` reads it as plain text.
DATA_LINE = "\ue000"
LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
                             "\u2028": "\n", "\u2029": "\n"})  # fmt: skip
DATE = "@date"  # a table row's date to write in by hand (never read in a value from data)
MAX_OUTPUT = 400_000  # characters a template may produce
MAX_REPEAT = 10_000  # the longest string or list a template may make with * or **


def _looks_like_layout(text: str) -> bool:
    head = text.lstrip()[:5]
    return head.startswith(("@", "|")) or (
        len(head) > 1 and head[0] in "一二三四五六七八九十（" and ("、" in head or "）" in head)
    )


def _finalize(value: Any) -> Any:
    if value is None:  # an optional value not given prints as nothing, never as "None"
        return ""
    if isinstance(value, str | int | float):
        text = str(value).replace("\r\n", "\n").translate(LINE_BREAKS)
        text = text.replace("\n", "\n" + DATA_LINE).replace(DATE, "@" + DATA_LINE + DATE[1:])
        return DATA_LINE + text if _looks_like_layout(text) else text
    return value


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with ``'x' * 10**9`` refused instead of filling the memory."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("exponent too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int):
                    if len(seq) * count > MAX_REPEAT:
                        raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    env = _Sandbox(
        undefined=StrictUndefined, autoescape=False, lstrip_blocks=True, finalize=_finalize
    )
    env.filters["cn_date"] = chinese_date
    env.filters["cn_num"] = chinese_number
    return env


_ENV = _environment()


def check(text: str, kind: str = "", version: int = 0) -> None:
    """Raises TemplateFault when the template does not parse."""
    try:
        _ENV.parse(text)
    except TemplateError as exc:
        raise TemplateFault(kind, version, str(exc)) from exc


@lru_cache(maxsize=64)
def _compiled(text: str) -> Template:
    return _ENV.from_string(text)


def expand(text: str, context: Mapping[str, Any], kind: str = "", version: int = 0) -> list[str]:
    try:
        out = _compiled(text).render(**context)
    except TemplateError as exc:
        message = str(exc).replace("is undefined", "未定义")
        raise TemplateFault(kind, version, message) from exc
    except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        # A filter given the wrong kind of value (a text where a date belongs, say).
        raise TemplateFault(kind, version, f"{type(exc).__name__}: {exc}") from exc
    if len(out) > MAX_OUTPUT:
        raise TemplateFault(kind, version, f"生成的文字过长（{len(out)} 字）")
    return out.split("\n")


def blocks(lines: list[str], authority: str, date_text: str) -> list[Block]:
    out: list[Block] = []
    table: list[tuple[str, str]] = []
    hand: set[int] = set()
    dated: set[int] = set()

    def flush() -> None:
        if table:
            out.append(Table(tuple(table), tall=frozenset(hand), dated=frozenset(dated)))
            table.clear()
            hand.clear()
            dated.clear()

    gap = False  # an empty line since the last table row: what follows is not its value
    for raw in lines:
        line = raw.strip()
        if line.startswith(DATA_LINE):
            text = line.replace(DATA_LINE, "").strip()
            if table and gap:  # a value of its own after the table (an edited template's)
                flush()
            if table and not text:
                continue
            if table:  # a value's own line break inside a table cell
                label, value = table[-1]
                if line.endswith(DATE):
                    text = text.removesuffix(DATE).rstrip()
                    dated.add(len(table) - 1)
                table[-1] = (label, value + "\n" + text)
                hand.discard(len(table) - 1)
                continue
            if text:
                out.append(Para((Span(text),)))
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|", 1)]
            label, value = cells[0], (cells[1] if len(cells) > 1 else "")
            one_line = value == "@line"  # the template's own word (data's starts with a mark)
            if value.endswith(DATE):  # the template's own word (data's is broken by a mark)
                value = value.removesuffix(DATE)
                dated.add(len(table))
            label, value = label.replace(DATA_LINE, ""), value.replace(DATA_LINE, "").strip()
            if one_line:
                value = ""
            elif not value:
                hand.add(len(table))
            table.append((label.replace("\\n", "\n"), value.replace("\\n", "\n")))
            gap = False
            continue
        line = line.replace(DATA_LINE, "")
        if not line:  # the line a template's {% if %} leaves: it does not end a table
            gap = True
            continue
        flush()
        if line == "@blank":
            out.append(Blank())
        elif line == "@sign":
            out.append(Signature(authority, date_text))
        elif line.startswith("@to"):
            out.append(Para((Span(line[3:].strip()),), indent=0))
        else:
            out.append(body_para(line))
    flush()
    return out
