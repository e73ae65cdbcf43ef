"""Validators that answer in Chinese and say what to fix."""
import re

from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError as StdnumError

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def validate_id_card_number(value: str) -> None:
    """居民身份证号: 18 characters, a valid birth date and the GB 11643 check character."""
    if not value:
        return
    try:
        ric.validate(value)
    except InvalidLength:
        raise ValidationError("居民身份证号应为18位。", code="id_card_length")
    except InvalidFormat:
        raise ValidationError("居民身份证号前17位应为数字，最后一位为数字或X。", code="id_card_format")
    except InvalidComponent:
        raise ValidationError("居民身份证号中的出生日期或地区码无效，请核对。", code="id_card_component")
    except InvalidChecksum:
        raise ValidationError("居民身份证号校验位不正确，请逐位核对。", code="id_card_checksum")
    except StdnumError:
        raise ValidationError("居民身份证号无效，请核对。", code="id_card_invalid")


def validate_phone(value: str) -> None:
    """A mobile number (11 digits starting 13–19) or a landline with its area code."""
    if not value:
        return
    compact = value.replace(" ", "")
    if not (MOBILE_PATTERN.match(compact) or LANDLINE_PATTERN.match(compact)):
        raise ValidationError("请填写11位手机号码，或带区号的固定电话（如0750-2212345）。", code="phone_invalid")
