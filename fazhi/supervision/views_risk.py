"""The risk ranking page and the risk tab of an entity's page.

Both read only what `visible_to` allows. The ranking scores every entity in operation that the filters leave (one
query, `risk.risk_scores`), sorts by score and shows a page of them with their reasons; a scope larger than the
rules' `page_limit` is asked to narrow first (a bureau, a domain), since sorting a province's million belongs
in a batch, not a page.
"""
from __future__ import annotations

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.filters import FazhiFilterSet
from fazhi.core.listing import varies_with_htmx, wants_part
from fazhi.core.models import Domain
from fazhi.entities.choices import CreditGrade, EntityStatus
from fazhi.entities.filters import supervising_bureaus, visible_townships
from fazhi.entities.models import Entity
from fazhi.entities.tables import grade_badge

from .risk import DOMAIN_LABELS, FACTORS, RISK_RULES, risk_scores

ROWS_PER_PAGE = 50
HIGH_CHOICES = (("1", "仅高风险"),)


class RiskFilterSet(FazhiFilterSet):
    organisation = django_filters.ModelChoiceFilter(label="监管机关", queryset=supervising_bureaus, empty_label="全部")
    township = django_filters.ModelChoiceFilter(label="乡镇（街道）", queryset=visible_townships, empty_label="全部",
                                                help_text="市、省级用户请先选择监管机关。")
    domain = django_filters.ModelChoiceFilter(label="监管专业", queryset=Domain.objects.all(), empty_label="全部",
                                              method="filter_domain")
    credit_grade = django_filters.ChoiceFilter(label="信用等级", choices=CreditGrade.choices, empty_label="全部")
    high = django_filters.ChoiceFilter(label="风险程度", choices=HIGH_CHOICES, empty_label="全部", method="keep_all")

    class Meta:
        model = Entity
        fields = ["organisation", "township", "domain", "credit_grade", "high"]

    def filter_domain(self, queryset, name, value):
        return queryset.in_domain(value.pk)

    def keep_all(self, queryset, name, value):
        return queryset  # applied to the scores, after scoring


def rules_legend() -> list[tuple[str, str, str]]:
    """(factor, what it counts, its weights) for the page's legend, read from the rules table."""
    rules = RISK_RULES
    grades = "，".join(f"{grade}级{points}分" for grade, points in rules.grade_points.items())
    domains = "，".join(f"{DOMAIN_LABELS[code]}{points}分" for code, points in rules.domain_points.items())
    weights = {
        "grade": grades,
        "penalties": f"每次{rules.penalty_points}分，最多计{rules.penalty_count_cap}次（近{rules.history_years}年）",
        "findings": f"每项{rules.finding_points}分，最多计{rules.finding_count_cap}项（近{rules.history_years}年）",
        "complaints": f"每次{rules.complaint_points}分，最多计{rules.complaint_count_cap}次（现暂不计分）",
        "last_visit": f"每月{rules.months_points}分，最多计{rules.months_cap}个月",
        "domain": domains,
    }
    return [(factor.label, factor.basis, weights[factor.key]) for factor in FACTORS]


@varies_with_htmx
@login_required
@require_GET
def ranking(request):
    today = timezone.localdate()
    base = Entity.objects.visible_to(request.user).filter(status=EntityStatus.OPERATING)
    filters = RiskFilterSet(request.GET, queryset=base, request=request)
    entities = filters.qs  # filters only narrow the viewer's own scope; a value not offered to them is ignored
    in_scope = entities.count()
    context = {"filter": filters, "title": "监管对象风险排名", "today": today, "in_scope": in_scope,
               "rules": RISK_RULES, "legend": rules_legend(), "too_many": in_scope > RISK_RULES.page_limit}
    if not context["too_many"]:
        scores = risk_scores(entities, today)
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1].score, pair[0]))
        context["high_count"] = sum(1 for _, found in ranked if found.is_high)
        if request.GET.get("high") == "1":
            ranked = [(pk, found) for pk, found in ranked if found.is_high]
        page = Paginator([(n, pk, found) for n, (pk, found) in enumerate(ranked, start=1)],
                         ROWS_PER_PAGE).get_page(request.GET.get("page"))
        named = Entity.objects.select_related("organisation", "township").in_bulk([pk for _, pk, _ in page])
        context.update(page=page, rows=[{"rank": n, "entity": named[pk], "risk": found, "grade": grade_badge(named[pk])}
                                        for n, pk, found in page])
        query = request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
    template = "supervision/risk_ranking_results.html" if wants_part(request) else "supervision/risk_ranking.html"
    return render(request, template, context)


def entity_risk(request, entity) -> dict:
    """The entity tab's context: its score today, with every factor's points and reasons."""
    today = timezone.localdate()
    found = risk_scores(Entity.objects.filter(pk=entity.pk), today)[entity.pk]
    return {"risk": found, "risk_day": today, "rules": RISK_RULES, "legend": rules_legend()}
