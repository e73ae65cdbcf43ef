"""Tables of the law library's lists."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable

from .citations import provision_label
from .models import Law, Provision
from .versions import version_state

EXCERPT_CHARS = 120


def state_badge(version) -> str:
    state = version_state(version)
    return format_html('<span class="badge {}">{}</span>', state.badge, state.label)


def latest_version(law):
    """The newest loaded version (from the prefetched versions, newest first by the model's ordering)."""
    versions = list(law.versions.all())
    return versions[0] if versions else None


class LawTable(FazhiTable):
    short_title = tables.Column(linkify=("laws:law", [tables.A("pk")]))
    title = tables.Column()
    level = tables.Column(order_by=("level_rank", "short_title"))
    issuer = tables.Column(orderable=False)
    version = tables.Column(verbose_name="最新版本", empty_values=(), orderable=False)
    state = tables.Column(verbose_name="效力", empty_values=(), orderable=False)
    caveats = tables.Column(verbose_name="注意事项", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = Law
        fields = ("short_title", "title", "level", "issuer", "version", "state", "caveats")

    def render_version(self, record):
        version = latest_version(record)
        return version.version_label if version else "—"

    def render_state(self, record):
        version = latest_version(record)
        return state_badge(version) if version else "—"

    def render_caveats(self, record):
        version = latest_version(record)
        if version is None or not version.caveats:
            return "—"
        return format_html('<span class="badge badge-warn" title="{}">有</span>', version.caveats)


class ProvisionTable(FazhiTable):
    label = tables.Column(verbose_name="条款", empty_values=(), orderable=False)
    text = tables.Column(orderable=False)
    version = tables.Column(verbose_name="版本", orderable=False)
    state = tables.Column(verbose_name="效力", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = Provision
        fields = ("label", "text", "version", "state")

    def render_label(self, record):
        return format_html('<a href="{}">{}</a>', reverse("laws:provision", args=[record.pk]), provision_label(record))

    def render_text(self, value):
        return value if len(value) <= EXCERPT_CHARS else value[:EXCERPT_CHARS] + "……"

    def render_version(self, record):
        return record.version.version_label

    def render_state(self, record):
        return state_badge(record.version)
