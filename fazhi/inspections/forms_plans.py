"""Forms of the item list, plans and campaigns. The services validate again; these give the fields."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from fazhi.core.forms import DATE_WIDGET, ServiceFieldsMixin
from fazhi.core.models import Domain
from fazhi.entities.choices import CreditGrade

from .models import Campaign, InspectionItem, InspectionPlan
from .planning import campaign_choices, default_ratios, item_choices, township_choices
from .rules import INSPECTION_RULES


class InspectionItemForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["domain", "code", "title", "content", "method", "legal_basis", "sort_order"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "legal_basis": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].empty_label = "请选择"


class WithdrawItemForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=200, required=False)


def _ratio_field(grade) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{CreditGrade(grade).label}抽查比例（%）", min_value=Decimal("0"), max_value=Decimal("100"),
        max_digits=5, decimal_places=2,
        error_messages={"min_value": "抽查比例须在0到100之间。", "max_value": "抽查比例须在0到100之间。",
                        "invalid": "请填写数字。", "required": "请填写抽查比例。"},
    )


class InspectionPlanForm(forms.ModelForm):
    """A plan's fields; the ratios per credit grade are four number boxes, stored together."""

    domains = forms.ModelMultipleChoiceField(label="监管专业", queryset=Domain.objects.all(),
                                             widget=forms.CheckboxSelectMultiple)
    ratio_fields = {grade: f"ratio_{grade}" for grade in CreditGrade.values}

    class Meta:
        model = InspectionPlan
        fields = ["name", "year", "domains", "townships", "starts_on", "ends_on", "team_size", "risk_weighted",
                  "item_list", "campaign"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "townships": forms.CheckboxSelectMultiple,
                   "item_list": forms.CheckboxSelectMultiple}

    def __init__(self, *args, bureau, **kwargs):
        super().__init__(*args, **kwargs)
        ratios = (self.instance.sampling_ratios if self.instance.pk else None) or default_ratios()
        for grade, name in self.ratio_fields.items():
            self.fields[name] = _ratio_field(grade)
            self.initial.setdefault(name, ratios.get(grade))
        self.fields["townships"].queryset = township_choices(bureau)
        self.fields["item_list"].queryset = item_choices(bureau)
        self.fields["item_list"].help_text = "不选则按对象所属专业列入本机关已公布的全部检查事项。"
        self.fields["campaign"].queryset = campaign_choices(bureau)
        self.fields["team_size"].help_text = f"不得少于{INSPECTION_RULES.min_officers}人（行政处罚法第四十二条）。"
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
            self.initial.setdefault("team_size", INSPECTION_RULES.min_officers)

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.ratio_fields.values()}
        data["sampling_ratios"] = {grade: str(self.cleaned_data[name]) for grade, name in self.ratio_fields.items()}
        return data


class CampaignForm(ServiceFieldsMixin, forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(label="监管专业", queryset=Domain.objects.all(),
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Campaign
        fields = ["theme", "description", "domains", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}
