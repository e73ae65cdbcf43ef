"""Template filters of the law library: `{{ text|link_citations }}` links citations to their provisions."""
from django import template

from .. import links
from ..citations import int_to_chinese

register = template.Library()


@register.filter
def link_citations(value):
    """《公共场所卫生管理条例》第八条 → a link to that provision's page; text that does not resolve stays as is."""
    return links.link_citations(value)


@register.filter
def chinese_number(value) -> str:
    """3 → 三, as articles, paragraphs and items are numbered."""
    try:
        return int_to_chinese(int(value))
    except (TypeError, ValueError):
        return str(value)
