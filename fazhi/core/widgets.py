"""Widgets drawn in Python where Django's per-option templates cost more than the page's own queries.

A filter bar above a province's list holds a few hundred options; rendering each through a template took
about as long as the search itself. The markup is the same as `forms.Select` writes.
"""
from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "", '<option value="{}"{}>{}</option>', ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options)
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                         else rendered)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(parts)))


def quicken_selects(fields) -> None:
    """Swap plain Select widgets of these form fields for QuickSelect, keeping their attributes and choices."""
    for field in fields:
        if type(field.widget) is forms.Select:
            quick = QuickSelect(attrs=field.widget.attrs)
            quick.choices = field.widget.choices
            quick.is_required = field.widget.is_required
            field.widget = quick
