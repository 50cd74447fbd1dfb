"""How the desk reads the columns and cells of the spreadsheets it is handed.

Column names differ from office to office (单位名称 / 企业名称, 信用代码 / 统一社会信用代码);
dates arrive as 2022/07/18, 2023年9月, 2021.3.5 or an Excel serial number.  These rules turn
them into the register's fields; reading the files themselves is services/ledger_files.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from compliance_desk.domain.enterprise import SIZE_BY_LABEL, EnterpriseSize
from compliance_desk.domain.text import to_halfwidth

# The export's headers come first in each list: an exported file re-imports as it is.
COLUMN_SYNONYMS: dict[str, list[str]] = {
    "name": [
        "企业名称",
        "单位名称",
        "公司名称",
        "名称",
        "企业（单位）名称",
        "市场主体名称",
        "企业全称",
        "单位全称",
        "公司全称",
    ],  # fmt: skip
    "uscc": ["统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "uscc", "纳税人识别号"],
    "industry": ["所属产业", "产业", "行业"],
    "centre": ["合规中心", "所属合规中心"],
    "chamber": ["所属商会", "商会", "行业协会", "所属协会"],
    "address": ["企业地址", "地址", "住所", "注册地址", "经营地址"],
    "legal_representative": ["法定代表人", "法人", "法人代表", "负责人"],
    "contact_person": ["联系人"],
    "contact_phone": ["联系电话", "电话", "手机", "手机号", "联系方式", "联系手机"],
    "size": ["企业规模", "规模"],
    "settled_on": ["入驻时间", "入驻日期", "落户时间"],
    "on_compliant_list": ["列入合规企业名单", "合规企业名单"],
    "is_model": ["合规示范企业", "示范企业"],
    "notes": ["备注", "说明"],
}
IGNORED_COLUMNS = {"序号", "编号", "no", "no."}
EXPORT_HEADERS = {field: names[0] for field, names in COLUMN_SYNONYMS.items()}
REQUIRED = ("name", "uscc")

_HEADER_LOOKUP = {
    re.sub(r"\s", "", name).lower(): field
    for field, names in COLUMN_SYNONYMS.items()
    for name in names
}


_REMARK = re.compile(r"[(（][^()（）]*[)）]")  # 企业名称（全称）, 联系电话(手机)


def field_for_header(header: str) -> str | None:
    """The field a column's header names: a synonym, or one with a remark in brackets."""
    key = re.sub(r"\s", "", to_halfwidth(header)).lower()
    return _HEADER_LOOKUP.get(key) or _HEADER_LOOKUP.get(_REMARK.sub("", key))


_TOTAL = re.compile(r"(合计|总计|小计)([:：].*|\d.*)?")  # 合计, 合计：7家, 总计 39


def is_total_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c.strip()), "")
    return _TOTAL.fullmatch(first.strip().replace(" ", "")) is not None


_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object) -> date:
    """A date as the ledgers write it; ValueError with a Chinese reason otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_halfwidth(str(value)).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 20000 <= serial <= 80000:
            return _EXCEL_EPOCH + timedelta(days=serial)
    match = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)", text
    )
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            return date(year, month, day)
        except ValueError:
            pass
    if re.fullmatch(r"\d{8}", text):
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise ValueError(f"无法识别的日期“{text}”（可写作 2024-03-05、2024/3/5、2024年3月）")


def parse_size(text: str) -> EnterpriseSize:
    key = text.strip().removesuffix("企业")
    if key in SIZE_BY_LABEL:
        return SIZE_BY_LABEL[key]
    try:
        return EnterpriseSize(key)
    except ValueError:
        raise ValueError(f"无法识别的企业规模“{text}”（应为 微型/小型/中型/大型/规上）") from None


def parse_flag(text: str) -> bool:
    key = text.strip().lower()
    if key in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if key in {"否", "n", "no", "false", "0", ""}:
        return False
    raise ValueError(f"应填“是”或“否”，实为“{text}”")
