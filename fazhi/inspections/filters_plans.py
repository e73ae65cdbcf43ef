"""Filters of the item list, plans, campaigns and the burden report."""
from __future__ import annotations

import django_filters
from django.utils import timezone

from fazhi.core.filters import FazhiFilterSet, SearchFilterSet
from fazhi.core.models import Domain
from fazhi.entities.models import Entity

from .choices import ItemStatus, PlanStatus
from .models import Campaign, InspectionItem, InspectionPlan

# The burden report looks back this many years.
BURDEN_YEARS_SHOWN = 5


class InspectionItemFilterSet(SearchFilterSet):
    search_fields = ("title", "code", "legal_basis")
    q = django_filters.CharFilter(label="事项名称、编码或依据", method="search")
    domain = django_filters.ModelChoiceFilter(label="监管专业", queryset=Domain.objects.all(), empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部")

    class Meta:
        model = InspectionItem
        fields = ["q", "domain", "status"]


class InspectionPlanFilterSet(SearchFilterSet):
    search_fields = ("name",)
    q = django_filters.CharFilter(label="计划名称", method="search")
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(label="状态", choices=PlanStatus.choices, empty_label="全部")

    class Meta:
        model = InspectionPlan
        fields = ["q", "year", "status"]


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("theme",)
    q = django_filters.CharFilter(label="专项主题", method="search")

    class Meta:
        model = Campaign
        fields = ["q"]


def burden_years():
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year, this_year - BURDEN_YEARS_SHOWN, -1)]


class BurdenFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称", method="search")
    # The year is read by the view to count the visits; as a filter it only shows the choice.
    year = django_filters.ChoiceFilter(label="年度", choices=burden_years, method="keep", empty_label=None)

    class Meta:
        model = Entity
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def keep(self, queryset, name, value):
        return queryset
