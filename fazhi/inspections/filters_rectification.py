"""Filters of the opinion list."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from fazhi.core.filters import FazhiFilterSet

from .choices import OpinionStatus
from .models import Inspection, SupervisionOpinion
from .rectification import overdue_opinions


class SupervisionOpinionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="文号或监管对象", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=OpinionStatus.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=(("1", "有逾期未整改合格的事项"),), method="filter_overdue",
                                          empty_label="全部")
    issued_on = django_filters.DateFromToRangeFilter(label="出具日期")

    class Meta:
        model = SupervisionOpinion
        fields = ["q", "status", "overdue", "issued_on"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(inspection__entity__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return overdue_opinions(queryset, timezone.localdate()) if value else queryset


class VisitAwaitingOpinionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称", field_name="entity__name", lookup_expr="icontains")

    class Meta:
        model = Inspection
        fields = ["q"]
