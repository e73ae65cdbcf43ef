"""Template filters of the staff pages: masked personal identifiers and short organisation names."""
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


@register.filter
def org_label(organisation) -> str:
    """An organisation's short name where it has one."""
    if not organisation:
        return ""
    return organisation.short_name or organisation.name
