"""The simple procedure on a phone (简易程序): one short form, from an inspection finding or from scratch, to a
numbered decision handed over on the spot.

The page makes a key when the officer starts typing and sends it with the form; a resend after a dropped
connection (or a second tap) gets the case the first one made. What is typed is kept in the browser until the
decision page has shown the number.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fazhi.core.forms import add_service_errors
from fazhi.core.permissions import roles_required, visible_or_404
from fazhi.core.workflow import TransitionRefused
from fazhi.inspections.choices import ItemResult
from fazhi.inspections.models import ItemCheck

from . import services
from .choices import PenaltyKind, Procedure
from .forms import SimpleDecisionForm
from .models import Case
from .querysets import SURCHARGE_PERCENT
from .rules import OFFICER_ROLES

PENALTY_LABELS = dict(PenaltyKind.choices)


def _finding(request) -> ItemCheck | None:
    pk = request.GET.get("check", "")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404("检查发现不存在。")
    check = visible_or_404(ItemCheck.objects.select_related("item", "record__inspection__entity"), request.user, pk)
    if check.result != ItemResult.NON_COMPLIANT:
        raise Http404("该检查事项结果不是“不合格”，不能据此处罚。")
    return check


@roles_required(*OFFICER_ROLES)
@require_http_methods(["GET", "POST"])
def simple_new(request):
    check = _finding(request)
    form = SimpleDecisionForm(request.POST or None, user=request.user, check=check)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.decide_on_the_spot(actor=request.user, on=timezone.localdate(),
                                               **form.service_fields(request.user))
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("cases:simple_decision", pk=case.pk)
    entity = check.record.inspection.entity if check is not None else None
    return render(request, "cases/simple_form.html", {
        "form": form, "check": check, "entity": entity, "title": "当场处罚",
        "draft_store": f"fazhi:simple-decision:{request.user.pk}:{check.pk if check else 'new'}",
        "general_url": reverse("cases:create_from_finding", args=[check.pk]) if check else reverse("cases:create"),
    })


@login_required
@require_GET
def simple_decision(request, pk):
    """The numbered decision as handed over: printable here, and as the document when that page is there."""
    case = visible_or_404(Case.objects.select_related("organisation", "violation", "entity", "domain")
                          .prefetch_related("team__officer", "team__certificate", "payments"), request.user, pk)
    if case.procedure != Procedure.SIMPLE or not case.decision_number:
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_decision.html", {
        "case": case, "penalties": [PENALTY_LABELS.get(k, k) for k in case.penalty_kind_codes],
        "paid": sum((p.amount for p in case.payments.all()), 0),
        "docx_url": reverse("cases:document_docx", args=[case.pk, "simple_penalty"]),
        "team": list(case.team.all()), "surcharge_percent": SURCHARGE_PERCENT,
    })
