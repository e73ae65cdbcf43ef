"""Filters of the joint-inspection lists."""
from __future__ import annotations

import django_filters
from django.db.models import Q

from fazhi.core.filters import FazhiFilterSet

from .choices import Department
from .models import ExternalTask, JointVisit

MERGED_CHOICES = (("1", "已合并"), ("0", "未合并"))


def search_entity(queryset, name, value):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(Q(entity__name__icontains=value) | Q(entity__credit_code=value.upper()))


class ExternalTaskFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称或信用代码", method="search")
    department = django_filters.ChoiceFilter(label="部门", choices=Department.choices, empty_label="全部")
    merged = django_filters.ChoiceFilter(label="合并情况", choices=MERGED_CHOICES, method="filter_merged",
                                         empty_label="全部")
    window_start = django_filters.DateFromToRangeFilter(label="检查日期起")

    class Meta:
        model = ExternalTask
        fields = ["q", "department", "merged", "window_start"]

    def search(self, queryset, name, value):
        return search_entity(queryset, name, value)

    def filter_merged(self, queryset, name, value):
        return queryset.filter(joint_visit__isnull=value != "1") if value else queryset


class JointVisitFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="监管对象名称或信用代码", method="search")
    lead_department = django_filters.ChoiceFilter(label="牵头部门", choices=Department.choices, empty_label="全部")
    window_start = django_filters.DateFromToRangeFilter(label="联合检查日期")

    class Meta:
        model = JointVisit
        fields = ["q", "lead_department", "window_start"]

    def search(self, queryset, name, value):
        return search_entity(queryset, name, value)
