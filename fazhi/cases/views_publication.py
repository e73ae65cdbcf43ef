"""Staff pages of decision publication: the queue of decisions waiting to be published, the preview where the
redacted text is checked (and may be reworded) before publishing, the published list, a publication's page and
its withdrawal.

Reading follows `visible_to`; publishing and withdrawing need the legal section, a leader or an officer of the case,
of the case's own bureau. The pages only decide which buttons to show: the services check again.
"""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from fazhi.core.filters import FazhiFilterSet
from fazhi.core.form_views import form_methods, save_form
from fazhi.core.forms import DATE_WIDGET, add_service_errors
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import visible_or_404
from fazhi.core.tables import FazhiTable
from fazhi.core.workdays import WorkdayCalendar, YearCoverage

from . import publication as services
from .choices import PublicationStatus
from .models import Case, Publication
from .querysets_publication import late_cutoff
from .rules import CASE_READER_ROLES, CASE_RULES

STATUS_BADGES = {
    PublicationStatus.PUBLISHED: "badge-ok",
    PublicationStatus.WITHDRAWN: "badge-bad",
    PublicationStatus.TAKEN_DOWN: "",
}
# A decision this many working days from its limit is flagged before it is overdue.
DUE_SOON_WORKDAYS = 2


def detail_url(publication) -> str:
    return reverse("case_publication:detail", args=[publication.pk])


def status_badge(publication) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(publication.status, ""),
                       publication.get_status_display())


# ---- forms -----------------------------------------------------------------------------------------------------

class PublicationForm(forms.Form):
    body = forms.CharField(
        label="公开内容", widget=forms.Textarea(attrs={"rows": 16}),
        help_text="可调整措辞；保存时系统会再次脱敏，身份证号、电话号码、银行卡号和公民当事人的姓名、住址不会出现在公开内容中。"
                  "案情中出现的其他个人（如证人、患者）的姓名请人工删去。",
    )


