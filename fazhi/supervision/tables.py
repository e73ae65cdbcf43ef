"""The warning list's table: each row links to the record it concerns and to the warning itself."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable, org_label

from .choices import Severity, WarningStatus
from .models import EarlyWarning
from .warning_rules import RULES_BY_CODE

SEVERITY_BADGES = {Severity.NOTICE: "", Severity.WARNING: "badge-warn", Severity.SERIOUS: "badge-bad"}
STATUS_BADGES = {WarningStatus.OPEN: "badge-warn", WarningStatus.ACKNOWLEDGED: "", WarningStatus.RESOLVED: "badge-ok"}


def severity_badge(warning) -> str:
    return format_html('<span class="badge {}">{}</span>', SEVERITY_BADGES.get(warning.severity, ""),
                       warning.get_severity_display())


def status_badge(warning) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(warning.status, ""),
                       warning.get_status_display())


def due_text(warning, today) -> str:
    """The due day and, while unresolved, how it stands today."""
    if warning.due_on is None:
        return "—"
    if not warning.is_unresolved:
        return f"{warning.due_on:%Y-%m-%d}"
    days = (warning.due_on - today).days
    if days < 0:
        return format_html('{} <span class="badge badge-bad">已逾期{}日</span>', f"{warning.due_on:%Y-%m-%d}", -days)
    return f"{warning.due_on:%Y-%m-%d}（{'今日届满' if days == 0 else f'还剩{days}日'}）"


def rule_name(code: str) -> str:
    spec = RULES_BY_CODE.get(code)
    return spec.name if spec else code


class EarlyWarningTable(FazhiTable):
    capped_count = True  # a province's warnings run to the hundred thousand

    severity = tables.Column(order_by=("severity", "id"))
    rule = tables.Column(verbose_name="预警规则", order_by=("rule__code", "id"))
    record_label = tables.Column(order_by=("record_label", "id"))
    message = tables.Column(orderable=False)
    due_on = tables.Column(order_by=("due_on", "id"))
    officer = tables.Column(order_by=("officer__full_name", "id"))
    organisation = tables.Column(verbose_name="机构", orderable=False)
    status = tables.Column(order_by=("status", "id"))
    first_seen = tables.DateColumn(format="Y-m-d", order_by=("first_seen", "id"))
    detail = tables.Column(verbose_name="操作", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = EarlyWarning
        fields = ("severity", "rule", "record_label", "message", "due_on", "officer", "organisation", "status",
                  "first_seen", "detail")
        order_by = ("-first_seen",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_severity(self, record):
        return severity_badge(record)

    def render_rule(self, record):
        return format_html("{}<br><span class=\"muted\">{}</span>", rule_name(record.rule.code), record.rule.code)

    def render_record_label(self, record):
        if record.record_url:
            return format_html('<a href="{}">{}</a>', record.record_url, record.record_label)
        return record.record_label

    def render_due_on(self, record):
        return due_text(record, self.today)

    def render_officer(self, record):
        officer = record.officer
        return officer.full_name or officer.username

    def render_organisation(self, value):
        return org_label(value)

    def render_status(self, record):
        return status_badge(record)

    def render_detail(self, record):
        return format_html('<a href="{}">查看</a>', reverse("supervision:detail", args=[record.pk]))
