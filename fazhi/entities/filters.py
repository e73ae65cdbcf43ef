"""The entity list's filters. The export uses the same filter set, so it exports exactly the list on screen."""
from __future__ import annotations

import django_filters

from fazhi.core.choices import RegionLevel
from fazhi.core.filters import FazhiFilterSet, visible_organisations
from fazhi.core.models import Domain, Region

from .choices import CreditGrade, EntityStatus
from .models import Entity
from .querysets import townships_in
from .rules import KIND_CHOICES, SUB_KIND_CHOICES

KEY_CHOICES = (("1", "是"), ("0", "否"))


def visible_townships(request):
    """The townships a viewer can pick: a county's own; above a county, on a page, those of the bureau chosen in
    the 监管机关 filter (a province has thousands: rendering them all cost more than the search itself)."""
    if request is None or not request.user.is_authenticated or request.user.organisation_id is None:
        return Region.objects.none()
    region = request.user.organisation.region
    # Only a page renders the list; an API caller names a township by its code, which needs no narrowing.
    if region.level < RegionLevel.COUNTY and hasattr(request, "GET"):
        chosen = request.GET.get("organisation", "")
        bureau = supervising_bureaus(request).filter(pk=chosen).first() if chosen.isdigit() else None
        if bureau is None:
            return Region.objects.none()
        region = bureau.region
    return townships_in(region)


def supervising_bureaus(request):
    return visible_organisations(request).bureaus()


class EntityFilterSet(FazhiFilterSet):
    q = django_filters.CharFilter(label="名称/拼音首字母/信用代码", method="filter_search")
    licence = django_filters.CharFilter(label="证照编号", method="filter_licence")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）", queryset=visible_townships, empty_label="全部",
        help_text="市、省级用户请先选择监管机关。",
    )
    kind = django_filters.ChoiceFilter(label="类别", choices=KIND_CHOICES, empty_label="全部")
    sub_kind = django_filters.ChoiceFilter(label="细分类别", choices=SUB_KIND_CHOICES, empty_label="全部")
    domain = django_filters.ModelChoiceFilter(
        label="监管专业", queryset=Domain.objects.all(), empty_label="全部", method="filter_domain"
    )
    credit_grade = django_filters.ChoiceFilter(label="信用等级", choices=CreditGrade.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="经营状态", choices=EntityStatus.choices, empty_label="全部")
    key = django_filters.ChoiceFilter(label="重点监管", field_name="is_key_supervision", choices=KEY_CHOICES,
                                      empty_label="全部", method="filter_key")
    organisation = django_filters.ModelChoiceFilter(
        label="监管机关", queryset=supervising_bureaus, empty_label="全部"
    )

    class Meta:
        model = Entity
        fields = ["q", "licence", "township", "kind", "sub_kind", "domain", "credit_grade", "status", "key",
                  "organisation"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_domain(self, queryset, name, value):
        return queryset.in_domain(value.pk)

    def filter_licence(self, queryset, name, value):
        return queryset.with_licence_number(value)

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key_supervision=value == "1")
