"""Masking of personal identifiers wherever they are listed (个人信息保护法; ARCHITECTURE.md, "Personal data")."""
from .rules import MASKING_RULES


def _mask(value: str, head: int, tail: int) -> str:
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_card(value: str) -> str:
    """440783199001011234 → 4407**********1234"""
    return _mask(value or "", MASKING_RULES.id_card_keep_head, MASKING_RULES.id_card_keep_tail)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678"""
    return _mask((value or "").replace(" ", ""), MASKING_RULES.phone_keep_head, MASKING_RULES.phone_keep_tail)
