"""Pinyin initials: the table reading gives, for every text, exactly what pypinyin gives segment by segment.

The reference below is the plain reading, every segment through pypinyin. Beside random names, every
character pypinyin knows and every phrase of its dictionary is checked, alone and among neighbours, since a
phrase is where a character's reading can change.
"""
import csv
import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from fazhi.core.regions import SHIPPED_REGIONS
from fazhi.entities import synthetic
from fazhi.entities.naming import PLACE_BOUNDARY, _misread_phrases, name_initials


def reference_initials(name: str) -> str:
    def segment_initials(segment: str) -> str:
        parts = lazy_pinyin(segment, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
        return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())

    return "".join(segment_initials(segment) for segment in PLACE_BOUNDARY.split(name or ""))[:200]


def differences(texts) -> list[tuple[str, str, str]]:
    return [(text, name_initials(text), expected) for text in texts
            if name_initials(text) != (expected := reference_initials(text))]


KNOWN_CHARACTERS = sorted(chr(code_point) for code_point in PINYIN_DICT)
PHRASES = sorted(PHRASES_DICT)
MISREAD_PHRASES = sorted(set().union(*_misread_phrases().values()))

POLYPHONIC = "长行重乐会藏朝调都还和曾单解参差省市区的地得着了大厦一不传弹率给折恶降贾"
SUFFIXES = "省市区县镇乡村街道"
NAME_CHARACTERS = (synthetic.PLACE_FIRST + synthetic.PLACE_SECOND + synthetic.BRAND_FIRST + synthetic.BRAND_SECOND
                   + synthetic.SURNAMES + "开平环翠人民医院诊所卫生室中心有限公司理发店酒楼")
LATIN = "abcxyzABCXYZ0123456789"
FULL_WIDTH = "ＡＢＣｘｙｚ０１２３４５６７８９"
PUNCTUATION = "（）()·-—，。、 &/#\t\n"
# 〇 and the CJK extensions pypinyin may or may not know; the private-use block it reads as CJK; letters whose
# lower case grows (İ) or turns ASCII (the Kelvin sign); pinyin's own non-ASCII letters; a lone surrogate.
ODD = "〇㐀㐁䶵𠀀𠀁𪚲𫝀𬺰\U00031350\U0002ebe0\ue815\ue864\uf900\ufa18İKßêńḿǹü\ud800"
ALPHABET = POLYPHONIC + SUFFIXES + NAME_CHARACTERS + LATIN + FULL_WIDTH + PUNCTUATION + ODD

pieces = st.one_of(
    st.text(st.sampled_from(ALPHABET), min_size=1, max_size=4),
    st.sampled_from(MISREAD_PHRASES),
    # A misread phrase cut short: its characters, without the phrase (长 without the 沙 of 长沙).
    st.sampled_from(MISREAD_PHRASES).map(lambda phrase: phrase[:-1]),
    st.sampled_from(MISREAD_PHRASES).map(lambda phrase: phrase[1:]),
    st.sampled_from(PHRASES),
    st.sampled_from(["开平市", "长沙街道", "环翠区", "市长", "银行", "乐园", "会所", "大厦", "KTV", "（长沙店）"]),
    st.characters(),
)
names = st.lists(pieces, max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(names)
def test_random_names_read_as_pypinyin_reads_them(name):
    assert name_initials(name) == reference_initials(name)


def test_every_known_character_reads_the_same_alone():
    assert differences(KNOWN_CHARACTERS) == []


def test_every_known_character_reads_the_same_between_neighbours_that_make_phrases():
    before, after = {}, {}
    for phrase in PHRASES:
        for left, right in zip(phrase, phrase[1:]):
            before.setdefault(right, left)
            after.setdefault(left, right)
    assert differences(before.get(c, "长") + c + after.get(c, "行") for c in KNOWN_CHARACTERS) == []
    assert differences("市" + c + "长沙" for c in KNOWN_CHARACTERS) == []


def test_every_phrase_reads_the_same_alone_and_beside_the_next():
    assert differences(PHRASES) == []
    assert differences(a + b for a, b in zip(PHRASES, PHRASES[1:])) == []
    assert differences("开平市" + phrase + "街道" for phrase in MISREAD_PHRASES) == []


def test_every_other_character_reads_the_same_alone():
    """All of the Basic Multilingual Plane (surrogates too), and every 61st code point beyond it."""
    others = [chr(c) for c in [*range(0x10000), *range(0x10000, 0x110000, 61)] if c not in PINYIN_DICT]
    assert differences(others) == []
    assert differences(f"a{c}长沙" for c in others[::7]) == []


def test_a_synthetic_county_reads_the_same():
    with open(SHIPPED_REGIONS, encoding="utf-8") as handle:
        townships = tuple(synthetic.Township(r["code"], r["name"])
                          for r in csv.DictReader(handle) if r["parent_code"] == "440783")
    county = synthetic.County(
        code="440783", name="开平市", city="江门市", province="广东省", bureau="开平市卫生健康局", doc_prefix="开卫",
        townships=townships, centre=(112.698, 22.376), area_code="0750", local_surnames=("关", "司徒"),
    )
    generated = synthetic.generate_county(county, random.Random(11), 3000, today=dt.date(2026, 3, 2))
    assert differences(entity.name for entity in generated) == []


@pytest.mark.parametrize("name", ["", None, "长" * 300, "开平市长沙街道" * 40, "Ａ" * 250 + "abc", "长沙" * 150])
def test_edge_cases_read_the_same(name):
    assert name_initials(name) == reference_initials(name)
