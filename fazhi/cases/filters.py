"""Filters of the case lists."""
from __future__ import annotations

import django_filters
from django import forms

from fazhi.core.filters import FazhiFilterSet
from fazhi.core.models import Domain

from .choices import CaseSource, CaseStatus, Procedure
from .models import Case
from .querysets import clock_book

YES = (("1", "是"),)


class CaseFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="当事人、案号或案由", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices, empty_label="全部")
    procedure = django_filters.ChoiceFilter(label="程序", choices=Procedure.choices, empty_label="全部")
    source = django_filters.ChoiceFilter(label="案件来源", choices=CaseSource.choices, empty_label="全部")
    domain = django_filters.ModelChoiceFilter(label="专业类别", queryset=Domain.objects.all(), empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=YES, method="filter_overdue", empty_label="全部")
    received_on = django_filters.DateFromToRangeFilter(label="发现或受理日期")
    # From an entity's page: its cases (hidden from the filter bar, kept in the address).
    entity = django_filters.NumberFilter(field_name="entity_id", label="", widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["q", "status", "procedure", "source", "domain", "overdue", "received_on", "entity"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(clock_book(self.request)) if value else queryset


class WorkFilterSet(FazhiFilterSet):
    """The search box of a work list: it is short, and ordered by what is due."""

    q = django_filters.CharFilter(label="当事人、案号或案由", method="search")
    domain = django_filters.ModelChoiceFilter(label="专业类别", queryset=Domain.objects.all(), empty_label="全部")

    class Meta:
        model = Case
        fields = ["q", "domain"]

    search = CaseFilterSet.search
