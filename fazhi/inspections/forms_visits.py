"""Forms of visits: plan or edit one, approve it over the cap, register it, cancel it; and the portal's rating.

They validate and say what to fix; the services in `visits` decide and save.
"""
from __future__ import annotations

from django import forms

from fazhi.core.forms import DATE_WIDGET
from fazhi.core.models import User
from fazhi.entities.models import Entity

from . import visits
from .choices import VisitReason
from .models import Campaign, InspectionItem
from .rules import INSPECTION_RULES


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        org = obj.organisation.short_name or obj.organisation.name if obj.organisation_id else ""
        return f"{obj}（{org}）" if org else str(obj)


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.domain.name} · {obj.code} {obj.title}"


class VisitForm(forms.Form):
    """The window, items and team of a visit; a new visit also names its entity and reason."""

    entity = forms.ModelChoiceField(label="监管对象", queryset=Entity.objects.none(), empty_label="请选择监管对象")
    reason = forms.ChoiceField(label="检查事由", choices=VisitReason.choices,
                               help_text="投诉举报、热线转办、移送、整改复查、许可核查、突发事件处置不计入年度检查频次。")
    window_start = forms.DateField(label="计划检查日期起", widget=DATE_WIDGET)
    window_end = forms.DateField(label="计划检查日期止", widget=DATE_WIDGET)
    items = ItemChoiceField(label="检查事项", queryset=InspectionItem.objects.none(),
                            widget=forms.CheckboxSelectMultiple, help_text="只能从本局已公布的检查事项清单中选择。")
    officers = OfficerChoiceField(label="检查人员", queryset=User.objects.none(),
                                  widget=forms.CheckboxSelectMultiple,
                                  help_text=f"不少于{INSPECTION_RULES.min_officers}人，均须持有检查事项所属领域的有效执法证。")
    lead = forms.ModelChoiceField(label="主办人", queryset=User.objects.none(), required=False,
                                  empty_label="（第一位检查人员）")
    campaign = forms.ModelChoiceField(label="所属专项", queryset=Campaign.objects.none(), required=False,
                                      empty_label="（无）")

    def __init__(self, *args, bureau, entities=None, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        officers = visits.eligible_officers(bureau)
        self.fields["items"].queryset = visits.published_items(bureau)
        self.fields["officers"].queryset = officers
        self.fields["lead"].queryset = officers
        self.fields["campaign"].queryset = visits.bureau_campaigns(bureau)
        if instance is not None:  # an existing visit keeps its entity and reason
            del self.fields["entity"], self.fields["reason"]
        else:
            self.fields["entity"].queryset = entities.order_by("name", "id")

    @staticmethod
    def initial_from(inspection) -> dict:
        team = list(inspection.team.all())
        lead = next((m.officer_id for m in team if m.is_lead), None)
        return {"window_start": inspection.window_start, "window_end": inspection.window_end,
                "items": list(inspection.items.values_list("pk", flat=True)),
                "officers": [m.officer_id for m in team], "lead": lead, "campaign": inspection.campaign_id}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["items"], data["officers"] = list(data["items"]), list(data["officers"])
        return data


class ReasonForm(forms.Form):
    """A reason, required: approving a visit over the cap, cancelling one."""

    reason = forms.CharField(label="理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label: str = "理由", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写理由。")
        return reason


class ConfirmForm(forms.Form):
    """Nothing to fill in: a registration is confirmed by submitting (the token guards against forged posts)."""


class RatingForm(forms.Form):
    """The entity's confirmation and anonymous rating of a visit on the portal."""

    confirmed = forms.BooleanField(label="确认检查人员和检查事项与现场情况一致", required=True,
                                   error_messages={"required": "请先确认检查人员和检查事项。"})
    score = forms.TypedChoiceField(
        label="评分", coerce=int, widget=forms.RadioSelect,
        choices=[(n, f"{n}分") for n in range(INSPECTION_RULES.rating_max, INSPECTION_RULES.rating_min - 1, -1)],
        error_messages={"required": "请选择评分。", "invalid_choice": "请选择评分。"},
    )
    comment = forms.CharField(label="意见建议（选填）", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 4}))
