"""Opening a case from its source: a registered entity or a party typed in (complaint, referral, transfer, found
otherwise), a non-conforming item of an on-site record, or a failed rectification. Each form calls one service;
the party, team and findings are taken over from what the inspection already holds."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.permissions import visible_or_404
from fazhi.entities.models import Entity
from fazhi.inspections.choices import ItemResult, OpinionStatus
from fazhi.inspections.models import ItemCheck, SupervisionOpinion
from fazhi.inspections.rectification import case_referral, overdue_opinions, referable

from . import services
from .forms import CaseFromFindingForm, CaseOpenForm, ReferralForm
from .rules import CASE_READER_ROLES
from .views_steps import detail_url

PENDING_LIST_LENGTH = 20


def ensure_may_open(user) -> None:
    """Refuse the form itself, not only its submission, to those the service would refuse."""
    services.ensure_case_staff(user, "登记案件")


def pending_sources(user) -> dict:
    """Failed rectifications waiting to become cases: handed over without a case, or overdue and not yet."""
    opinions = SupervisionOpinion.objects.writable_by(user).select_related("inspection__entity")
    handed_over = opinions.filter(status=OpinionStatus.HANDED_OVER, cases__isnull=True).order_by("-handed_over_at")
    overdue = overdue_opinions(opinions, timezone.localdate()).order_by("issued_on")
    return {"handed_over": list(handed_over[:PENDING_LIST_LENGTH]), "overdue": list(overdue[:PENDING_LIST_LENGTH])}


@login_required
@form_methods
def case_create(request):
    ensure_may_open(request.user)
    entity_pk = request.GET.get("entity", "")
    entity = None
    if entity_pk.isdigit():
        entity = Entity.objects.writable_by(request.user).filter(pk=entity_pk).first()
        if entity is None:
            raise Http404("监管对象不存在，或不属于本局。")
    form = CaseOpenForm(request.POST or None, user=request.user, entity=entity)

    def save(form):
        return detail_url(services.open_case(actor=request.user, **form.service_fields()))

    return save_form(request, form, save, title="登记案件", template="cases/open.html",
                     cancel_url=reverse("cases:list"), success_message="案件已登记，请在立案期限内报请立案审批。",
                     entity=entity, **({} if entity else pending_sources(request.user)))


@login_required
@form_methods
def case_from_finding(request, check_pk):
    """A general-procedure case from a non-conforming item of an on-site record."""
    ensure_may_open(request.user)
    check = visible_or_404(ItemCheck.objects.select_related("item", "record__inspection__entity"), request.user,
                           check_pk)
    if check.result != ItemResult.NON_COMPLIANT:
        raise Http404("该检查事项结果不是“不合格”，不能据此立案。")
    form = CaseFromFindingForm(request.POST or None, check=check)

    def save(form):
        return detail_url(services.open_case_from_finding(check, actor=request.user, **form.service_fields()))

    return save_form(request, form, save, title="依检查发现登记案件", template="cases/open_from.html",
                     cancel_url=url_of_record(check), success_message="案件已登记，当事人、执法人员和检查发现已从现场笔录带入。",
                     check=check, entity=check.record.inspection.entity,
                     simple_url=f"{reverse('cases:simple_new')}?check={check.pk}")


def url_of_record(check) -> str:
    return reverse("inspections:record", args=[check.record.inspection_id])


@login_required
@form_methods
def case_from_opinion(request, opinion_pk):
    """A case from a failed rectification: handed over and opened in one call, or opened from an earlier
    hand-over that has no case yet."""
    ensure_may_open(request.user)
    opinion = visible_or_404(SupervisionOpinion.objects.select_related("inspection__entity"), request.user,
                             opinion_pk)
    if not opinion.is_writable_by(request.user) or not request.user.has_role(*CASE_READER_ROLES):
        raise PermissionDenied("该意见书不属于本局，不能转立案。")
    handed_over = opinion.status == OpinionStatus.HANDED_OVER
    if handed_over and opinion.cases.exists():
        raise Http404("该意见书已立案。")
    if not handed_over and not (opinion.status == OpinionStatus.ISSUED and referable(opinion, timezone.localdate())):
        raise Http404("该意见书尚无逾期未整改合格或经审核整改不合格的事项，不能转立案。")
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if handed_over:
        del form.fields["reason"]

    def save(form):
        if handed_over:
            case = services.open_case_from_referral(case_referral(opinion), actor=request.user)
        else:
            case = services.refer_rectification(opinion, actor=request.user, reason=form.cleaned_data["reason"])
        return detail_url(case)

    return save_form(request, form, save, title=f"整改不合格转立案：{opinion.number}", template="cases/open_from.html",
                     cancel_url=reverse("inspections:opinion_detail", args=[opinion.pk]),
                     success_message="案件已登记，当事人、来源检查和未整改事项已从意见书带入。",
                     opinion=opinion, entity=opinion.inspection.entity, confirm_only=handed_over)
