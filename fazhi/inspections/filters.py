"""Filters of the inspection lists."""
from __future__ import annotations

import django_filters

from fazhi.core.filters import FazhiFilterSet

from .choices import InspectionStatus, VisitReason
from .models import Inspection


class InspectionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称", field_name="entity__name", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="状态", choices=InspectionStatus.choices, empty_label="全部")
    reason = django_filters.ChoiceFilter(label="检查事由", choices=VisitReason.choices, empty_label="全部")
    window_start = django_filters.DateFromToRangeFilter(label="计划检查日期")

    class Meta:
        model = Inspection
        fields = ["q", "status", "reason", "window_start"]
