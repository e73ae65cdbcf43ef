"""The portal's inspection-code pages (亮码入企): no sign-in. The entity types or scans the code, sees who is
inspecting and against which items, confirms the visit and rates it anonymously.

Every miss (malformed, unknown, expired or cancelled code) gets the same plain answer, so nothing tells whether a
code exists; misses are counted per client address and, past the limit, every lookup waits.
"""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import codes, visits
from .forms_visits import RatingForm
from .rules import INSPECTION_RULES
from .throttle import GuessCounter

TEMPLATE = "inspections/portal/code.html"
NOT_FOUND = ("未查到有效的检查码。请核对检查人员出示的{n}位检查码后重新输入；检查码自检查结束后{h}小时起失效，"
             "已取消的检查没有有效的检查码。如有疑问，请致电监管机关核实。").format(
    n=INSPECTION_RULES.code_length, h=INSPECTION_RULES.code_valid_hours_after_window)


# Misses here are counted apart from the evidence page's.
GUESSES = GuessCounter("inspection-code")


def _too_many(request, until: dt.datetime):
    local = timezone.localtime(until)
    message = f"查询次数过多，请于{local:%H:%M}以后再试。"
    response = render(request, TEMPLATE, {"error": message, "code_text": ""}, status=429)
    response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return response


def _miss(request, code_text: str):
    GUESSES.note_miss(request)
    return render(request, TEMPLATE, {"error": NOT_FOUND, "code_text": code_text[:40]}, status=404)


def _found(request, code: str):
    """The live visit for `code`, or a response: 429 while blocked, the plain answer on a miss."""
    until = GUESSES.blocked_until(request)
    if until is not None:
        return None, _too_many(request, until)
    inspection = codes.lookup(code)
    if inspection is None:
        return None, _miss(request, code or "")
    return inspection, None


def _visit_context(inspection, form=None) -> dict:
    return {
        "inspection": inspection,
        "team": inspection.team.select_related("officer", "certificate"),
        "items": inspection.items.select_related("domain"),
        "rated": inspection.ratings.exists(),
        "form": form or RatingForm(),
    }


# ---- pages -----------------------------------------------------------------------------------------------------

@require_GET
def code_lookup(request):
    """The form to type a code in; with `?code=` it looks the code up."""
    text = (request.GET.get("code") or "").strip()
    if not text:
        return render(request, TEMPLATE, {"code_text": ""})
    inspection, refusal = _found(request, text)
    if refusal is not None:
        return refusal
    return redirect("inspections_portal:code", code=inspection.code)


@require_GET
def code_detail(request, code: str):
    """What a scanned QR code opens: the visit, its officers and items, and the rating form."""
    inspection, refusal = _found(request, code)
    if refusal is not None:
        return refusal
    return render(request, TEMPLATE, _visit_context(inspection))


@require_http_methods(["POST"])
def code_rate(request, code: str):
    inspection, refusal = _found(request, code)
    if refusal is not None:
        return refusal
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            visits.rate_visit(inspection, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已确认本次检查并提交评价，感谢您的反馈。评价以匿名方式送达监管机关负责人。")
            return redirect("inspections_portal:code", code=inspection.code)
    return render(request, TEMPLATE, _visit_context(inspection, form), status=400)