class WithdrawalForm(forms.Form):
    changed_on = forms.DateField(
        label="决定变更或撤销日期", widget=DATE_WIDGET,
        help_text=f"处罚决定被依法变更、撤销、确认违法或确认无效之日；应自此日起{CASE_RULES.withdrawal_days}日内撤回"
                  "（行政处罚法第四十八条）。逾期也应撤回，系统会记录逾期情况。",
    )
    reason = forms.CharField(label="撤回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


# ---- the queue of decisions to publish -------------------------------------------------------------------------

class DueDecisionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="文号、当事人或案由", method="search")
    overdue = django_filters.ChoiceFilter(label="公开期限", choices=(("1", "已逾期"),), method="filter_overdue",
                                          empty_label="全部")

    class Meta:
        model = Case
        fields = ["q", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(decision_number__icontains=value) | Q(party_name__icontains=value)
                               | Q(cause__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(decided_on__lt=late_cutoff(timezone.localdate())) if value else queryset


class DueDecisionTable(FazhiTable):
    """Decided cases not yet published, with their publication limit counted in working days."""

    decision_number = tables.Column(linkify=("case_publication:preview", [tables.A("pk")]))
    party_name = tables.Column()
    cause = tables.Column()
    decided_on = tables.DateColumn(format="Y-m-d")
    due_by = tables.Column(verbose_name="应公开期限", empty_values=(), order_by=("decided_on", "id"))
    days_left = tables.Column(verbose_name="剩余工作日", empty_values=(), order_by=("decided_on", "id"))

    class Meta(FazhiTable.Meta):
        model = Case
        fields = ("decision_number", "party_name", "cause", "decided_on", "due_by", "days_left")
        order_by = ("decided_on",)
        empty_text = "没有待公开的处罚决定。"

    def __init__(self, *args, today, calendar: WorkdayCalendar, **kwargs):
        self.today, self.calendar = today, calendar
        super().__init__(*args, **kwargs)

    def render_due_by(self, record):
        due = services.publication_due_by(record, self.calendar)
        if self.calendar.coverage(due.year) == YearCoverage.UNKNOWN:
            return format_html('{} <span class="badge badge-warn" title="{}">按周末推算</span>', f"{due:%Y-%m-%d}",
                               f"{due.year}年度节假日安排尚未录入")
        return f"{due:%Y-%m-%d}"

    def render_days_left(self, record):
        left = self.calendar.count_workdays(self.today, services.publication_due_by(record, self.calendar))
        if left < 0:
            return format_html('<span class="badge badge-bad">已逾期{}个工作日</span>', -left)
        if left == 0:
            return format_html('<span class="badge badge-bad">今日到期</span>')
        if left <= DUE_SOON_WORKDAYS:
            return format_html('<span class="badge badge-warn">{}</span>', left)
        return left


class PublicationQueueView(ScopedListView):
    model = Case
    filterset_class = DueDecisionFilterSet
    table_class = DueDecisionTable
    title = "待公开的处罚决定"
    roles = tuple(CASE_READER_ROLES)
    template_name = "cases/publication_queue.html"

    def scoped_queryset(self, queryset):
        return Publication.objects.due_unpublished(timezone.localdate(), cases=queryset)

    def get_table_kwargs(self):
        return {"today": timezone.localdate(), "calendar": WorkdayCalendar()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rules": CASE_RULES}


# ---- the published list ----------------------------------------------------------------------------------------

class PublicationFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="文号或当事人", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=PublicationStatus.choices, empty_label="全部")

    class Meta:
        model = Publication
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(decision_number__icontains=value) | Q(party_display__icontains=value))


class PublicationTable(FazhiTable):
    decision_number = tables.Column(linkify=("case_publication:detail", [tables.A("pk")]))
    party_display = tables.Column()
    organisation = tables.Column(verbose_name="公开机关", accessor="organisation__name",
                                 order_by=("organisation__path",))
    decided_on = tables.DateColumn(format="Y-m-d")
    published_on = tables.DateColumn(format="Y-m-d")
    takedown_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta(FazhiTable.Meta):
        model = Publication
        fields = ("decision_number", "party_display", "organisation", "decided_on", "published_on", "takedown_on",
                  "status")
        order_by = ("-published_on",)

    def render_published_on(self, record):
        if record.published_on > record.due_by:
            return format_html('{} <span class="badge badge-warn">逾期公开</span>', f"{record.published_on:%Y-%m-%d}")
        return f"{record.published_on:%Y-%m-%d}"

    def render_status(self, record):
        return status_badge(record)


class PublicationListView(ScopedListView):
    model = Publication
    filterset_class = PublicationFilterSet
    table_class = PublicationTable
    title = "已公开的处罚决定"
    roles = tuple(CASE_READER_ROLES)
    template_name = "cases/publication_list.html"

    def scoped_queryset(self, queryset):
        return queryset.select_related("organisation")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rules": CASE_RULES}


# ---- preview and publish ---------------------------------------------------------------------------------------

def _preview_context(case, user, form, today) -> dict:
    calendar = WorkdayCalendar()
    due_by = services.publication_due_by(case, calendar)
    body = form["body"].value() or ""
    return {
        "case": case, "form": form, "due_by": due_by, "days_left": calendar.count_workdays(today, due_by),
        "due_notice": services.due_date_notice(case), "rendered": services.redact(body, case),
        "can_publish": services.may_publish(user, case), "party": services.published_party(case),
        "takedown_years": (CASE_RULES.takedown_years_person if case.is_person
                           else CASE_RULES.takedown_years_organisation),
    }


def _publish_from(request, case, form):
    """Publish what the form holds; a redirect on success, None when the form now carries the service's errors."""
    try:
        publication = services.publish(case, actor=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, "处罚决定已在门户网站公开。")
    if publication.published_on > publication.due_by:
        messages.warning(request, f"本决定应于{publication.due_by:%Y-%m-%d}前公开，已逾期公开。")
    return redirect(detail_url(publication))


@login_required
@form_methods
def publication_preview(request, case_pk):
    case = visible_or_404(Case.objects.select_related("organisation__bureau"), request.user, case_pk)
    existing = Publication.objects.filter(case=case).first()
    if existing is not None:
        messages.info(request, "该案件的处罚决定已经公开过。")
        return redirect(detail_url(existing))
    problem = services.publishing_problem(case)
    if problem:
        messages.error(request, problem)
        return redirect("case_publication:queue")
    form = PublicationForm(request.POST or None, initial={"body": services.publication_text(case)})
    if request.method == "POST":
        services.ensure_may_publish(request.user, case)
        if form.is_valid():
            if request.POST.get("action") == "publish":
                done = _publish_from(request, case, form)
                if done is not None:
                    return done
            else:  # 预览: show the wording as it will be published, redacted
                form = PublicationForm(initial={"body": services.redact(form.cleaned_data["body"], case)})
    return render(request, "cases/publication_preview.html", _preview_context(case, request.user, form,
                                                                              timezone.localdate()))


# ---- a publication and its withdrawal --------------------------------------------------------------------------

@login_required
@require_GET
def publication_detail(request, pk):
    publication = visible_or_404(Publication.objects.select_related("case", "organisation"), request.user, pk)
    today = timezone.localdate()
    return render(request, "cases/publication_detail.html", {
        "publication": publication, "status_badge": status_badge(publication),
        "on_portal": Publication.objects.on_portal(today).filter(pk=publication.pk).exists(),
        "can_withdraw": (publication.status == PublicationStatus.PUBLISHED
                         and services.may_publish(request.user, publication.case)),
        "published_late": publication.published_on > publication.due_by,
    })


@login_required
@form_methods
def publication_withdraw(request, pk):
    publication = visible_or_404(Publication.objects.select_related("case"), request.user, pk)
    services.ensure_may_publish(request.user, publication.case, "撤回公开的处罚决定")
    if publication.status != PublicationStatus.PUBLISHED:
        messages.error(request, f"该处罚决定{publication.get_status_display()}，门户网站已不再显示，无需撤回。")
        return redirect(detail_url(publication))
    form = WithdrawalForm(request.POST or None, initial={"changed_on": timezone.localdate()})

    def save(form):
        changed_on = form.cleaned_data["changed_on"]
        services.withdraw(publication, actor=request.user, reason=form.cleaned_data["reason"], changed_on=changed_on)
        if services.withdrawal_is_late(changed_on, publication.withdrawn_on):
            due = services.withdrawal_due_by(changed_on)
            messages.warning(request, f"应于{due:%Y-%m-%d}前撤回，本次为逾期撤回，已记录在案。")
        return detail_url(publication)

    return save_form(request, form, save, title=f"撤回公开：{publication.decision_number}",
                     cancel_url=detail_url(publication), template="cases/publication_withdraw.html",
                     publication=publication, success_message="已撤回，门户网站不再显示该处罚决定。")
