"""Contact phone numbers as the desk writes them: mobiles, landlines with area code, extensions."""

from __future__ import annotations

import re

from compliance_desk.domain.text import to_halfwidth

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_LOCAL = re.compile(r"^\d{7,8}$")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)


def normalise(raw: str) -> str:
    """'0575 8211 0174' -> '0575-82110174'; '13957667049 ext 8001' -> '13957667049转8001'.

    The extension is kept (written 转, as the desk writes it) so nothing typed is lost, and
    normalising twice gives the same text.
    """
    text = to_halfwidth(raw).strip()
    ext = ""
    match = _EXTENSION.search(text)
    if match:
        ext = match.group(1)
        text = text[: match.start()]
    text = text.replace("+86", "").replace("(", "").replace(")", "")
    digits = re.sub(r"[\s\-]", "", text)
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits[:2] in {"01", "02"} else 4
        digits = digits[:area] + "-" + digits[area:]
    return digits + (f"转{ext}" if ext else "")


def problem(raw: str) -> str | None:
    if not raw.strip():
        return None
    base = normalise(raw).split("转", 1)[0]
    if _MOBILE.match(base) or _LANDLINE.match(base) or _LOCAL.match(base):
        return None
    return (
        "联系电话格式不正确：应为11位手机号或带区号的固定电话（如 0575-82110174），分机可写“转8001”"
    )


def digits_only(raw: str) -> str:
    return re.sub(r"\D", "", to_halfwidth(raw))


_SEPARATORS = re.compile(r"[、，,；;/]")


def normalise_many(raw: str) -> str:
    """Several numbers as the register keeps them: each normalised, joined by 、
    ('0575 8211 0174/13957667049' -> '0575-82110174、13957667049')."""
    parts = [p for p in _SEPARATORS.split(raw) if p.strip()]
    return "、".join(normalise(p) for p in parts)


_SERVICE_NUMBER = re.compile(r"1\d{4}|[48]00-?\d{3}-?\d{4}")  # 12345, 12315; 400-xxx-xxxx


def numbers_problem(text: str, service_lines: bool = True) -> str | None:
    """A telephone a letter or a receipt prints: one number or several (、，; or spaces
    between them), each a phone number as the register takes them, or (``service_lines``)
    a service line (12345, 400-…), which is no enterprise's own number."""

    def fine(number: str) -> bool:
        service = service_lines and bool(_SERVICE_NUMBER.fullmatch(number.strip()))
        return service or problem(number) is None

    for part in _SEPARATORS.split(text):
        if not part.strip():
            return "联系电话中有空的号码"
        if not (fine(part) or all(fine(piece) for piece in part.split())):
            return problem(part) or "联系电话格式不正确"
    return None
