"""Template filters of the staff pages: masked personal identifiers."""
from django import template

from .. import masking

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    """13812345678 → 138****5678"""
    return masking.mask_phone(value or "")


@register.filter
def mask_id_card(value) -> str:
    """440783199001011234 → 4407**********1234"""
    return masking.mask_id_card(value or "")
