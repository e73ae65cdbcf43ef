"""Tables of the item list, plans, campaigns and the burden report."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable

from .burden import change_percent
from .choices import ItemStatus, PlanStatus
from .models import Campaign, Inspection, InspectionItem, InspectionPlan

STATUS_BADGES = {
    ItemStatus.DRAFT: "", ItemStatus.PUBLISHED: "badge-ok", ItemStatus.WITHDRAWN: "badge-bad",
    PlanStatus.DRAWN: "badge-ok",
}


def status_badge(record) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""),
                       record.get_status_display())


class InspectionItemTable(FazhiTable):
    code = tables.Column(linkify=("inspections:item_detail", [tables.A("pk")]))
    title = tables.Column()
    domain = tables.Column(order_by=("domain__sort_order", "sort_order"))
    legal_basis = tables.Column(orderable=False)
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = InspectionItem
        fields = ("code", "title", "domain", "legal_basis", "status")

    def render_status(self, record):
        return status_badge(record)


class InspectionPlanTable(FazhiTable):
    name = tables.Column(linkify=("inspections:plan_detail", [tables.A("pk")]))
    year = tables.Column()
    starts_on = tables.DateColumn(format="Y-m-d")
    ends_on = tables.DateColumn(format="Y-m-d")
    organisation = tables.Column(verbose_name="制定机关", order_by=("organisation__path",))
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = InspectionPlan
        fields = ("name", "year", "starts_on", "ends_on", "organisation", "status")

    def render_organisation(self, value):
        return value.label

    def render_status(self, record):
        return status_badge(record)


class CampaignTable(FazhiTable):
    theme = tables.Column(linkify=("inspections:campaign_detail", [tables.A("pk")]))
    starts_on = tables.DateColumn(format="Y-m-d")
    ends_on = tables.DateColumn(format="Y-m-d")
    organisation = tables.Column(verbose_name="部署机关", order_by=("organisation__path",))

    class Meta(FazhiTable.Meta):
        model = Campaign
        fields = ("theme", "starts_on", "ends_on", "organisation")

    def render_organisation(self, value):
        return value.label


class CampaignInspectionTable(FazhiTable):
    entity = tables.Column(verbose_name="监管对象", order_by=("entity__name", "id"))
    reason = tables.Column()
    window_start = tables.DateColumn(format="Y-m-d", verbose_name="计划检查日期")
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = Inspection
        fields = ("entity", "reason", "window_start", "status")
        order_by = ("-window_start",)

    def render_entity(self, value):
        return value.name


def _change(value) -> str:
    if value is None:
        return "—"
    return f"+{value}%" if value > 0 else f"{value}%"


class BurdenTable(FazhiTable):
    """One entity per row; the counts come from burden.with_burden."""

    name = tables.Column(verbose_name="监管对象", linkify=("entities:detail", [tables.A("pk")]))
    capped_now = tables.Column(verbose_name="本年计入频次")
    capped_before = tables.Column(verbose_name="上年计入频次")
    capped_change = tables.Column(verbose_name="增减", empty_values=(), orderable=False)
    all_now = tables.Column(verbose_name="本年全部检查")
    all_before = tables.Column(verbose_name="上年全部检查")
    all_change = tables.Column(verbose_name="增减", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        order_by = ("-capped_now",)

    def render_capped_change(self, record):
        return _change(change_percent(record.capped_now, record.capped_before))

    def render_all_change(self, record):
        return _change(change_percent(record.all_now, record.all_before))
