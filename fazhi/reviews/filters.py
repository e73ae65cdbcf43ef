"""Filters of the review lists. `org` (ids, comma-separated) and the date ranges are how the dashboard's figures
link to their records; `section` is the lead officer's section, `officer` an officer on the team."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django_filters.widgets import BaseCSVWidget

from fazhi.cases.models import Case, CaseOfficer
from fazhi.core.filters import FazhiFilterSet, visible_sections

from .choices import Grade, ManualReviewStatus, SamplingMethod
from .models import AutomaticFinding, AutomaticReview, ManualReview, ReviewBatch, RubricItem

YES = (("1", "是"),)


class HiddenCSVWidget(BaseCSVWidget, forms.HiddenInput):
    pass


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


def visible_batches(request):
    if request is None:
        return ReviewBatch.objects.none()
    return ReviewBatch.objects.visible_to(request.user).order_by("-year", "-id")


class CaseLinkedFilterSet(FazhiFilterSet):
    """Filters shared by every list of rows that belong to a case (`case_field` is the lookup to it)."""

    case_field = "case"

    q = django_filters.CharFilter(label="当事人、案号或案由", method="filter_case_search")
    section = django_filters.ModelChoiceFilter(label="主办人科室", queryset=visible_sections, method="filter_section",
                                               empty_label="全部")
    officer_name = django_filters.CharFilter(label="承办人", method="filter_officer_name")
    officer = django_filters.NumberFilter(label="", method="filter_officer", widget=forms.HiddenInput)
    org = NumberInFilter(label="", method="filter_org", widget=HiddenCSVWidget)

    def filter_case_search(self, queryset, name, value):
        if not (value or "").strip():
            return queryset
        return queryset.filter(**{f"{self.case_field}__in": Case.objects.search(value).values("pk")})

    def filter_section(self, queryset, name, value):
        return queryset.in_section(value.pk) if value else queryset

    def filter_officer(self, queryset, name, value):
        return queryset.of_officer(value) if value else queryset

    def filter_officer_name(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        team = CaseOfficer.objects.filter(case=OuterRef(self.case_field), officer__full_name__icontains=value)
        return queryset.filter(Exists(team))

    def filter_org(self, queryset, name, value):
        return queryset.of_organisations(value) if value else queryset


class AutomaticReviewFilterSet(CaseLinkedFilterSet):
    flagged = django_filters.ChoiceFilter(label="发现问题", choices=YES, method="filter_flagged", empty_label="全部")
    vetoed = django_filters.ChoiceFilter(label="触及否决项", choices=YES, method="filter_vetoed", empty_label="全部")
    received_from = django_filters.DateFilter(label="受理日期起", field_name="case__received_on", lookup_expr="gte",
                                              widget=forms.DateInput(attrs={"type": "date"}))
    received_to = django_filters.DateFilter(label="受理日期止", field_name="case__received_on", lookup_expr="lte",
                                            widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AutomaticReview
        fields = ["q", "flagged", "vetoed", "section", "officer_name", "received_from", "received_to", "officer",
                  "org"]

    def filter_flagged(self, queryset, name, value):
        return queryset.flagged() if value else queryset

    def filter_vetoed(self, queryset, name, value):
        return queryset.vetoed() if value else queryset


class FindingFilterSet(CaseLinkedFilterSet):
    item = django_filters.ModelChoiceFilter(label="评查条目", queryset=RubricItem.objects.exclude(check_code=""),
                                            empty_label="全部")
    is_veto = django_filters.ChoiceFilter(label="否决项", choices=YES, method="filter_veto", empty_label="全部")

    class Meta:
        model = AutomaticFinding
        fields = ["q", "item", "is_veto", "section", "officer_name", "officer", "org"]

    def filter_veto(self, queryset, name, value):
        return queryset.filter(is_veto=True) if value else queryset


class BatchFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="批次名称", field_name="name", lookup_expr="icontains")
    year = django_filters.NumberFilter(label="年度")
    method = django_filters.ChoiceFilter(label="选取方式", choices=SamplingMethod.choices, empty_label="全部")

    class Meta:
        model = ReviewBatch
        fields = ["q", "year", "method"]


class ManualReviewFilterSet(CaseLinkedFilterSet):
    batch = django_filters.ModelChoiceFilter(label="评查批次", queryset=visible_batches, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=ManualReviewStatus.choices, empty_label="全部")
    grade = django_filters.ChoiceFilter(label="评查结论", choices=Grade.choices, empty_label="全部")
    signed_from = django_filters.DateFilter(label="签署日期起", method="filter_signed_from",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    signed_to = django_filters.DateFilter(label="签署日期止", method="filter_signed_to",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = ManualReview
        fields = ["q", "batch", "status", "grade", "section", "officer_name", "signed_from", "signed_to", "officer",
                  "org"]

    def filter_signed_from(self, queryset, name, value):
        return queryset.signed_since(value) if value else queryset

    def filter_signed_to(self, queryset, name, value):
        return queryset.signed_until(value) if value else queryset
