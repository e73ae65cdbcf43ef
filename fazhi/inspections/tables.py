"""Tables of the inspection lists."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable

from .choices import InspectionStatus
from .models import Inspection, VisitRating

STATUS_BADGES = {
    InspectionStatus.PLANNED: "",
    InspectionStatus.REGISTERED: "badge-ok",
    InspectionStatus.RECORDED: "badge-ok",
    InspectionStatus.CLOSED: "badge-ok",
    InspectionStatus.CANCELLED: "badge-bad",
}


def status_badge(inspection) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(inspection.status, ""),
                       inspection.get_status_display())


class InspectionTable(FazhiTable):
    # The visit's copy of the entity's name (kept up to date on renames): the list joins no entity.
    entity = tables.Column(verbose_name="监管对象", accessor="entity_name", order_by=("entity_name", "id"))
    reason = tables.Column()
    # With the id as tie-break, visits of one day keep their places from page to page.
    window_start = tables.DateColumn(format="Y-m-d", verbose_name="计划检查日期", order_by=("window_start", "id"))
    organisation = tables.Column(verbose_name="检查机关", order_by=("organisation__path", "id"))
    status = tables.Column()
    code = tables.Column(orderable=False)

    capped_count = True

    class Meta(FazhiTable.Meta):
        model = Inspection
        fields = ("entity", "reason", "window_start", "organisation", "status", "code")
        order_by = ("-window_start",)

    def render_entity(self, record, value):
        # The link is to the visit, which the row is about.
        return format_html('<a href="{}">{}</a>', reverse("inspections:detail", args=[record.pk]), value)

    def render_organisation(self, value):
        return value.short_name or value.name

    def render_status(self, record):
        badge = status_badge(record)
        if record.over_cap and record.cap_approved_at is None and record.status == InspectionStatus.PLANNED:
            return format_html('{} <span class="badge badge-warn">超频次待批准</span>', badge)
        return badge


class VisitRatingTable(FazhiTable):
    """Ratings for supervisors: date, entity, score, comment. Never the officers of the visit."""

    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="评价时间")
    entity = tables.Column(verbose_name="监管对象", accessor="inspection__entity__name",
                           order_by=("inspection__entity__name", "id"))
    visit_date = tables.DateColumn(format="Y-m-d", verbose_name="检查日期", accessor="inspection__window_start")
    score = tables.Column()
    comment = tables.Column(orderable=False)

    class Meta(FazhiTable.Meta):
        model = VisitRating
        fields = ("created_at", "entity", "visit_date", "score", "comment")
        order_by = ("-created_at",)
