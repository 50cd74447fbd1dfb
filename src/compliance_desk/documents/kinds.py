"""The letters the desk prints: what each needs, and how its data becomes a letter.

Each kind lists its fields (shown as a form in the app, as JSON Schema on the command line),
its extra checks (the rectification deadline at least three months out, a known credit grade),
the series its numbers come from, and its default template (resources/templates).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from compliance_desk.documents import legal_values
from compliance_desk.documents.fields import Field, LetterDataError, json_schema, validate
from compliance_desk.documents.gbt9704 import (
    TITLE,
    Blank,
    Block,
    Letter,
    Para,
    Signature,
    Table,
    para,
)
from compliance_desk.documents.templates import blocks, chinese_date, expand
from compliance_desk.domain import phone, uscc
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.inspections import add_months
from compliance_desk.domain.letters import parse_number

PARTY = Field(
    "party",
    "当事人",
    "object",
    fields=(
        Field("name", "名称", max_length=200),
        Field("uscc", "统一社会信用代码", max_length=18),
        Field("address", "住所（经营场所）"),
        Field("legal_representative", "法定代表人（负责人）", required=False),
    ),
)
# A receipt names the enterprise; its address is not needed (the register may lack it).
PARTY_BRIEF = Field(
    "party",
    "企业",
    "object",
    fields=(
        Field("name", "名称", max_length=200),
        Field("uscc", "统一社会信用代码", max_length=18),
        Field("address", "住所（经营场所）", required=False),
        Field("legal_representative", "法定代表人（负责人）", required=False),
    ),
)
COMMON = (
    Field("authority", "发文机关", description="如：绍兴市上虞区市场监督管理局"),
    Field("date", "成文日期", "date", description="决定或签发的日期"),
    Field("number", "文号", required=False, description="批准时由系统编号；命令行非草稿必填"),
    Field("corrects", "更正的原文书文号", required=False),
    PARTY,
)
REMEDY = (
    Field("review_authority", "行政复议机关", description="如：绍兴市上虞区人民政府"),
    Field("court", "管辖人民法院", description="如：绍兴市上虞区人民法院"),
)
CASE = (
    Field("facts", "违法事实", "text"),
    Field("evidence", "证据", "list"),
    Field("violated", "违反的法律规定", "text"),
)
GRADES = ("minor", "general", "serious")


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    fields: tuple[Field, ...]
    series: str | None  # the number series (虞市监 + series), None: not numbered
    checks: Callable[[dict[str, Any], legal_values.LegalValues], list[str]] = field(
        default=lambda data, legal: []
    )
    extra: Callable[[dict[str, Any], legal_values.LegalValues], dict[str, Any]] = field(
        default=lambda data, legal: {}
    )
    party_required: bool = True

    def schema(self) -> dict[str, Any]:
        return json_schema(self.fields, f"{self.title}（{self.code}）")

    def default_template(self) -> str:
        path = template_path(self.code)
        return _read_template(str(path), path.stat().st_mtime)

    def sample(self) -> dict[str, Any]:
        """Example data (resources/templates/samples): the template preview and the docs use it."""
        path = template_path(self.code).parent / "samples" / f"{self.code}.json"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def sample_on(self, day: date) -> dict[str, Any]:
        """The example written on ``day``: every date moved by the same days, so the
        inspection still comes before the letter and the deadline as long after it."""
        data = self.sample()
        shift = day - date.fromisoformat(data["date"])
        for key, value in list(data.items()):
            if isinstance(value, str) and _ISO_DATE.fullmatch(value):
                data[key] = (date.fromisoformat(value) + shift).isoformat()
        return data


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _advice_checks(data: dict[str, Any], legal: legal_values.LegalValues) -> list[str]:
    problems = []
    inspected = data.get("inspection_date")
    if inspected and inspected > data["date"]:
        problems.append(
            f"检查日期（{chinese_date(inspected)}）不能晚于成文日期（{chinese_date(data['date'])}）"
        )
    months = legal.context(data["date"])["rectification_min_months"]
    earliest = add_months(data["date"], months)
    if data["rectification_deadline"] < earliest:
        problems.append(
            f"整改期限应不早于{chinese_date(earliest)}（成文日期起至少{months}个月），"
            f"现为{chinese_date(data['rectification_deadline'])}"
        )
    return problems


def _credit_checks(data: dict[str, Any], legal: legal_values.LegalValues) -> list[str]:
    problems = []
    if data["penalty_date"] > data["date"]:
        problems.append("处罚决定日期不能晚于告知书日期")
    try:
        legal.credit_grade(data["grade"], data["penalty_date"], data["authority"])
    except DomainError as exc:
        problems.append(exc.message_zh)
    return problems


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "penalty_decision",
            "行政处罚决定书",
            COMMON
            + CASE
            + (
                Field("penalty", "处罚种类和内容", "text", description="如：罚款人民币伍仟元整"),
                Field("penalty_basis", "处罚依据", "text"),
                Field("performance", "履行方式和期限", "text"),
            )
            + REMEDY,
            "处罚",
        ),
        Kind(
            "advice_letter",
            "行政合规建议书",
            COMMON
            + (
                Field("inspection_date", "检查日期", "date", required=False),
                Field(
                    "findings",
                    "检查发现的问题",
                    "list",
                    fields=(
                        Field("issue", "问题", "text"),
                        Field("risk_level", "风险等级", choices=("高", "中", "低")),
                        Field("legal_basis", "法律依据", "text"),
                        Field("advice", "整改建议", "text"),
                    ),
                ),
                Field("rectification_deadline", "整改期限", "date"),
                Field(
                    "acceptance",
                    "整改验收申请方式",
                    "text",
                    description="如：请携带整改报告及证明材料到合规服务中心窗口申请整改验收。",
                ),
                Field("contact_phone", "联系电话", max_length=60),
            ),
            "合建",
            checks=_advice_checks,
        ),
        Kind(
            "credit_repair_notice",
            "信用修复告知书",
            COMMON
            + (
                Field("penalty_number", "行政处罚决定书文号"),
                Field("penalty_date", "处罚决定日期", "date"),
                Field("grade", "失信等级", choices=GRADES, description="minor/general/serious"),
                Field("apply_place", "线下申请地点", description="如：本局政务服务窗口"),
                Field("contact_phone", "联系电话", max_length=60),
            ),
            "信修",
            checks=_credit_checks,
            extra=lambda data, legal: {
                "credit": legal.credit_grade(data["grade"], data["penalty_date"], data["authority"])
            },
        ),
        Kind(
            "no_penalty_decision",
            "不予行政处罚决定书",
            COMMON
            + CASE
            + (
                Field("ground", "不予处罚的理由", "text"),
                Field(
                    "ground_basis",
                    "不予处罚的法律依据",
                    description="如：《中华人民共和国行政处罚法》第三十三条第一款",
                ),
                Field("education", "对当事人进行的教育", "text"),
            )
            + REMEDY,
            "不罚",
        ),
        Kind(
            "service_receipt",
            "送达回证",
            COMMON
            + (
                Field(
                    "documents",
                    "送达文书",
                    "list",
                    fields=(Field("title", "文书名称"), Field("number", "文号")),
                ),
                Field("place", "送达地点"),
                # Not chosen: the form offers every way, ticked by hand when served (a refusal
                # turns 直接送达 into 留置送达 at the door).
                Field(
                    "method",
                    "送达方式",
                    choices=("直接送达", "留置送达", "邮寄送达", "电子送达", "委托送达"),
                    required=False,
                ),
                Field("served_on", "送达日期", "date", required=False),
                Field("servers", "送达人", required=False),  # not given: signed by hand
                Field("remarks", "备注", required=False),
            ),
            None,
        ),
        Kind(
            "appeal_receipt",
            "诉求受理回执",
            COMMON[:-1]
            + (
                PARTY_BRIEF,
                Field("appeal_number", "受理编号"),
                Field("title", "诉求事项", "text"),
                Field("tier", "诉求等级"),
                Field("received", "受理时间"),
                Field("deadline", "办理期限"),
                Field("explanation", "期限计算说明", "text", required=False),
                Field("contact_phone", "咨询电话", max_length=60, required=False),
                Field("contact_address", "中心地址", max_length=500, required=False),
            ),
            None,
        ),
    )
}


def kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        known = "、".join(KINDS)
        raise DomainError(
            f"没有这种文书：{code}（可选：{known}）", f"unknown kind {code}"
        ) from None


def check_data(
    k: Kind,
    data: Mapping[str, Any],
    legal: legal_values.LegalValues | None = None,
    *,
    rules: bool = True,
) -> dict[str, Any]:
    """The cleaned data, or LetterDataError listing every problem.  ``rules=False`` checks the
    shape only: an issued letter is reprinted as issued even if a legal value changed since."""
    cleaned = validate(k.fields, data)
    party = cleaned["party"]
    party["uscc"] = uscc.normalise(party["uscc"])
    wrong = uscc.problem(party["uscc"])
    problems = [f"当事人统一社会信用代码有误：{wrong}"] if wrong else []
    for key in ("number", "corrects", "penalty_number"):
        if cleaned.get(key):
            try:
                parse_number(cleaned[key])
            except DomainError as exc:
                problems.append(exc.message_zh)
    if rules:  # (an issued letter is reprinted and verified as issued)
        problems += k.checks(cleaned, legal or legal_values.load())
        if cleaned.get("contact_phone") and (
            wrong := phone.numbers_problem(cleaned["contact_phone"])
        ):
            problems.append(f"{wrong}（现为“{cleaned['contact_phone']}”）")
    if problems:
        raise LetterDataError(problems)
    return cleaned


def issue_checks(
    data: Mapping[str, Any], today: date, legal: legal_values.LegalValues | None = None
) -> list[str]:
    """What a letter's dates must be on the day it is issued (approved): not written in the
    future, and a rectification deadline at least the legal minimum after issue (a draft
    dated in March and approved in November gave the enterprise a deadline already past)."""
    problems = []
    written = date.fromisoformat(str(data["date"]))
    if written > today:
        problems.append(
            f"成文日期（{chinese_date(written)}）晚于今天，不能签发：请改为签发当日或之前的日期"
        )
    deadline = data.get("rectification_deadline")
    if deadline:
        issued = max(written, today)
        months = (legal or legal_values.load()).context(issued)["rectification_min_months"]
        earliest = add_months(issued, months)
        if date.fromisoformat(str(deadline)) < earliest:
            problems.append(
                f"整改期限应不早于{chinese_date(earliest)}（签发之日起至少{months}个月），"
                f"现为{chinese_date(date.fromisoformat(str(deadline)))}：请修改整改期限后再签发"
            )
    return problems


def legal_context_for(
    k: Kind, data: Mapping[str, Any], legal: legal_values.LegalValues | None = None
) -> dict[str, Any]:
    """The legal values the letter prints (time limits, credit periods), as in force on its
    date.  Frozen with the letter at issue: a reprint says what the original said."""
    legal = legal or legal_values.load()
    return {"legal": legal.context(data["date"])} | k.extra(dict(data), legal)


def header(k: Kind, authority: str, number: str | None) -> list[Block]:
    head: list[Block] = [
        para(authority, "title", size=TITLE, align="center", indent=0),
        para(k.title, "title", size=TITLE, align="center", indent=0),
        Blank(),
    ]
    if k.series is not None or number:
        head.append(para(number or "", align="right", indent=0, right_indent=1))
        head.append(Blank())
    return head


def build_letter(
    k: Kind,
    data: Mapping[str, Any],
    template: str,
    *,
    template_version: int = 0,
    draft: bool = False,
    qr: str | None = None,
    verify_code: str = "",
    legal_context: Mapping[str, Any] | None = None,
) -> Letter:
    """One letter, laid out but not yet drawn.  ``data`` must have passed ``check_data``;
    ``legal_context`` is what ``legal_context`` gave when the letter was first set."""
    number = None if draft else data.get("number")
    if k.series is not None and not draft and not number:
        raise LetterDataError(["正式文书需要文号（草稿可以没有文号）"])
    frozen = legal_context if legal_context is not None else legal_context_for(k, data)
    context = dict(data) | dict(frozen) | {"number": number, "title_of_kind": k.title}
    lines = expand(template, context, k.code, template_version)
    body = blocks(lines, data["authority"], chinese_date(data["date"]))
    return Letter(
        fixed_text=fixed_wording(template, frozen, data["authority"], k.title),
        pdf_title=f"{k.title} {number or '草稿'}",
        blocks=tuple(header(k, data["authority"], number) + body),
        draft=draft,
        qr=qr,
        verify_code=verify_code,
    )


@lru_cache(maxsize=32)
def _read_template(path: str, mtime: float) -> str:
    return Path(path).read_text(encoding="utf-8")


_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def fixed_wording(template: str, legal: Mapping[str, Any], authority: str, title: str) -> str:
    """The text a letter shares with every letter of its kind, template version, legal
    values and authority: the template without its code, the legal values' wording."""

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, Mapping):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list | tuple):
            return [s for v in value for s in strings(v)]
        return []

    return "".join([authority, title, _TEMPLATE_CODE.sub("", template), *strings(legal)])


