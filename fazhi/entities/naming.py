"""Pinyin initials stored beside each name, so officers can type `kpsrmyy` for 开平市人民医院."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def name_initials(name: str) -> str:
    """Lower-case initials of the Chinese characters; Latin letters and digits kept, everything else dropped."""
    parts = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())[:200]
