"""Validators that answer in Chinese and say what to fix."""
import re

from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


# The first two digits of a 居民身份证号 name a province-level division (GB/T 2260); 71/81/82: 台湾/香港/澳门.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def id_card_check_character(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    return ric.calc_check_digit(first17 + "0")  # the library expects a full-length number and drops its last char


def validate_id_card_number(value: str) -> None:
    """居民身份证号: 18 characters, a province prefix, a real birth date and the GB 11643 check character.

    The six-digit area code is not looked up: numbers keep the code of the place where they were first
    issued, which may since have been renamed or merged, and a real person must never be refused.
    """
    if not value:
        return
    number = ric.compact(value)
    if len(number) != 18:
        raise ValidationError("居民身份证号应为18位。", code="id_card_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("居民身份证号前17位应为数字，最后一位为数字或X。", code="id_card_format")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError("居民身份证号前两位不是有效的省级行政区划代码，请核对。", code="id_card_province")
    try:
        ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError("居民身份证号中的出生日期无效，请核对第7至14位。", code="id_card_birth_date")
    if number[17] != id_card_check_character(number[:17]):
        raise ValidationError("居民身份证号校验位不正确，请逐位核对。", code="id_card_checksum")


def validate_phone(value: str) -> None:
    """A mobile number (11 digits starting 13–19) or a landline with its area code."""
    if not value:
        return
    compact = value.replace(" ", "")
    if not (MOBILE_PATTERN.match(compact) or LANDLINE_PATTERN.match(compact)):
        raise ValidationError("请填写11位手机号码，或带区号的固定电话（如0750-2212345）。", code="phone_invalid")