def template_path(code: str) -> Path:
    from compliance_desk.paths import resources_dir

    return resources_dir() / "templates" / f"{code}.txt"


def kinds_in_bundle() -> Sequence[str]:
    """三书同达: the order the bundle prints in; the service receipt follows them."""
    return ("penalty_decision", "advice_letter", "credit_repair_notice")


def missing_content(k: Kind, data: Mapping[str, Any], letter: Letter) -> list[str]:
    """What a letter set in some wording leaves out: each required value of ``data`` (the
    kind's sample, cleaned) not printed, and for a numbered letter the signature with its
    date (the desk compares an edited wording with the shipped one, which prints what the
    law asks of the letter).  An edited template that dropped the party or the remedies (or was empty)
    produced letters that were numbered and signed with nothing in them."""
    printed = "".join(_block_text(b) for b in letter.blocks)
    printed = "".join(printed.split())
    missing: list[str] = []

    def present(value: str) -> bool:
        wanted = "".join(value.split())
        return not wanted or wanted[:12] in printed

    def walk(fields: tuple[Field, ...], values: Mapping[str, Any], path: str) -> None:
        for f in fields:
            if not f.required or f.choices or f.name in ("authority", "number", "corrects"):
                continue
            value = values.get(f.name)
            label = f"{path}{f.label}"
            if f.type == "object" and isinstance(value, Mapping):
                walk(f.fields, value, label + "·")
            elif f.type == "list" and isinstance(value, list) and value:
                first = value[0]
                if f.fields and isinstance(first, Mapping):
                    walk(f.fields, first, label + "·")
                elif isinstance(first, str) and not present(first):
                    missing.append(label)
            elif f.type == "date" and isinstance(value, date):
                if chinese_date(value) not in printed:
                    missing.append(label)
            elif f.type in ("string", "text") and isinstance(value, str) and not present(value):
                missing.append(label)

    walk(k.fields, data, "")
    if k.series is not None and not any(isinstance(b, Signature) for b in letter.blocks):
        missing.append("发文机关署名和成文日期（@sign）")
    return missing


def _block_text(block: Any) -> str:
    if isinstance(block, Para):
        return "".join(span.text for span in block.spans)
    if isinstance(block, Table):
        return "".join(label + value for label, value in block.rows)
    if isinstance(block, Signature):
        return block.authority + block.date_text
    return ""
