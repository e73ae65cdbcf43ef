"""Filter sets for the management lists. Choices that name organisations or sections are scoped to the viewer."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from .choices import CertificateStatus, OrganisationKind, Role, SectionKind
from .models import Domain, EnforcementCertificate, Organisation, Section, User
from .rules import CERTIFICATE_RULES
from .widgets import quicken_selects

ACTIVE_CHOICES = (("1", "启用"), ("0", "停用"))


def visible_organisations(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(request.user).select_related("region")


def visible_sections(request):
    if request is None:
        return Section.objects.none()
    return Section.objects.visible_to(request.user).select_related("organisation")


class FazhiFilterSet(django_filters.FilterSet):
    """Base of every list's filters: the select boxes render without a template per option."""

    def get_form_class(self):
        quicken_selects(f.field for f in self.filters.values())
        return super().get_form_class()


class SearchFilterSet(FazhiFilterSet):
    """A filter set with one free-text box `q` matched against `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label="搜索", method="search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    q = django_filters.CharFilter(label="机构名称", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=OrganisationKind.choices, empty_label="全部")

    class Meta:
        model = Organisation
        fields = ["q", "kind"]


class SectionFilterSet(SearchFilterSet):
    search_fields = ("name",)
    q = django_filters.CharFilter(label="科室名称", method="search")
    organisation = django_filters.ModelChoiceFilter(label="所属机构", queryset=visible_organisations, empty_label="全部")
    kind = django_filters.ChoiceFilter(label="科室类别", choices=SectionKind.choices, empty_label="全部")

    class Meta:
        model = Section
        fields = ["q", "organisation", "kind"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("full_name", "username")
    q = django_filters.CharFilter(label="姓名或用户名", method="search")
    organisation = django_filters.ModelChoiceFilter(label="所属机构", queryset=visible_organisations, empty_label="全部")
    section = django_filters.ModelChoiceFilter(label="所在科室", queryset=visible_sections, empty_label="全部")
    role = django_filters.ChoiceFilter(label="角色", choices=Role.choices, method="filter_role", empty_label="全部")
    is_active = django_filters.ChoiceFilter(
        label="账号状态", choices=ACTIVE_CHOICES, method="filter_active", empty_label="全部"
    )

    class Meta:
        model = User
        fields = ["q", "organisation", "section", "role", "is_active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1") if value else queryset

    def filter_role(self, queryset, name, value):
        # One role per filter and one assignment per (user, role), so the join adds no duplicate rows.
        return queryset.with_role(value) if value else queryset


class EnforcementCertificateFilterSet(SearchFilterSet):
    search_fields = ("holder__full_name", "number")
    q = django_filters.CharFilter(label="持证人或证号", method="search")
    domain = django_filters.ModelChoiceFilter(
        label="执法领域", field_name="domains", queryset=Domain.objects.all(), empty_label="全部"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=CertificateStatus.choices, empty_label="全部")
    expiring = django_filters.ChoiceFilter(
        label="有效期", choices=(("1", f"{CERTIFICATE_RULES.expiry_warning_days}日内到期"),), method="filter_expiring",
        empty_label="全部",
    )

    class Meta:
        model = EnforcementCertificate
        fields = ["q", "domain", "status", "expiring"]

    def filter_expiring(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.expiring_within(timezone.localdate(), CERTIFICATE_RULES.expiry_warning_days)
