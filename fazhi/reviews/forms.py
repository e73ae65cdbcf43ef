"""Forms of the review pages: the rubric's items and parts, a new batch, and the review sheet of one file. They say
what to fill in; the services (rubric.py, sampling.py, manual.py) decide and refuse."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from fazhi.cases.choices import CaseStatus, Procedure
from fazhi.cases.forms import StaffChoiceField, text_area
from fazhi.core.forms import DATE_WIDGET, ServiceFieldsMixin
from fazhi.core.models import Section, User

from .checks import check_choices
from .choices import SamplingMethod
from .manual import Mark
from .models import RubricCategory, RubricItem
from .rubric import ITEM_FIELDS


class RubricItemForm(ServiceFieldsMixin, forms.ModelForm):
    check_code = forms.ChoiceField(label="自动检查", required=False,
                                   help_text="选择能由办案记录判断该问题的自动检查；只能由人判断的，选“仅人工评查”。")

    class Meta:
        model = RubricItem
        fields = list(ITEM_FIELDS)
        widgets = {"basis": forms.TextInput(attrs={"size": 60}), "name": forms.TextInput(attrs={"size": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_code"].choices = [("", "仅人工评查")] + check_choices()
        self.fields["category"].empty_label = None


class RubricItemCreateForm(RubricItemForm):
    class Meta(RubricItemForm.Meta):
        fields = ["code", *ITEM_FIELDS]


class RubricCategoryForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = RubricCategory
        fields = ["name", "weight", "sort_order"]


class BatchForm(forms.Form):
    name = forms.CharField(label="批次名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    method = forms.ChoiceField(label="选取方式", choices=SamplingMethod.choices, widget=forms.RadioSelect,
                               initial=SamplingMethod.RANDOM)
    sample_size = forms.IntegerField(label="抽取数量", min_value=1, required=False, help_text="随机抽取时必填。")
    seed = forms.CharField(label="随机种子", max_length=64, required=False,
                           help_text="留空则自动生成；种子与条件相同，重新抽取的结果相同。")
    status = forms.ChoiceField(label="案件状态", choices=[("", "不限")] + CaseStatus.choices, required=False)
    procedure = forms.ChoiceField(label="程序", choices=[("", "不限")] + Procedure.choices, required=False)
    section = forms.ModelChoiceField(label="主办人科室", queryset=Section.objects.none(), required=False,
                                     empty_label="不限")
    officer = StaffChoiceField(label="承办人", queryset=None, required=False, empty_label="不限")
    decided_from = forms.DateField(label="决定日期起", widget=DATE_WIDGET, required=False)
    decided_to = forms.DateField(label="决定日期止", widget=DATE_WIDGET, required=False)

    def __init__(self, *args, bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["section"].queryset = (Section.objects.filter(organisation__path__startswith=bureau.bureau_path,
                                                                  is_active=True)
                                           .select_related("organisation"))
        self.fields["officer"].queryset = (
            User.objects.filter(organisation__path__startswith=bureau.bureau_path, is_active=True)
            .with_role("officer").order_by("organisation__path", "full_name", "id"))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        criteria = {key: data.get(key) for key in ("status", "procedure", "section", "officer", "decided_from",
                                                   "decided_to")}
        return {"name": data["name"], "year": data["year"], "method": data["method"],
                "sample_size": data.get("sample_size"), "seed": data.get("seed", ""), "criteria": criteria}


class ReviewSheetForm(forms.Form):
    """One row per active rubric item: points off (scored items) or the veto (veto items), and the reason."""

    comments = forms.CharField(label="评查意见", required=False, widget=text_area(4))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            if item.is_veto:
                self.fields[f"veto_{item.pk}"] = forms.BooleanField(label="否决", required=False)
            else:
                self.fields[f"deduct_{item.pk}"] = forms.DecimalField(
                    label="扣分", min_value=Decimal(0), max_value=item.points, decimal_places=2, required=False,
                    widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": item.points, "class": "narrow"}))
            self.fields[f"note_{item.pk}"] = forms.CharField(label="理由", max_length=300, required=False)

    def rows(self) -> list[dict]:
        """The items with their bound fields, for the template's table."""
        return [{"item": item, "mark": self[f"veto_{item.pk}" if item.is_veto else f"deduct_{item.pk}"],
                 "note": self[f"note_{item.pk}"]} for item in self.items]

    def marks(self) -> dict[int, Mark]:
        data = self.cleaned_data
        return {item.pk: Mark(deducted=Decimal(0) if item.is_veto else (data.get(f"deduct_{item.pk}") or Decimal(0)),
                              vetoed=bool(data.get(f"veto_{item.pk}")) if item.is_veto else False,
                              note=data.get(f"note_{item.pk}", ""))
                for item in self.items}

    def add_service_errors(self, errors: dict) -> None:
        """A service's per-item refusal ("item_<pk>") lands on that item's reason field."""
        for key, messages in errors.items():
            target = f"note_{key.removeprefix('item_')}" if key.startswith("item_") else None
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
