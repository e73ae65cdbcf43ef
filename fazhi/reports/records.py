"""The records behind a figure: the table each kind of record is listed with on the records page.

An indicator with `records(scope)` is listed here by its model; the model's own list table is used where it has
one, so the rows look and link as on that module's pages. Apps may register a table for a model of theirs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_tables2 as tables
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from fazhi.cases.tables import CaseTable
from fazhi.core.tables import FazhiTable, org_label
from fazhi.entities.tables import EntityTable
from fazhi.inspections.models import OnSiteRecord, RectificationItem, SupervisionOpinion
from fazhi.inspections.tables import InspectionTable
from fazhi.inspections.tables_joint import JointVisitTable
from fazhi.inspections.tables_plans import CampaignTable


@dataclass(frozen=True)
class RecordTable:
    table_class: type
    prepare: Callable = lambda queryset: queryset  # select_related / annotations the table reads


_TABLES: dict[str, RecordTable] = {}


def register_record_table(model_label: str, table_class, prepare=None) -> None:
    _TABLES[model_label] = RecordTable(table_class, prepare or (lambda queryset: queryset))


def table_for(queryset, **kwargs):
    found = _TABLES.get(queryset.model._meta.label_lower)
    if found is None:
        return GenericRecordTable(queryset, **kwargs)
    return found.table_class(found.prepare(queryset), **kwargs)


# ---- tables of records that have no list of their own ------------------------------------------------------------

def _link(name: str, pk, text) -> str:
    return format_html('<a href="{}">{}</a>', reverse(name, args=[pk]), text)


class OpinionRecordTable(FazhiTable):
    number = tables.Column(order_by=("number", "id"))
    entity = tables.Column(verbose_name="监管对象", accessor="inspection__entity__name",
                           order_by=("inspection__entity__name", "id"))
    issued_on = tables.DateColumn(format="Y-m-d", order_by=("issued_on", "id"))
    organisation = tables.Column(verbose_name="出具机关", orderable=False)
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = SupervisionOpinion
        fields = ("number", "entity", "issued_on", "organisation", "status")
        order_by = ("-issued_on",)

    def render_number(self, record):
        return _link("inspections:opinion_detail", record.pk, record.number)

    def render_organisation(self, value):
        return org_label(value)


class RectificationItemRecordTable(FazhiTable):
    opinion = tables.Column(verbose_name="卫生监督意见书", order_by=("opinion__number", "id"))
    entity = tables.Column(verbose_name="监管对象", accessor="opinion__inspection__entity__name",
                           order_by=("opinion__inspection__entity__name", "id"))
    requirement = tables.Column(orderable=False)
    deadline = tables.DateColumn(format="Y-m-d", order_by=("deadline", "id"))
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = RectificationItem
        fields = ("opinion", "entity", "requirement", "deadline", "status")
        order_by = ("deadline",)

    def render_opinion(self, value):
        return _link("inspections:opinion_detail", value.pk, value.number)


class OnSiteRecordTable(FazhiTable):
    number = tables.Column(empty_values=(), order_by=("number", "id"))
    entity = tables.Column(verbose_name="监管对象", accessor="inspection__entity__name",
                           order_by=("inspection__entity__name", "id"))
    arrived_at = tables.DateTimeColumn(format="Y-m-d H:i", order_by=("arrived_at", "id"))
    bodycam_file_id = tables.Column(orderable=False)
    bodycam_absent_reason = tables.Column(orderable=False)

    class Meta(FazhiTable.Meta):
        model = OnSiteRecord
        fields = ("number", "entity", "arrived_at", "bodycam_file_id", "bodycam_absent_reason")
        order_by = ("-arrived_at",)

    def render_number(self, record):
        return _link("inspections:record", record.inspection_id, record.number or "现场笔录")


class OfficerRecordTable(FazhiTable):
    full_name = tables.Column(order_by=("full_name", "id"))
    organisation = tables.Column(orderable=False)
    section = tables.Column(orderable=False)
    job_title = tables.Column(orderable=False)

    class Meta(FazhiTable.Meta):
        fields = ("full_name", "organisation", "section", "job_title")
        order_by = ("full_name",)

    def render_full_name(self, record):
        return _link("core:staff_detail", record.pk, record.full_name or record.username)

    def render_organisation(self, value):
        return org_label(value)

    def render_section(self, value):
        return value.name


class GenericRecordTable(FazhiTable):
    """For records of a model no table is registered for: each row names the record and links to its page."""

    record = tables.Column(verbose_name="记录", empty_values=(), orderable=False)

    def render_record(self, record):
        try:
            url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else None
        except NoReverseMatch:
            url = None
        return format_html('<a href="{}">{}</a>', url, record) if url else str(record)


register_record_table("inspections.inspection", InspectionTable, lambda qs: qs.select_related("entity", "organisation"))
register_record_table("inspections.jointvisit", JointVisitTable,
                      lambda qs: qs.select_related("entity", "organisation").annotate(task_count=Count("tasks")))
register_record_table("inspections.campaign", CampaignTable, lambda qs: qs.select_related("organisation"))
register_record_table("inspections.supervisionopinion", OpinionRecordTable,
                      lambda qs: qs.select_related("inspection__entity", "organisation"))
register_record_table("inspections.rectificationitem", RectificationItemRecordTable,
                      lambda qs: qs.select_related("opinion__inspection__entity"))
register_record_table("inspections.onsiterecord", OnSiteRecordTable, lambda qs: qs.select_related("inspection__entity"))
register_record_table("entities.entity", EntityTable, lambda qs: qs.for_listing())
register_record_table("cases.case", CaseTable, lambda qs: qs.listing())
register_record_table("core.user", OfficerRecordTable, lambda qs: qs.select_related("organisation", "section"))
