"""Forms of the joint-inspection pages."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .joint import JOINT_LIMITS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskUploadForm(forms.Form):
    file = forms.FileField(
        label="表格文件",
        help_text=f".xlsx，或UTF-8、GBK编码的.csv；不超过{JOINT_LIMITS.max_file_bytes // (1024 * 1024)} MB、"
                  f"{JOINT_LIMITS.max_rows}行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的，请选择填好数据的表格文件。"},
    )


class TaskConfirmForm(forms.Form):
    """The checked file, signed, carried to the confirmation."""

    payload = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "确认信息缺失，请重新上传文件。"})


class PeriodForm(forms.Form):
    """A period of days, both ends included; empty means this year so far and the rest of it."""

    start = forms.DateField(label="开始日期", widget=DATE_INPUT, required=False,
                            error_messages={"invalid": "请按YYYY-MM-DD填写日期。"})
    end = forms.DateField(label="结束日期", widget=DATE_INPUT, required=False,
                          error_messages={"invalid": "请按YYYY-MM-DD填写日期。"})

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or self.default_start(today)
        data["end"] = data.get("end") or self.default_end(today)
        if data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data

    def default_start(self, today: dt.date) -> dt.date:
        return dt.date(today.year, 1, 1)

    def default_end(self, today: dt.date) -> dt.date:
        return dt.date(today.year, 12, 31)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]


class MergeWindowForm(PeriodForm):
    """The period whose tasks are merged: by default the coming three months."""

    def default_start(self, today: dt.date) -> dt.date:
        return today

    def default_end(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=90)
