"""The dashboard's filters and the annual report's text boxes."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from fazhi.core.choices import OrganisationKind
from fazhi.core.models import Organisation, Section
from fazhi.core.widgets import quicken_selects

from .annual import LEAD_IN, NARRATIVE_SECTIONS, group_key
from .scopes import capped_period, home_bureau, quarter_period, viewable_bureaus, year_period

YEARS_SHOWN = 6
QUARTERS = [("", "全年"), ("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")]
# A custom period longer than this would overlap the same period a year before, which it is compared with.
MAX_PERIOD_DAYS = 366


def year_choices():
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year, this_year - YEARS_SHOWN, -1)]


class DashboardFilterForm(forms.Form):
    org = forms.ModelChoiceField(label="单位", queryset=Organisation.objects.none(), required=False,
                                 empty_label=None)
    year = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTERS, coerce=int, required=False, empty_value=None)
    start = forms.DateField(label="自定义起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="自定义止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    section = forms.ModelChoiceField(label="科室", queryset=Section.objects.none(), required=False,
                                     empty_label="全部科室")
    chart = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        bureaus = viewable_bureaus(user).select_related("region").order_by("path")
        self.fields["org"].queryset = bureaus
        home = home_bureau(user)
        self.fields["org"].initial = home.pk if home else None
        self.fields["year"].initial = str(timezone.localdate().year)
        chosen = self._chosen_bureau(bureaus, home)
        # Sections belong to one bureau (or its institute): offered when that bureau is viewed alone.
        alone = chosen is not None and not chosen.children.filter(kind=OrganisationKind.BUREAU).exists()
        self.fields["section"].queryset = (
            Section.objects.visible_to(user).filter(organisation__path__startswith=chosen.path, is_active=True)
            .select_related("organisation") if alone else Section.objects.none())
        quicken_selects(self.fields.values())

    def _chosen_bureau(self, bureaus, home):
        wanted = (self.data or {}).get("org")
        if wanted and str(wanted).isdigit():
            found = bureaus.filter(pk=int(wanted)).first()
            if found is not None:
                return found
        return home

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError("自定义期间须同时填写起止日期。")
        if start and end:
            if end < start:
                self.add_error("end", "截止日期不能早于起始日期。")
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", "自定义期间不能超过一年（需与上年同期比较）。")
        return cleaned

    # -- what the page computes over: the valid filters (a wrong one is shown on its field and left out) ---------
    def _valid(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def bureau(self) -> Organisation | None:
        return self._valid().get("org") or home_bureau(self.user)

    def period(self) -> tuple[dt.date, dt.date]:
        data = self._valid()
        if data.get("start") and data.get("end"):
            return capped_period(data["start"], data["end"])
        year = data.get("year") or timezone.localdate().year
        quarter = data.get("quarter")
        return quarter_period(year, quarter) if quarter else year_period(year)

    def section_id(self) -> int | None:
        section = self._valid().get("section")
        return section.pk if section else None


class AnnualYearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int)


class AnnualDraftForm(forms.Form):
    """One text box per narrative part: the lead-in, each group's introduction, sections 二、三、四."""

    def __init__(self, *args, groups: list[str], initial_narrative: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[LEAD_IN] = forms.CharField(label="导语", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                               initial=initial_narrative.get(LEAD_IN, ""))
        for group in groups:
            self.fields[group_key(group)] = forms.CharField(
                label=f"一、主要举措和成效 · {group}（引言，数据由系统填入）", required=False,
                widget=forms.Textarea(attrs={"rows": 3}), initial=initial_narrative.get(group_key(group), ""))
        for key, title in NARRATIVE_SECTIONS:
            self.fields[key] = forms.CharField(label=title, required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                               initial=initial_narrative.get(key, ""))

    def narrative(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}
