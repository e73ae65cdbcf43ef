"""Staff pages of rectification: the list of opinions, issuing one from a signed visit, an opinion's page with its
items and the entity's evidence, the officer's decision on each item, and the hand-over to a penalty case.

Reading follows `visible_to`; acting needs an inspector of the opinion's own bureau. The services check again.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import visible_or_404
from fazhi.core.workflow import TransitionRefused

from . import rectification as services
from .choices import OpinionStatus
from .choices import RectificationStatus as R
from .filters_rectification import SupervisionOpinionFilterSet, VisitAwaitingOpinionFilterSet
from .forms_rectification import HandOverForm, OpinionForm, RejectForm
from .models import Inspection, RectificationEvidence, SupervisionOpinion
from .permissions import INSPECTOR_ROLES
from .tables_rectification import SupervisionOpinionTable, VisitAwaitingOpinionTable, opinion_badge

ITEM_BADGES = {R.PENDING: "badge-warn", R.SUBMITTED: "", R.ACCEPTED: "badge-ok", R.REJECTED: "badge-bad"}


def detail_url(opinion) -> str:
    return reverse("inspections:opinion_detail", args=[opinion.pk])


def visit_url(inspection) -> str | None:
    """The visit's own page, when that part of the app offers one."""
    try:
        return reverse("inspections:detail", args=[inspection.pk])
    except NoReverseMatch:
        return None


def may_handle(user, opinion) -> bool:
    return user.has_role(*INSPECTOR_ROLES) and opinion.is_writable_by(user)


class SupervisionOpinionListView(ScopedListView):
    model = SupervisionOpinion
    filterset_class = SupervisionOpinionFilterSet
    table_class = SupervisionOpinionTable
    title = "卫生监督意见书"
    create_url_name = "inspections:opinion_visits"
    create_roles = INSPECTOR_ROLES

    def scoped_queryset(self, queryset):
        return services.with_progress(queryset.select_related("inspection__entity"), timezone.localdate())


class VisitAwaitingOpinionListView(ScopedListView):
    model = Inspection
    filterset_class = VisitAwaitingOpinionFilterSet
    table_class = VisitAwaitingOpinionTable
    title = "出具卫生监督意见书：选择已签笔录的检查"
    roles = INSPECTOR_ROLES

    def scoped_queryset(self, queryset):
        return services.visits_awaiting_opinion(queryset, self.request.user).select_related("entity")


@login_required
@form_methods
def opinion_create(request, inspection_pk):
    inspection = visible_or_404(Inspection.objects.select_related("entity"), request.user, inspection_pk)
    services.ensure_may_issue(request.user, inspection)
    form = OpinionForm(request.POST or None, suggestions=services.suggested_items(inspection))

    def save(form):
        opinion = services.issue_opinion(inspection, actor=request.user, issued_on=form.cleaned_data["issued_on"],
                                         items=form.drafts())
        return detail_url(opinion)

    return save_form(request, form, save, title=f"出具卫生监督意见书：{inspection.entity}",
                     cancel_url=visit_url(inspection) or reverse("inspections:opinion_visits"),
                     template="inspections/rectification/opinion_form.html", inspection=inspection,
                     success_message="已出具卫生监督意见书。")


def _item_rows(opinion, items, *, can_decide: bool) -> list[dict]:
    today, in_progress = timezone.localdate(), opinion.status == OpinionStatus.ISSUED
    return [{
        "item": item, "badge": ITEM_BADGES.get(item.status, ""), "evidence": list(item.evidence.all()),
        "overdue": in_progress and item.status != R.ACCEPTED and item.deadline < today,
        "can_decide": can_decide and in_progress and item.status == R.SUBMITTED,
    } for item in items]


@login_required
@require_GET
def opinion_detail(request, pk):
    opinion = visible_or_404(
        SupervisionOpinion.objects.select_related("inspection__entity", "organisation", "created_by"), request.user, pk)
    items = opinion.items.select_related("decided_by").prefetch_related("evidence")
    can_handle = may_handle(request.user, opinion)
    in_progress = opinion.status == OpinionStatus.ISSUED
    return render(request, "inspections/rectification/opinion_detail.html", {
        "opinion": opinion, "entity": opinion.inspection.entity, "status_badge": opinion_badge(opinion),
        "rows": _item_rows(opinion, items, can_decide=can_handle), "visit_url": visit_url(opinion.inspection),
        "can_hand_over": can_handle and in_progress and services.referable(opinion, timezone.localdate()),
        "rechecks": opinion.rechecks.order_by("-window_start", "-id"),
    })


def _handled_opinion(request, pk, what: str) -> SupervisionOpinion:
    opinion = visible_or_404(SupervisionOpinion.objects.select_related("inspection__entity"), request.user, pk)
    services.ensure_may_decide(request.user, opinion, what)
    return opinion


@login_required
@require_POST
def item_accept(request, pk, item_pk):
    opinion = _handled_opinion(request, pk, "审核整改情况")
    item = get_object_or_404(opinion.items, pk=item_pk)
    try:
        services.decide_item(item, actor=request.user, accepted=True)
    except (ValidationError, TransitionRefused) as refusal:
        messages.error(request, getattr(refusal, "message", None) or "；".join(refusal.messages))
    else:
        opinion.refresh_from_db(fields=["status"])
        closed = "各事项均已整改合格，意见书已办结。" if opinion.status == OpinionStatus.CLOSED else ""
        messages.success(request, f"已判定整改合格。{closed}")
    return redirect(detail_url(opinion))


@login_required
@form_methods
def item_reject(request, pk, item_pk):
    opinion = _handled_opinion(request, pk, "审核整改情况")
    item = get_object_or_404(opinion.items, pk=item_pk)
    form = RejectForm(request.POST or None)

    def save(form):
        services.decide_item(item, actor=request.user, accepted=False, note=form.cleaned_data["note"])
        return detail_url(opinion)

    return save_form(request, form, save, title=f"判定整改不合格：{item}", cancel_url=detail_url(opinion),
                     success_message="已判定整改不合格，该事项退回待被检查单位重新提交整改材料。")


@login_required
@form_methods
def opinion_hand_over(request, pk):
    opinion = _handled_opinion(request, pk, "转立案")
    form = HandOverForm(request.POST or None)

    def save(form):
        services.hand_over_to_case(opinion, actor=request.user, reason=form.cleaned_data["reason"])
        return detail_url(opinion)

    return save_form(request, form, save, title=f"转立案：{opinion.number}", cancel_url=detail_url(opinion),
                     success_message="已转立案，整改情况已移交案件办理。")


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = visible_or_404(RectificationEvidence.objects.all(), request.user, pk)
    if not evidence.file:
        raise Http404("该整改材料没有附件。")
    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1])
