"""Tables of rectification: the opinions, and the signed visits waiting for one."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable

from .choices import OpinionStatus
from .models import Inspection, SupervisionOpinion

OPINION_BADGES = {
    OpinionStatus.ISSUED: "badge-warn",
    OpinionStatus.CLOSED: "badge-ok",
    OpinionStatus.HANDED_OVER: "badge-bad",
}


def opinion_badge(opinion) -> str:
    return format_html('<span class="badge {}">{}</span>', OPINION_BADGES.get(opinion.status, ""),
                       opinion.get_status_display())


class SupervisionOpinionTable(FazhiTable):
    """Expects the rows of `rectification.with_progress`."""

    number = tables.Column(linkify=("inspections:opinion_detail", [tables.A("pk")]))
    entity = tables.Column(verbose_name="监管对象", accessor="inspection__entity__name",
                           order_by=("inspection__entity__name", "id"))
    issued_on = tables.DateColumn(format="Y-m-d")
    latest_deadline = tables.DateColumn(verbose_name="最迟整改期限", format="Y-m-d")
    open_items = tables.Column(verbose_name="未整改合格事项")
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = SupervisionOpinion
        fields = ("number", "entity", "issued_on", "latest_deadline", "open_items", "status")
        order_by = ("-issued_on",)

    def render_status(self, record):
        badge = opinion_badge(record)
        if record.is_overdue:
            return format_html('{} <span class="badge badge-bad">已逾期</span>', badge)
        return badge


class VisitAwaitingOpinionTable(FazhiTable):
    entity = tables.Column(verbose_name="监管对象", order_by=("entity__name", "id"))
    window_start = tables.DateColumn(format="Y-m-d", verbose_name="检查日期")
    reason = tables.Column()
    status = tables.Column()
    has_findings = tables.Column(verbose_name="笔录中的不合格项", orderable=False)
    action = tables.Column(verbose_name="操作", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = Inspection
        fields = ("entity", "window_start", "reason", "status", "has_findings", "action")

    def render_has_findings(self, value):
        return "有" if value else "无"

    def render_action(self, record):
        return format_html('<a href="{}">出具卫生监督意见书</a>', reverse("inspections:opinion_create", args=[record.pk]))
