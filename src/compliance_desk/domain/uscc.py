"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked with python-stdnum."""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from compliance_desk.domain.text import to_halfwidth


def normalise(raw: str) -> str:
    """Full-width, lower-case, spaced or dashed input to the 18-character canonical form."""
    return stdnum_uscc.compact(to_halfwidth(raw)).replace(" ", "")


def problem(raw: str) -> str | None:
    """None when the code is valid, otherwise the reason in Chinese."""
    code = normalise(raw)
    if not code:
        return "统一社会信用代码不能为空"
    try:
        stdnum_uscc.validate(code)
    except stdnum_errors.InvalidLength:
        return f"统一社会信用代码应为18位，现为{len(code)}位"
    except stdnum_errors.InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(code[:17])
        return f"统一社会信用代码校验位错误（最后一位应为 {expected}），请核对是否输错"
    except (stdnum_errors.InvalidFormat, stdnum_errors.InvalidComponent):
        if not code[:8].isdigit():
            return "统一社会信用代码前8位应为数字（登记管理部门、机构类别和行政区划码）"
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"
    return None


def with_check_character(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)
