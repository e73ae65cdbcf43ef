"""The wording of a document's paragraphs, kept apart from its facts.

Each paragraph has a key and a default text in which every fact is a named placeholder: “本机关于{立案日期}立案”.
An officer may rewrite the words around the placeholders but not the facts themselves: an edited text must keep
every placeholder of the default, may use only known ones, and may contain no digits (amounts, dates and numbers
always come from the records). A stored edit that no longer fits (a paragraph changed in a later release) falls
back to the default rather than print a wrong document.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MAX_WORDING_LENGTH = 2000
_DIGIT_RE = re.compile(r"[0-9０-９]")
_FORMATTER = string.Formatter()

UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_LARGE_UNITS = ("", "万", "亿", "万亿")


def placeholders(text: str) -> list[str]:
    """The named placeholders of `text`, in order; ValueError (in Chinese) for anything but plain {名称}."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise ValueError("花括号只能成对用于引用事实，如“{当事人}”；单独的花括号请删除。") from exc
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion or not name.isidentifier():
            raise ValueError(f"“{{{name}}}”不是可用的事实占位符，占位符只能写成“{{名称}}”。")
        names.append(name)
    return names


@dataclass(frozen=True)
class Wording:
    """One editable paragraph: its key, what the form calls it, and its default text."""

    key: str
    label: str
    default: str
    fields: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        names = placeholders(self.default)
        if _DIGIT_RE.search(_FORMATTER.vformat(self.default, (), _Blank())):
            raise ValueError(f"paragraph {self.key!r}: a default wording must take its figures from placeholders")
        object.__setattr__(self, "fields", tuple(dict.fromkeys(names)))

    def problem(self, text: str, known: frozenset[str]) -> str | None:
        """Why `text` cannot replace the default (in Chinese), or None."""
        if len(text) > MAX_WORDING_LENGTH:
            return f"“{self.label}”不能超过{MAX_WORDING_LENGTH}字。"
        try:
            names = set(placeholders(text))
        except ValueError as exc:
            return f"“{self.label}”：{exc}"
        unknown = sorted(names - known - set(self.fields))
        if unknown:
            return f"“{self.label}”中的{'、'.join('{' + n + '}' for n in unknown)}不是本文书的事实，请删除或改用列出的占位符。"
        missing = [n for n in self.fields if n not in names]
        if missing:
            return (f"“{self.label}”缺少{'、'.join('{' + n + '}' for n in missing)}：事实只能由系统从案件记录中填入，"
                    "措辞可以改，事实不能删。")
        if _DIGIT_RE.search(_FORMATTER.vformat(text, (), _Blank())):
            return (f"“{self.label}”中不能直接写数字：金额、日期、文号和期限由系统从案件记录中填入，"
                    "请使用占位符。")
        return None

    def render(self, override: str | None, facts: dict) -> str:
        """The paragraph's text: the officer's wording when it still fits, else the default, with the facts in."""
        if override:
            try:
                return _FORMATTER.vformat(override, (), facts)
            except (KeyError, IndexError, ValueError):
                pass
        return _FORMATTER.vformat(self.default, (), facts)


class _Blank(dict):
    """Every placeholder as empty text: what is left is the wording alone."""

    def __missing__(self, key):
        return ""


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))


# ---- money in words -----------------------------------------------------------------------------------------

def yuan(amount) -> str:
    """5000 → 5,000.00元"""
    return f"{Decimal(amount):,.2f}元"


def rmb_upper(amount) -> str:
    """5000 → 伍仟元整; 10005.3 → 壹万零伍元叁角整: the amount in capitals, as a decision writes it beside the figure."""
    cents = int(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents < 0:
        raise ValueError("amount must not be negative")
    whole, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if not cents:
        return "零元整"
    out = f"{_integer_upper(whole)}元" if whole else ""
    if jiao:
        out += f"{UPPER_DIGITS[jiao]}角"
    elif fen and whole:
        out += "零"
    return out + (f"{UPPER_DIGITS[fen]}分" if fen else "整")


def _integer_upper(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    # A 零 stands between groups wherever a digit position in between is zero: 壹万零伍, 壹亿贰仟万零叁仟.
    out, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            zero = bool(out)
            continue
        if out and (zero or group < 1000):
            out += "零"
        out += _group_upper(group) + _LARGE_UNITS[index]
        zero = group % 10 == 0
    return out


def _group_upper(group: int) -> str:
    out, zero = "", False
    for value, unit in _SMALL_UNITS:
        digit = group // value % 10
        if not digit:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += UPPER_DIGITS[digit] + unit
    return out
