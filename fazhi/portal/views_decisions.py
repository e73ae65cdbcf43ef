"""行政处罚决定公示 on the portal: the published penalty decisions, searchable by party or number, and each one's text.

Only what `Publication.objects.on_portal(today)` returns is shown: published, not withdrawn, within its display
period. The reads name their columns and hand back dataclasses, as the portal's selectors do; the only texts shown
are the party as published and the body, both redacted when the decision was published.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.cases.models import Publication

from .forms import PortalSearchForm
from .selectors import PublicPage

DECISIONS_PER_PAGE = 20
SUMMARY_FIELDS = ("id", "decision_number", "party_display", "organisation__name", "decided_on", "published_on")


@dataclass(frozen=True)
class PublicDecisionSummary:
    id: int
    decision_number: str
    party: str
    bureau_name: str
    decided_on: dt.date
    published_on: dt.date


@dataclass(frozen=True)
class PublicDecision:
    summary: PublicDecisionSummary
    body: str


def _summary(row: dict) -> PublicDecisionSummary:
    return PublicDecisionSummary(row["id"], row["decision_number"], row["party_display"], row["organisation__name"],
                                 row["decided_on"], row["published_on"])


def public_decisions(q: str, page_number, today: dt.date) -> PublicPage:
    rows = Publication.objects.on_portal(today)
    if q:
        rows = rows.filter(Q(decision_number__icontains=q) | Q(party_display__icontains=q)
                           | Q(organisation__name__icontains=q))
    rows = rows.order_by("-published_on", "-id").values(*SUMMARY_FIELDS)
    page = Paginator(rows, DECISIONS_PER_PAGE).get_page(page_number)
    return PublicPage([_summary(r) for r in page.object_list], page)


def public_decision(pk: int, today: dt.date) -> PublicDecision | None:
    row = Publication.objects.on_portal(today).filter(pk=pk).values(*SUMMARY_FIELDS, "body").first()
    return PublicDecision(_summary(row), row["body"]) if row is not None else None


@require_GET
def decision_list(request):
    form = PortalSearchForm(request.GET)
    listing = public_decisions(form.search_text(), request.GET.get("page"), timezone.localdate())
    return render(request, "portal/decisions.html", {"form": form, "listing": listing})


@require_GET
def decision_detail(request, pk: int):
    decision = public_decision(pk, timezone.localdate())
    if decision is None:
        raise Http404("没有找到这份处罚决定：它可能已被撤回或已过公示期限。请从处罚决定公示列表重新查找。")
    return render(request, "portal/decisions_detail.html", {"decision": decision})
