"""Filters of the warning list. Choices that name organisations and sections are those the viewer may see; the
list opens on the warnings not yet resolved."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from fazhi.core.filters import FazhiFilterSet, visible_organisations, visible_sections

from .choices import Severity, Source, WarningStatus
from .indicators import ORGS_SEPARATOR
from .models import EarlyWarning
from .warning_rules import RULES

UNRESOLVED_CHOICE = "unresolved"
STATUS_CHOICES = ((UNRESOLVED_CHOICE, "未消除（待处置、已知悉）"), *WarningStatus.choices)
RULE_CHOICES = tuple((rule.code, f"{rule.code} {rule.name}") for rule in RULES)


class EarlyWarningFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="记录或责任人", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, empty_label="全部", method="filter_status")
    severity = django_filters.ChoiceFilter(label="预警级别", choices=Severity.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="期限", choices=(("1", "已逾期"),), empty_label="全部",
                                          method="filter_overdue")
    rule = django_filters.ChoiceFilter(label="预警规则", choices=RULE_CHOICES, empty_label="全部", field_name="rule__code")
    source = django_filters.ChoiceFilter(label="业务", choices=Source.choices, empty_label="全部", method="filter_source")
    organisation = django_filters.ModelChoiceFilter(label="所属机构", queryset=visible_organisations, empty_label="全部")
    section = django_filters.ModelChoiceFilter(label="科室", queryset=visible_sections, empty_label="全部")
    first_seen = django_filters.DateFromToRangeFilter(label="首次发现日期")
    # The dashboard's figures link here with their organisations ("1.2.3"); not a field a person fills in.
    orgs = django_filters.CharFilter(method="filter_orgs", widget=forms.HiddenInput)

    class Meta:
        model = EarlyWarning
        fields = ["q", "status", "severity", "overdue", "rule", "source", "organisation", "section", "first_seen",
                  "orgs"]

    def __init__(self, data=None, *args, **kwargs):
        if data is None or "status" not in data:
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["status"] = UNRESOLVED_CHOICE
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(record_label__icontains=value) | Q(officer__full_name__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == UNRESOLVED_CHOICE:
            return queryset.unresolved()
        return queryset.filter(status=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_source(self, queryset, name, value):
        codes = [rule.code for rule in RULES if rule.source == value]
        return queryset.filter(rule__code__in=codes) if value else queryset

    def filter_orgs(self, queryset, name, value):
        try:
            ids = [int(pk) for pk in value.split(ORGS_SEPARATOR) if pk]
        except ValueError:
            return queryset.none()
        return queryset.filter(organisation_id__in=ids) if ids else queryset
