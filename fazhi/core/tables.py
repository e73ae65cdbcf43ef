"""Tables for the management lists. Personal identifiers are masked here; full values only on admins' edit forms."""
from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.urls import reverse
from django.utils.html import format_html

from .choices import CertificateStatus
from .masking import mask_id_card, mask_phone
from .models import EnforcementCertificate, Organisation, Section, User

# A page may be asked for with ?per_page=; more than this is refused so a list stays one bounded page.
MAX_PAGE_SIZE = 100

STATUS_BADGES = {
    CertificateStatus.VALID: "badge-ok",
    CertificateStatus.SUSPENDED: "badge-warn",
    CertificateStatus.REVOKED: "badge-bad",
    CertificateStatus.CANCELLED: "badge-bad",
}


def org_label(organisation) -> str:
    return organisation.label if organisation else ""


def active_badge(value: bool) -> str:
    return format_html('<span class="badge {}">{}</span>', "badge-ok" if value else "badge-bad", "启用" if value else "停用")


class CappedCountPaginator(Paginator):
    """Counts up to `cap` rows and no further: at province scale an exact COUNT of a broad filter reads every
    match on every page view, while "10000+" tells the reader all they need — to narrow the search."""

    cap = 10_000
    capped = False  # set by `count`: whether more rows matched than were counted

    @cached_property
    def count(self) -> int:
        # django-tables2 hands over its rows; the queryset is two wrappers down (rows → table data → queryset).
        queryset = self.object_list.data.data
        counted = queryset.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class FazhiTable(tables.Table):
    """Base table: house CSS class, Chinese empty text, a capped page size, and optional edit links.

    `writable_organisation_ids` (a set) lets a table offer "编辑" only on rows the viewer may change.
    """

    # A table over records a province may hold by the million sets this, to count only so far.
    capped_count = False

    def __init__(self, *args, writable_organisation_ids=frozenset(), **kwargs):
        self.writable_organisation_ids = writable_organisation_ids
        super().__init__(*args, **kwargs)

    def paginate(self, paginator_class=tables.paginators.Paginator, per_page=None, page=1, *args, **kwargs):
        per_page = min(max(int(per_page or 25), 1), MAX_PAGE_SIZE)
        if self.capped_count:
            paginator_class = CappedCountPaginator
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    class Meta:
        attrs = {"class": "table"}
        empty_text = "没有符合条件的记录。"


class OrganisationTable(FazhiTable):
    name = tables.Column(linkify=("core:organisation_detail", [tables.A("pk")]))
    short_name = tables.Column()
    kind = tables.Column()
    region = tables.Column(order_by=("region__code",))
    parent = tables.Column(order_by=("parent__path",))
    is_active = tables.Column()

    class Meta(FazhiTable.Meta):
        model = Organisation
        fields = ("name", "short_name", "kind", "region", "parent", "is_active")

    def render_parent(self, value):
        return org_label(value)

    def render_is_active(self, value):
        return active_badge(value)


class SectionTable(FazhiTable):
    name = tables.Column()
    organisation = tables.Column(order_by=("organisation__path",))
    kind = tables.Column()
    sort_order = tables.Column()
    is_active = tables.Column()
    actions = tables.Column(verbose_name="操作", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = Section
        fields = ("name", "organisation", "kind", "sort_order", "is_active")

    def render_organisation(self, value):
        return org_label(value)

    def render_is_active(self, value):
        return active_badge(value)

    def render_actions(self, record):
        if record.organisation_id not in self.writable_organisation_ids:
            return ""
        return format_html('<a href="{}">编辑</a>', reverse("core:section_edit", args=[record.pk]))


class UserTable(FazhiTable):
    full_name = tables.Column(linkify=("core:staff_detail", [tables.A("pk")]))
    username = tables.Column()
    organisation = tables.Column(order_by=("organisation__path", "username"))
    section = tables.Column(order_by=("section__name",))
    roles = tables.Column(verbose_name="角色", empty_values=(), orderable=False)
    phone = tables.Column(orderable=False)
    id_card_number = tables.Column(orderable=False)
    is_active = tables.Column(verbose_name="账号状态")

    class Meta(FazhiTable.Meta):
        model = User
        fields = ("full_name", "username", "organisation", "section", "roles", "phone", "id_card_number", "is_active")

    def render_organisation(self, value):
        return org_label(value)

    def render_section(self, value):
        # The section's own name: its __str__ would fetch its organisation once per row.
        return value.name

    def render_roles(self, record):
        return "、".join(record.role_labels) or "—"

    def render_phone(self, value):
        return mask_phone(value)

    def render_id_card_number(self, value):
        return mask_id_card(value)

    def render_is_active(self, value):
        return active_badge(value)


class EnforcementCertificateTable(FazhiTable):
    number = tables.Column(linkify=("core:certificate_detail", [tables.A("pk")]))
    holder = tables.Column(order_by=("holder__full_name",))
    organisation = tables.Column(
        verbose_name="所属机构", accessor="holder__organisation", order_by=("holder__organisation__path",)
    )
    domains = tables.Column(verbose_name="执法领域", empty_values=(), orderable=False)
    valid_from = tables.DateColumn(format="Y-m-d")
    valid_to = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = EnforcementCertificate
        fields = ("number", "holder", "organisation", "domains", "valid_from", "valid_to", "status")

    def render_holder(self, value):
        return value.full_name or value.username

    def render_organisation(self, value):
        return org_label(value)

    def render_domains(self, record):
        return record.domain_labels

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), record.get_status_display()
        )
