"""Forms of the law library's pages. The import service validates again."""
from __future__ import annotations

from django import forms

from fazhi.core.forms import DATE_WIDGET

from .choices import LawLevel
from .citations import short_title_of
from .loading import VersionData
from .rules import LIBRARY_RULES

DATE_ERRORS = {"invalid": "请按YYYY-MM-DD填写日期。"}


class ImportForm(forms.Form):
    title = forms.CharField(label="标题（全称）", max_length=100,
                            help_text="如“公共场所卫生管理条例实施细则”“中华人民共和国传染病防治法”。"
                                      "与库中已有的法律法规同名时，作为其新版本导入。")
    short_title = forms.CharField(label="简称", max_length=60, required=False,
                                  help_text="引用时使用的名称；不填则取标题去掉“中华人民共和国”。")
    level = forms.ChoiceField(label="效力层级", choices=LawLevel.choices, initial=LawLevel.MINISTRY_RULE)
    issuer = forms.CharField(label="制定机关", max_length=200, required=False)
    version_label = forms.CharField(label="版本说明", max_length=200,
                                    help_text="如“2025年4月30日第十四届全国人大常委会第十五次会议修订”。")
    promulgated_on = forms.DateField(label="公布（修订）日期", required=False, widget=DATE_WIDGET,
                                     error_messages=DATE_ERRORS)
    effective_from = forms.DateField(label="施行日期", widget=DATE_WIDGET,
                                     error_messages={**DATE_ERRORS, "required": "请填写施行日期。"})
    caveats = forms.CharField(label="注意事项", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="文本来源、是否与官方文本核对过、可能过时之处；随文本一并显示。")
    file = forms.FileField(
        label="文本文件",
        help_text=(f"{'、'.join(LIBRARY_RULES.upload_extensions)}，UTF-8或GBK编码，不超过"
                   f"{LIBRARY_RULES.max_upload_bytes // (1024 * 1024)} MB。每条另起一行，以“第一条”等开头，条号后空一格；"
                   "各款各占一行，各项以“（一）”等开头。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LIBRARY_RULES.upload_extensions)}),
        error_messages={"required": "请选择要导入的文本文件。", "empty": "文件为空，请选择法律法规的文本文件。"},
    )

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("short_title"):
            data["short_title"] = short_title_of(data["title"])
        promulgated, effective = data.get("promulgated_on"), data.get("effective_from")
        if promulgated and effective and promulgated > effective:
            self.add_error("effective_from", "施行日期不能早于公布日期。")
        return data

    def version_data(self, *, source: str = "") -> VersionData:
        data = self.cleaned_data
        return VersionData(
            title=data["title"].strip(), short_title=data["short_title"].strip().strip("《》"), level=data["level"],
            issuer=data["issuer"].strip(), version_label=data["version_label"].strip(),
            effective_from=data["effective_from"], promulgated_on=data.get("promulgated_on"),
            caveats=data["caveats"].strip(), source=source,
        )


class ImportConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "确认信息缺失，请重新上传文件。"})
