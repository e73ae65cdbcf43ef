"""The entity list's table. Phones are masked here; the full number is only on the entity's page, for its editors."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fazhi.core.masking import mask_phone
from fazhi.core.tables import FazhiTable, org_label

from .choices import CreditGrade, EntityStatus
from .models import Entity

# Each sort follows an index (ARCHITECTURE.md, "Scale path"): (organisation, name), credit_code, -updated_at.
# Sorting by name goes through the bureau first, which for a county (one bureau) is simply by name, and for a
# city or province lists each county's entities together, in name order, without a sort over every row.
# Each ends with the id so that pages never overlap.
SORTS = {
    "name": ("organisation_id", "name", "id"),
    "credit_code": ("credit_code", "id"),
    "credit_grade": ("credit_grade", "name", "id"),
    "status": ("status", "name", "id"),
    "updated_at": ("updated_at", "id"),
}
DEFAULT_SORT = "name"

GRADE_BADGES = {
    CreditGrade.A: "badge-ok",
    CreditGrade.B: "",
    CreditGrade.C: "badge-warn",
    CreditGrade.D: "badge-bad",
}
STATUS_BADGES = {
    EntityStatus.OPERATING: "badge-ok",
    EntityStatus.SUSPENDED: "badge-warn",
    EntityStatus.DEREGISTERED: "badge-bad",
    EntityStatus.REVOKED: "badge-bad",
}


def order_fields(sort: str) -> list[str]:
    """`name` or `-name` (and so on) as the fields to order by; anything unknown falls back to name."""
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    return [f"-{f}" if descending else f for f in fields]


def grade_badge(entity) -> str:
    return format_html('<span class="badge {}">{}</span>', GRADE_BADGES.get(entity.credit_grade, ""),
                       entity.credit_grade)


def status_badge(entity) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(entity.status, ""),
                       entity.get_status_display())


class EntityTable(FazhiTable):
    capped_count = True  # a province holds a million entities
    name = tables.Column(linkify=("entities:detail", [tables.A("pk")]), order_by=SORTS["name"],
                         attrs={"td": {"style": "min-width: 10em"}})
    credit_code = tables.Column(order_by=SORTS["credit_code"], empty_values=())
    kind = tables.Column(verbose_name="类别/细分类别", orderable=False)
    township = tables.Column(orderable=False)
    domains = tables.Column(verbose_name="监管专业", empty_values=(), orderable=False)
    credit_grade = tables.Column(order_by=SORTS["credit_grade"])
    status = tables.Column(order_by=SORTS["status"])
    is_key_supervision = tables.Column(verbose_name="重点监管", orderable=False)
    contact_phone = tables.Column(orderable=False)
    organisation = tables.Column(verbose_name="监管机关", orderable=False)
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", order_by=SORTS["updated_at"])

    class Meta(FazhiTable.Meta):
        model = Entity
        fields = ("name", "credit_code", "kind", "township", "domains", "credit_grade", "status",
                  "is_key_supervision", "contact_phone", "organisation", "updated_at")
        order_by = DEFAULT_SORT

    def render_credit_code(self, record):
        if record.credit_code:
            return record.credit_code
        return format_html('<span class="muted">无代码（{}）</span>', record.get_no_credit_code_reason_display())

    def render_kind(self, record):
        return format_html("{}<br><small class=\"muted\">{}</small>", record.get_kind_display(), record.sub_kind_label)

    def render_township(self, value):
        return value.name

    def render_domains(self, record):
        # Prefetched by `for_listing()`: .all() reads the prefetch, a filter or order_by would query per row.
        return format_html_join("、", "{}", ((d.name,) for d in record.domains.all())) or "—"

    def render_credit_grade(self, record):
        return grade_badge(record)

    def render_status(self, record):
        return status_badge(record)

    def render_is_key_supervision(self, value):
        return mark_safe('<span class="badge badge-warn">重点</span>') if value else ""

    def render_contact_phone(self, value):
        return mask_phone(value)

    def render_organisation(self, value):
        return org_label(value)
