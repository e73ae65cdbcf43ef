"""Pinyin initials stored beside each name, so officers can type `kpsrmyy` for 开平市人民医院."""
from __future__ import annotations

import re
from collections import defaultdict
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT
from pypinyin.style import convert as convert_style

# Names start with places (开平市长沙街道…). Read as one phrase, 市长 would swallow the 长 of 长沙 and give
# `kpszs…`; cutting after each administrative suffix lets every place name be read as the word it is.
PLACE_BOUNDARY = re.compile(r"(?<=[省市区县镇乡村])|(?<=街道)")


def name_initials(name: str) -> str:
    """Lower-case initials of the Chinese characters; Latin letters and digits kept, everything else dropped."""
    name = name or ""
    # pypinyin reads a character the same way wherever it stands, unless it falls inside a word of its phrase
    # dictionary that reads it otherwise (长 alone is zhǎng, in 长沙 cháng). Most names hold no such word: they
    # are read character by character from a table, an order of magnitude faster than segmenting them.
    if not _holds_a_misread_phrase(name):
        return name.translate(_LONE_INITIALS)[:200]
    return "".join(_segment_initials(segment) for segment in PLACE_BOUNDARY.split(name))[:200]


@lru_cache(maxsize=50_000)
def _segment_initials(segment: str) -> str:
    # Names repeat their places and trades (开平市, 长沙街道, 诊所): an import of 100k rows reads each once.
    return _pypinyin_initials(segment)


def _pypinyin_initials(text: str) -> str:
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(_kept(part) for part in parts)


def _kept(part: str) -> str:
    return "".join(ch for ch in part.lower() if ch.isascii() and ch.isalnum())


class _LoneInitials(dict):
    """Code point → the initials pypinyin gives that character on its own, asked of pypinyin at first sight."""

    def __missing__(self, code_point: int) -> str:
        initials = self[code_point] = _pypinyin_initials(chr(code_point))
        return initials


_LONE_INITIALS = _LoneInitials()  # a str.translate table


def _holds_a_misread_phrase(text: str) -> bool:
    by_character = _misread_phrases()
    return any(phrase in text for char in text if char in by_character for phrase in by_character[char])


@cache
def _misread_phrases() -> dict[str, frozenset[str]]:
    """The phrases whose initials are not those of their characters read alone, under the characters read otherwise.

    pypinyin cuts a text into words of its phrase dictionary and single characters (what it cannot read goes to
    `errors` one character at a time), and a word is read the same wherever it stands: a text holding none of
    these phrases reads the same character by character.
    """
    found = defaultdict(set)
    for phrase, readings in PHRASES_DICT.items():
        alone = [_LONE_INITIALS[ord(char)] for char in phrase]
        # pypinyin takes the first reading of each character of a phrase.
        in_phrase = [_reading_initials(choices[0]) for choices in readings]
        if len(alone) != len(in_phrase):  # not a phrase pypinyin could line up with its characters: watch them all
            misread = set(phrase)
        else:
            misread = {char for char, lone, read in zip(phrase, alone, in_phrase) if lone != read}
        for char in misread:
            found[char].add(phrase)
    return {char: frozenset(phrases) for char, phrases in found.items()}


@cache
def _reading_initials(reading: str) -> str:
    return _kept(convert_style(reading, Style.FIRST_LETTER, strict=True))
