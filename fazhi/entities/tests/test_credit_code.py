"""统一社会信用代码 (GB 32100-2015): every code built by the standard's rules passes; every single-character
change fails, with the message naming the rule it breaks.

Codes are built here from the standard itself (alphabet, registration authorities, region digits, and the
check character computed independently of the code under test), so a slip in either would show.
"""
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from stdnum.cn import uscc

from fazhi.entities.credit_code import (
    ALPHABET, REGISTRATION_AUTHORITIES, check_character, credit_code_problem, normalise, validate_credit_code,
)

# GB 32100-2015 §4.1: each position's weight is 3^(i) mod 31; the check character makes the sum ≡ 0 (mod 31).
WEIGHTS = [pow(3, i, 31) for i in range(17)]
# The standard's own alphabet: digits and capitals without I, O, Z, S, V (which read like 1, 0, 2, 5, U).
STANDARD_ALPHABET = "0123456789" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOZSV")

RULE_ALPHABET = "只能由数字和除I、O、Z、S、V以外的大写字母组成"
RULE_AUTHORITY = "第1位是登记管理部门代码"
RULE_REGION = "第3至8位是登记管理机关的行政区划代码"
RULE_CHECK = "第18位校验码不正确"
RULE_LENGTH = "统一社会信用代码应为18位"

# What a person might type instead of the right character: any valid one, the five excluded capitals,
# lower case, and stray symbols or Chinese.
SUBSTITUTES = STANDARD_ALPHABET + "IOZSV" + STANDARD_ALPHABET.lower() + "*#.中"


def reference_check_character(first17: str) -> str:
    total = sum(STANDARD_ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return STANDARD_ALPHABET[(31 - total % 31) % 31]


valid_codes = st.builds(
    lambda authority, category, region, body: (
        authority + category + region + body + reference_check_character(authority + category + region + body)
    ),
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.sampled_from(STANDARD_ALPHABET),  # 机构类别代码: the authority assigns it; any character of the alphabet
    st.text("0123456789", min_size=6, max_size=6),  # 登记管理机关行政区划码 (GB/T 2260)
    st.text(STANDARD_ALPHABET, min_size=9, max_size=9),  # 主体标识码 (组织机构代码 body and its own check)
)


def expected_rule(position: int, typed: str) -> str:
    """Which rule a code with `typed` at `position` (otherwise valid) must be refused for."""
    char = typed.upper()
    if char not in STANDARD_ALPHABET:
        return RULE_ALPHABET
    if position == 0 and char not in REGISTRATION_AUTHORITIES:
        return RULE_AUTHORITY
    if 2 <= position <= 7 and not char.isdigit():
        return RULE_REGION
    return RULE_CHECK


@given(st.text(STANDARD_ALPHABET, min_size=17, max_size=17))
def test_its_check_character_is_the_one_python_stdnum_computes(first17):
    assert check_character(first17) == uscc.calc_check_digit(first17) == reference_check_character(first17)


@given(st.text(STANDARD_ALPHABET + STANDARD_ALPHABET.lower() + " -\u3000", max_size=22))
def test_it_normalises_as_python_stdnum_does(typed):
    assert normalise(typed) == uscc.compact(typed)


def test_it_uses_the_standards_alphabet():
    assert ALPHABET == STANDARD_ALPHABET and len(ALPHABET) == 31


@given(valid_codes)
def test_it_accepts_every_code_built_by_the_standard(code):
    assert credit_code_problem(code) is None
    validate_credit_code(code)


@given(valid_codes, st.integers(0, 17), st.sampled_from(SUBSTITUTES))
def test_it_refuses_every_single_character_change_naming_the_rule(code, position, typed):
    if typed.upper() == code[position]:
        typed = "*"  # the same character again (or its lower case) is no change
    changed = code[:position] + typed + code[position + 1:]
    problem = credit_code_problem(changed)
    assert problem is not None, changed
    assert expected_rule(position, typed) in problem, (changed, problem)
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(changed)
    assert refused.value.messages == [problem]


@given(valid_codes, st.integers(0, 16))
def test_it_refuses_two_neighbours_swapped_when_they_differ(code, position):
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    if swapped == code:
        return
    assert credit_code_problem(swapped) is not None


@given(valid_codes, st.integers(0, 17))
def test_it_says_how_long_a_code_with_a_character_missing_is(code, position):
    problem = credit_code_problem(code[:position] + code[position + 1:])
    assert problem == f"{RULE_LENGTH}，现为17位。"


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43", "53100000500021676K"])
def test_it_accepts_published_codes(code):
    assert credit_code_problem(code) is None


def test_it_accepts_what_people_paste_from_letters_and_licences():
    assert normalise(" 9135-0100 m000100y43 ") == "91350100M000100Y43"
    assert credit_code_problem("9135-0100-M000-100Y43") is None
    assert credit_code_problem("91350100m000100y43") is None


def test_it_leaves_an_empty_code_to_the_no_code_reason():
    validate_credit_code("")  # the entity must then say why it has none; the model checks that


def test_it_names_the_character_that_is_not_allowed():
    assert credit_code_problem("91350100M000100I43") == (
        "统一社会信用代码只能由数字和除I、O、Z、S、V以外的大写字母组成，“I”不允许出现。"
    )
