"""The entity's side of rectification on the portal, without sign-in: it enters its inspection code, sees the
open items of its supervision opinions and sends a note and/or a file for each.

The visit's inspection code is the only key. An expired code still opens these pages as long as an opinion of the
visit is 整改中: the code's display period ends with the visit, but rectification runs on past it, to the items'
deadlines and the officer's decisions; once the opinion is closed or handed over, the code opens nothing here.
Wrong codes are counted per client address: after rules.code_guesses_allowed misses within
code_guess_window_seconds the page answers 429 until the window has passed.
"""
from __future__ import annotations

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fazhi.core.form_views import form_methods
from fazhi.core.forms import add_service_errors

from .forms_rectification import EvidenceCodeForm, EvidenceForm
from .models import Inspection, RectificationItem
from .rectification import OPEN_ITEM_STATUSES, find_visit_by_code, open_opinions_for_visit, submit_evidence
from .rules import INSPECTION_RULES
from .throttle import GuessCounter

SESSION_KEY = "inspections.evidence_visit"
# Misses here are counted apart from the code page's: they do not spend its allowance.
GUESSES = GuessCounter("evidence-code")


def _throttled(request):
    minutes = math.ceil(INSPECTION_RULES.code_guess_window_seconds / 60)
    return render(request, "inspections/portal/evidence_throttled.html", {"minutes": minutes}, status=429)


def _session_visit(request) -> Inspection | None:
    pk = request.session.get(SESSION_KEY)
    return Inspection.objects.select_related("entity").filter(pk=pk).first() if pk else None


@form_methods
def evidence_start(request):
    if GUESSES.blocked_until(request) is not None:
        return _throttled(request)
    form = EvidenceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = find_visit_by_code(form.cleaned_data["code"])
        if visit is None:
            GUESSES.note_miss(request)
            form.add_error("code", "检查码不正确，请核对执法人员出示的检查码后重新输入。")
        elif not open_opinions_for_visit(visit).exists():
            form.add_error("code", "该次检查没有正在整改中的卫生监督意见书，无需提交整改材料。")
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = visit.pk
            return redirect("inspections_portal:evidence_items")
    return render(request, "inspections/portal/evidence.html", {"form": form})


@require_http_methods(["GET"])
def evidence_items(request):
    visit = _session_visit(request)
    if visit is None:
        return redirect("inspections_portal:evidence")
    opinions = [{"opinion": o, "items": list(o.items.filter(status__in=OPEN_ITEM_STATUSES))}
                for o in open_opinions_for_visit(visit)]
    return render(request, "inspections/portal/evidence_items.html", {"visit": visit, "opinions": opinions})


def _open_item(visit, item_pk) -> RectificationItem:
    item = (RectificationItem.objects.filter(pk=item_pk, opinion__in=open_opinions_for_visit(visit),
                                             status__in=OPEN_ITEM_STATUSES).select_related("opinion").first())
    if item is None:
        raise Http404("该整改事项不存在或已办结。")
    return item


@form_methods
def evidence_upload(request, item_pk):
    visit = _session_visit(request)
    if visit is None:
        return redirect("inspections_portal:evidence")
    item = _open_item(visit, item_pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_evidence(item, note=form.cleaned_data["note"], upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "整改材料已提交，执法人员审核后会更新该事项的状态。")
            return redirect("inspections_portal:evidence_items")
    return render(request, "inspections/portal/evidence_upload.html", {"visit": visit, "item": item, "form": form})


@require_POST
def evidence_leave(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("inspections_portal:evidence")
