"""Filters of the law library's lists."""
from __future__ import annotations

import django_filters
from django.utils import timezone

from fazhi.core.filters import FazhiFilterSet, SearchFilterSet

from .choices import LawLevel
from .models import Law, Provision

SCOPE_CHOICES = (("in_force", "今日施行的版本"), ("all", "全部版本（含已被修订的）"))


class LawFilterSet(SearchFilterSet):
    search_fields = ("title", "short_title", "issuer")
    q = django_filters.CharFilter(label="标题、简称或制定机关", method="search")
    level = django_filters.ChoiceFilter(label="效力层级", choices=LawLevel.choices, empty_label="全部")

    class Meta:
        model = Law
        fields = ["q", "level"]


class ProvisionFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="条文内容", method="search_text")
    law = django_filters.ModelChoiceFilter(label="法律法规", field_name="version__law", queryset=Law.objects.all(),
                                           empty_label="全部")
    scope = django_filters.ChoiceFilter(label="版本", choices=SCOPE_CHOICES, method="filter_scope",
                                        empty_label="全部版本")

    class Meta:
        model = Provision
        fields = ["q", "law", "scope"]

    def search_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_scope(self, queryset, name, value):
        if value == "in_force":
            return queryset.in_force_on(timezone.localdate())
        return queryset
