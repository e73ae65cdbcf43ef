"""Filters of the inspection lists."""
from __future__ import annotations

import django_filters
from django import forms

from fazhi.core.filters import FazhiFilterSet

from .choices import InspectionStatus, VisitReason
from .models import Inspection, VisitRating
from .rules import INSPECTION_RULES


class InspectionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称", method="filter_entity")
    status = django_filters.ChoiceFilter(label="状态", choices=InspectionStatus.choices, empty_label="全部")
    reason = django_filters.ChoiceFilter(label="检查事由", choices=VisitReason.choices, empty_label="全部")
    window_start = django_filters.DateFromToRangeFilter(label="计划检查日期")
    # From an entity's page: its visits (hidden from the filter bar, kept in the address).
    entity = django_filters.NumberFilter(field_name="entity_id", widget=forms.HiddenInput)

    class Meta:
        model = Inspection
        fields = ["q", "status", "reason", "window_start", "entity"]

    def filter_entity(self, queryset, name, value):
        # On the visit's own copy of the entity's names: going through the entities first collected every
        # matching entity of the province (118,000 clinics) before the first visit was found.
        return queryset.search_entity(value)


class VisitRatingFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称", field_name="inspection__entity__name", lookup_expr="icontains")
    score = django_filters.ChoiceFilter(
        label="评分", empty_label="全部",
        choices=[(n, f"{n}分") for n in range(INSPECTION_RULES.rating_min, INSPECTION_RULES.rating_max + 1)],
    )
    created_at = django_filters.DateFromToRangeFilter(label="评价日期")

    class Meta:
        model = VisitRating
        fields = ["q", "score", "created_at"]
