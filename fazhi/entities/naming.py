"""Pinyin initials stored beside each name, so officers can type `kpsrmyy` for 开平市人民医院."""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Names start with places (开平市长沙街道…). Read as one phrase, 市长 would swallow the 长 of 长沙 and give
# `kpszs…`; cutting after each administrative suffix lets every place name be read as the word it is.
PLACE_BOUNDARY = re.compile(r"(?<=[省市区县镇乡村])|(?<=街道)")


def name_initials(name: str) -> str:
    """Lower-case initials of the Chinese characters; Latin letters and digits kept, everything else dropped."""
    return "".join(_segment_initials(segment) for segment in PLACE_BOUNDARY.split(name or ""))[:200]


@lru_cache(maxsize=50_000)
def _segment_initials(segment: str) -> str:
    # Names repeat their places and trades (开平市, 长沙街道, 诊所): an import of 100k rows reads each once.
    parts = lazy_pinyin(segment, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())
