"""Identifiers and phones: Chinese messages that say which rule a value breaks; masking in lists."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.masking import mask_id_card, mask_phone
from fazhi.core.validators import id_card_check_character, validate_id_card_number, validate_phone

VALID_ID = "440783199001011230"  # 开平市, born 1990-01-01, check character 0


def test_it_accepts_a_valid_id_card_number():
    validate_id_card_number(VALID_ID)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("44078319900101123", "应为18位"),
        ("44078319900101123Y", "最后一位为数字或X"),
        ("990783199001011230", "前两位"),
        ("440783199002301235", "出生日期"),
        ("440783199001011239", "校验位"),
    ],
)
def test_it_names_the_rule_a_bad_id_card_number_breaks(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_id_card_number(value)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)), st.integers(0, 999), st.sampled_from(["440783", "371002", "110101", "650102"]))
def test_it_accepts_every_number_with_the_right_check_character(birth, serial, area):
    body = f"{area}{birth:%Y%m%d}{serial:03d}"
    validate_id_card_number(body + id_card_check_character(body))


@pytest.mark.parametrize("value", ["13812345678", "0750-2212345", "075022123456"])
def test_it_accepts_mobiles_and_landlines(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "abc", "2212345"])
def test_it_refuses_malformed_phones(value):
    with pytest.raises(ValidationError, match="11位手机号码"):
        validate_phone(value)


def test_it_masks_identifiers_for_lists():
    assert mask_id_card(VALID_ID) == "4407**********1230"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
