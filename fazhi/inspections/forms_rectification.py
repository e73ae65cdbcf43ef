"""Forms of rectification: the opinion with its items, the officer's decision, the hand-over, and the portal's
code and evidence forms. They say what to fix; the rules are checked again by the services."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from fazhi.core.forms import DATE_WIDGET

from .models import RectificationEvidence
from .rectification import ItemDraft
from .rules import INSPECTION_RULES
from .uploads import too_large_message


class OpinionItemForm(forms.Form):
    requirement = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 2}))
    provision = forms.CharField(label="依据条款", max_length=300)
    deadline = forms.DateField(label="整改期限", widget=DATE_WIDGET)


OpinionItemFormSet = forms.formset_factory(OpinionItemForm, extra=1, can_delete=True, min_num=1, validate_min=True)


class OpinionForm(forms.Form):
    """The opinion's date, and its items as a formset pre-filled from the record's non-compliant findings."""

    issued_on = forms.DateField(label="出具日期", widget=DATE_WIDGET)

    def __init__(self, data=None, *, suggestions: list[ItemDraft] = ()):
        super().__init__(data, initial={"issued_on": timezone.localdate()})
        initial = [{"requirement": s.requirement, "provision": s.provision} for s in suggestions]
        self.items = OpinionItemFormSet(data, prefix="items", initial=initial)
        for item_form in self.items.forms:
            item_form.fields["DELETE"].label = "不列入"

    def is_valid(self) -> bool:
        # Both are validated, so every error shows at once.
        own, items = super().is_valid(), self.items.is_valid()
        if not (own and items):
            return False
        issued_on = self.cleaned_data["issued_on"]
        for item_form in self._kept_forms():
            if item_form.cleaned_data["deadline"] < issued_on:
                item_form.add_error("deadline", "整改期限不能早于出具日期。")
        return not self.errors and not any(f.errors for f in self.items.forms)

    def _kept_forms(self):
        # Rows left blank and rows ticked 不列入 are not items.
        return [f for f in self.items.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def drafts(self) -> list[ItemDraft]:
        return [ItemDraft(f.cleaned_data["requirement"], f.cleaned_data["provision"], f.cleaned_data["deadline"])
                for f in self._kept_forms()]


class RejectForm(forms.Form):
    note = forms.CharField(label="不合格理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="写明还需如何整改；被检查单位在门户上看到这段话后重新提交材料。")


class HandOverForm(forms.Form):
    reason = forms.CharField(label="转立案原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：逾期未整改、整改材料经审核不合格。")


class EvidenceCodeForm(forms.Form):
    code = forms.CharField(label="检查码", max_length=32,
                           help_text="检查时执法人员出示的检查码，也印在现场笔录和卫生监督意见书上。")


class EvidenceForm(forms.Form):
    note = forms.CharField(label="整改情况说明", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=RectificationEvidence._meta.get_field("note").max_length)
    file = forms.FileField(label="整改材料", required=False,
                           help_text=f"照片、扫描件等，单个文件不超过{INSPECTION_RULES.max_upload_bytes // (1024 * 1024)}MB。")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > INSPECTION_RULES.max_upload_bytes:
            raise forms.ValidationError(too_large_message())
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("note") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请填写整改情况说明或上传整改材料，至少一项。")
        return data
