"""Forms of the on-site record: what the officer types on the spot, and an attachment. The services judge the rules."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from .choices import ItemResult
from .records import TYPED_FIELDS, ItemResultInput, RecordInput

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OnSiteRecordForm(forms.Form):
    """The record of one visit, with a result, finding and provision field for each of its items."""

    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    arrived_at = forms.DateTimeField(label="到达时间", widget=DATETIME_WIDGET)
    left_at = forms.DateTimeField(label="离开时间", required=False, widget=DATETIME_WIDGET,
                                  help_text="离开现场时填写；签名前必须填写。")
    place = forms.CharField(label="检查地点", max_length=200)
    present_person = forms.CharField(label="被检查单位在场人员", max_length=100, required=False)
    present_person_title = forms.CharField(label="在场人员职务", max_length=50, required=False)
    summary = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    bodycam_device = forms.CharField(label="执法记录仪编号", max_length=50, required=False)
    bodycam_file_id = forms.CharField(label="视音频文件编号", max_length=100, required=False)
    bodycam_seconds = forms.IntegerField(label="视音频时长（秒）", required=False,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    bodycam_absent_reason = forms.CharField(label="未使用执法记录仪的原因", max_length=200, required=False,
                                            help_text="未使用执法记录仪的，须写明原因（国卫监督发〔2018〕54号）。")

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(inspection.items.all())
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.title, choices=ItemResult.choices, required=False, widget=forms.RadioSelect)
            self.fields[f"finding_{item.pk}"] = forms.CharField(
                label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"provision_{item.pk}"] = forms.CharField(label="违反的条款", max_length=300, required=False)
        if not self.is_bound and "place" not in self.initial:
            self.initial.update(place=inspection.entity.address, arrived_at=timezone.localtime().replace(second=0,
                                                                                                         microsecond=0))

    @classmethod
    def initial_from(cls, record) -> dict:
        """The form's starting values from a saved draft."""
        initial = {name: getattr(record, name) for name in TYPED_FIELDS}
        for name in ("arrived_at", "left_at"):
            if initial[name] is not None:
                initial[name] = timezone.localtime(initial[name])
        for check in record.checks.all():
            initial.update({f"result_{check.item_id}": check.result, f"finding_{check.item_id}": check.finding,
                            f"provision_{check.item_id}": check.provision})
        return initial

    def item_rows(self) -> list[dict]:
        return [{"item": item, "result": self[f"result_{item.pk}"], "finding": self[f"finding_{item.pk}"],
                 "provision": self[f"provision_{item.pk}"]} for item in self.items]

    def record_input(self) -> RecordInput:
        data = self.cleaned_data
        results = tuple(ItemResultInput(item_id=item.pk, result=data[f"result_{item.pk}"],
                                        finding=data[f"finding_{item.pk}"], provision=data[f"provision_{item.pk}"])
                        for item in self.items)
        return RecordInput(results=results, **{name: data[name] for name in TYPED_FIELDS})


class RecordFileForm(forms.Form):
    file = forms.FileField(label="照片或文件", help_text="照片、PDF 或 Office 文档；系统在服务器端计算并保存文件的 SHA-256 值。")
