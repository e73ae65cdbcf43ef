"""统一社会信用代码 (GB 32100-2015): format rules and the check character, with Chinese messages.

The format rules are checked here because python-stdnum expects eight digits in front, which refuses real codes
whose registration authority is a letter (Y: 其他); the check character is computed here too (§5: weights
3^i mod 31), since a bulk import checks a hundred thousand codes. stdnum still cleans what people paste.
Each rule has its own message, so a person who typed the code wrong learns which part to look at.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum.cn import uscc

# GB 32100-2015 §4: the 31 characters a code may use (no I, O, Z, S, V).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 登记管理部门代码 (first character): the authorities the standard and its amendments assign.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
LENGTH = 18
CHARACTER_VALUES = {character: value for value, character in enumerate(ALPHABET)}
WEIGHTS = tuple(3 ** position % 31 for position in range(LENGTH - 1))


def normalise(value: str) -> str:
    """Upper case, with spaces and hyphens dropped, as people paste codes from licences and letters."""
    value = value or ""
    if value.isascii() and value.isalnum():  # nothing to drop: the common case, without the library's cleaning
        return value.upper()
    return uscc.compact(value)


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character (weights 3^i mod 31) for the first 17 characters, all from ALPHABET."""
    total = sum(CHARACTER_VALUES[character] * weight for character, weight in zip(first17, WEIGHTS))
    return ALPHABET[-total % 31]


def credit_code_problem(value: str) -> str | None:
    """What is wrong with a code, in Chinese, or None if it is a valid code."""
    code = normalise(value)
    if len(code) != LENGTH:
        return f"统一社会信用代码应为18位，现为{len(code)}位。"
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        return f"统一社会信用代码只能由数字和除I、O、Z、S、V以外的大写字母组成，“{bad[0]}”不允许出现。"
    if code[0] not in REGISTRATION_AUTHORITIES:
        return f"第1位是登记管理部门代码，“{code[0]}”不是有效代码（应为1–9、A、N或Y）。"
    if not code[2:8].isdigit():
        return "第3至8位是登记管理机关的行政区划代码，应为6位数字。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "第18位校验码不正确（按GB 32100-2015计算），请逐位核对。"
    return None


def validate_credit_code(value: str) -> None:
    if not value:
        return
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="credit_code_invalid")
