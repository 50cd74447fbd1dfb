"""The data a letter needs: fields with Chinese labels, checked all at once, and as JSON Schema.

A letter is never printed with something missing: ``validate`` returns the cleaned data (dates
parsed, text stripped) or raises LetterDataError listing every problem in Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from compliance_desk.domain.errors import DomainError

MAX_TEXT = 20_000  # a long finding is fine; a pasted book is not


class LetterDataError(DomainError):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(
            "文书数据不完整或有误，未生成文书：\n" + "\n".join(f"· {p}" for p in problems),
            f"letter data rejected: {len(problems)} problem(s)",
        )
        self.problems = list(problems)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "string"  # string | text | date | integer | list | object
    required: bool = True
    fields: tuple[Field, ...] = ()  # of an object, or of each item of a list
    choices: tuple[str, ...] = ()
    max_length: int = 500
    description: str = ""


def _bad_character(text: str, multiline: bool) -> str:
    """Why ``text`` cannot be printed as typed, or ""."""
    for char in text:
        if char == "\n":
            if not multiline:
                return "不能换行（请写在一行内）"
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf") and char not in "\u200d":
            return f"含有不可见的控制字符（U+{ord(char):04X}），请删除后重新输入"
        if category == "Co":
            return (f"含有私用区字符（U+{ord(char):04X}，多为生僻字的非标准编码），"
                    "请改用标准汉字")  # fmt: skip
        if category in ("Cs", "Cn"):
            return f"含有无效字符（U+{ord(char):04X}）"
    return ""


def _clean(field: Field, value: Any, path: str, problems: list[str]) -> Any:
    label = path or field.label
    if value is None or value == "" or value == []:
        if field.required:
            problems.append(f"缺少“{label}”")
        return {"list": [], "string": "", "text": ""}.get(field.type)
    if field.type in ("string", "text"):
        if not isinstance(value, str | int | float):
            problems.append(f"“{label}”应为文字")
            return None
        text = str(value).replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        text = text.replace("\t", " ").strip()
        bad = _bad_character(text, multiline=field.type == "text")
        if bad:
            problems.append(f"“{label}”{bad}")
        limit = MAX_TEXT if field.type == "text" else field.max_length
        if len(text) > limit:
            problems.append(f"“{label}”过长（{len(text)} 字，最多 {limit} 字）")
        if field.choices and text not in field.choices:
            problems.append(f"“{label}”只能是：{'、'.join(field.choices)}")
        if not text and field.required:
            problems.append(f"缺少“{label}”")
        return text
    if field.type == "date":
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            problems.append(f"“{label}”不是有效日期（应为 2026-03-09 格式）：{value}")
            return None
    if field.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int | str):
            problems.append(f"“{label}”应为整数")
            return None
        try:
            return int(value)
        except ValueError:
            problems.append(f"“{label}”应为整数：{value}")
            return None
    if field.type == "object":
        if not isinstance(value, Mapping):
            problems.append(f"“{label}”格式不对")
            return None
        return _clean_all(field.fields, value, problems, label)
    if field.type == "list":
        if not isinstance(value, list):
            problems.append(f"“{label}”应为列表")
            return []
        items = []
        for i, item in enumerate(value, start=1):
            where = f"{label}第{i}项"
            if field.fields:
                if not isinstance(item, Mapping):
                    problems.append(f"“{where}”格式不对")
                    continue
                items.append(_clean_all(field.fields, item, problems, where))
            else:
                items.append(_clean(Field(field.name, where, "text"), item, where, problems))
        return items
    raise ValueError(f"unknown field type {field.type}")


def _clean_all(
    fields: Sequence[Field], data: Mapping[str, Any], problems: list[str], prefix: str = ""
) -> dict[str, Any]:
    known = {f.name for f in fields}
    for extra in sorted(set(data) - known):
        problems.append(f"未知字段“{prefix + '.' if prefix else ''}{extra}”（请核对字段名）")
    out: dict[str, Any] = {}
    for f in fields:
        path = f"{prefix}·{f.label}" if prefix else f.label
        out[f.name] = _clean(f, data.get(f.name), path, problems)
    return out


def validate(fields: Sequence[Field], data: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise LetterDataError(["文书数据应为 JSON 对象"])
    cleaned = _clean_all(fields, data, problems)
    if problems:
        raise LetterDataError(problems)
    return cleaned


def _schema(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"title": field.label}
    if field.description:
        out["description"] = field.description
    if field.type in ("string", "text"):
        out["type"] = "string"
        out["maxLength"] = MAX_TEXT if field.type == "text" else field.max_length
        if field.choices:
            out["enum"] = list(field.choices)
        if field.required:
            out["minLength"] = 1
    elif field.type == "date":
        out.update(type="string", format="date")
    elif field.type == "integer":
        out["type"] = "integer"
    elif field.type == "object":
        out.update(json_schema(field.fields))
    elif field.type == "list":
        out["type"] = "array"
        out["items"] = json_schema(field.fields) if field.fields else {"type": "string"}
        if field.required:
            out["minItems"] = 1
    return out


def json_schema(fields: Sequence[Field], title: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }
    if title:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title} | (
            schema
        )
    return schema
