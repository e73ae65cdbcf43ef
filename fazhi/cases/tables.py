"""Tables of the case lists: all cases, an officer's own with their clocks and next steps, and the work queues."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fazhi.core.tables import FazhiTable

from .choices import CaseStatus as S
from .models import Case
from .querysets import PRE_DECISION, case_clocks
from .views_steps import available_steps, standing

STATUS_BADGES = {
    S.REGISTERED: "badge-warn", S.NOT_FILED: "", S.INVESTIGATING: "", S.IN_REVIEW: "badge-warn",
    S.NOTIFIED: "", S.HEARING: "badge-warn", S.DECIDED: "badge-ok", S.SERVED: "badge-ok", S.REMINDED: "badge-bad",
    S.ENFORCEMENT: "badge-bad", S.FULFILLED: "badge-ok", S.NO_PENALTY: "", S.TRANSFERRED: "", S.WITHDRAWN: "",
    S.CLOSED: "badge-ok", S.ARCHIVED: "", S.ON_SPOT: "badge-warn", S.RECORDED: "badge-ok",
}


def status_badge(case) -> str:
    css = STATUS_BADGES.get(case.status, "")
    return format_html('<span class="badge {}">{}</span>', css, case.get_status_display())


def case_label(case) -> str:
    return case.filing_number or case.decision_number or "（未立案）"


def case_link(case) -> str:
    return format_html('<a href="{}">{}</a>', reverse("cases:detail", args=[case.pk]), case_label(case))


def clock_html(clock) -> str:
    css = "clock clock-overdue" if clock.overdue else "clock"
    return format_html('<span class="{}">{} {}（{}）</span>', css, clock.label, f"{clock.due_on:%Y-%m-%d}", clock.text)


def lead_officer(case) -> str:
    team = list(case.team.all())
    lead = next((m for m in team if m.is_lead), team[0] if team else None)
    if lead is None:
        return "—"
    name = lead.officer.full_name or lead.officer.username
    return f"{name}等{len(team)}人" if len(team) > 1 else name


class CaseTable(FazhiTable):
    number = tables.Column(verbose_name="案号", empty_values=(), order_by=("filing_number", "id"))
    party_name = tables.Column(order_by=("party_name", "id"))
    cause = tables.Column(orderable=False)
    procedure = tables.Column()
    source = tables.Column()
    status = tables.Column(order_by=("status", "id"))
    received_on = tables.DateColumn(format="Y-m-d", order_by=("received_on", "id"))
    deadline_on = tables.Column(order_by=("deadline_on", "id"))
    officers = tables.Column(verbose_name="承办人", empty_values=(), orderable=False)

    capped_count = True

    class Meta(FazhiTable.Meta):
        model = Case
        fields = ("number", "party_name", "cause", "procedure", "source", "status", "received_on", "deadline_on",
                  "officers")
        order_by = ("-received_on",)

    def __init__(self, *args, book=None, **kwargs):
        self.book = book
        super().__init__(*args, **kwargs)

    @cached_property
    def overdue_ids(self) -> set:
        """The cases of this page whose clock has run out: asked for the page's rows only, so that counting the
        whole list stays a plain count."""
        ids = [row.record.pk for row in self.paginated_rows]
        if not ids or self.book is None:
            return set()
        return set(Case.objects.filter(pk__in=ids).overdue(self.book).values_list("pk", flat=True))

    def render_number(self, record):
        return case_link(record)

    def render_status(self, record):
        badge = status_badge(record)
        if record.pk in self.overdue_ids:
            return format_html('{} <span class="badge badge-bad">逾期</span>', badge)
        return badge

    def render_deadline_on(self, record, value):
        if record.status in PRE_DECISION and record.pk in self.overdue_ids and value < timezone.localdate():
            return format_html('<span class="clock clock-overdue">{}</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"

    def render_officers(self, record):
        return lead_officer(record)


class WorkTable(FazhiTable):
    """A case with its clocks and the steps the viewer may take on it: an officer's own cases, a queue. Its rows
    are all of the viewer's own bureau (`writable_by`), so each may be acted on."""

    number = tables.Column(verbose_name="案号", empty_values=(), order_by=("filing_number", "id"))
    party_name = tables.Column(order_by=("party_name", "id"))
    cause = tables.Column(orderable=False)
    status = tables.Column(order_by=("status", "id"))
    clocks = tables.Column(verbose_name="期限", empty_values=(), orderable=False)
    steps = tables.Column(verbose_name="下一步", empty_values=(), orderable=False)

    class Meta(FazhiTable.Meta):
        model = Case
        fields = ("number", "party_name", "cause", "status", "clocks", "steps")

    def __init__(self, *args, book, user, only_steps=(), links=None, **kwargs):
        """`only_steps`: the step slugs this list offers (all when empty); `links(case)`: further (label, url)."""
        self.book, self.user, self.only_steps, self.links = book, user, only_steps, links
        super().__init__(*args, **kwargs)

    def render_number(self, record):
        return case_link(record)

    def render_status(self, record):
        return status_badge(record)

    def render_clocks(self, record):
        found = case_clocks(record, self.book)
        if not found:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((clock_html(c),) for c in found))

    def render_steps(self, record):
        where = standing(record, self.user, writable=True)
        steps = [s for s in available_steps(record, self.user, where)
                 if not self.only_steps or s.slug in self.only_steps]
        found = [(" primary" if s.move else "", s.url(record), s.label) for s in steps[:4]]
        found += [("", url, label) for label, url in (self.links(record) if self.links else ())]
        if not found:
            return "—"
        return format_html_join(" ", '<a class="button small{}" href="{}">{}</a>', found)


class ReviewQueueTable(WorkTable):
    review_round = tables.Column(verbose_name="审核轮次", orderable=False)
    needs_legal = tables.Column(verbose_name="法制审核", orderable=False)

    class Meta(WorkTable.Meta):
        fields = ("number", "party_name", "cause", "status", "review_round", "needs_legal", "clocks", "steps")

    def render_needs_legal(self, value):
        if value:
            return format_html('<span class="badge badge-warn">{}</span>', "依规则必须")
        return format_html('<span class="badge">{}</span>', "未触发规则")
