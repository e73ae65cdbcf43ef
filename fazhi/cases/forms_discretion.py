"""Forms of the discretion-table pages: the list's filters, the upload, and the signed confirmation."""
from __future__ import annotations

import base64

import django_filters
from django import forms
from django.core import signing

from fazhi.core.filters import SearchFilterSet
from fazhi.core.models import Domain
from fazhi.core.spreadsheets import FileProblem, size_label

from .discretion import LIMITS, MAX_FILE_BYTES
from .models import Violation

SIGNING_SALT = "cases.discretion.upload"
# A checked file waits this long for its confirmation; after that it is uploaded again.
CONFIRM_MAX_AGE = 2 * 60 * 60
ACTIVE_CHOICES = (("1", "启用"), ("0", "停用"))


class ViolationFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "provision_broken_cited", "penalty_provision_cited")
    q = django_filters.CharFilter(label="违法行为、编号或条款", method="search")
    domain = django_filters.ModelChoiceFilter(label="专业类别", queryset=Domain.objects.all(), empty_label="全部")
    is_active = django_filters.ChoiceFilter(label="状态", choices=ACTIVE_CHOICES, method="filter_active",
                                            empty_label="全部")

    class Meta:
        model = Violation
        fields = ["q", "domain", "is_active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1") if value else queryset


class DiscretionUploadForm(forms.Form):
    file = forms.FileField(
        label="裁量基准表",
        help_text=f".xlsx，或UTF-8编码的.tsv；不超过{size_label(MAX_FILE_BYTES)}、{LIMITS.max_rows}行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.tsv,.txt,.csv"}),
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的，请选择填好的裁量基准表。"},
    )


class DiscretionConfirmForm(forms.Form):
    """The checked file, signed, carried to the confirmation."""

    payload = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "确认信息缺失，请重新上传文件。"})


def sign_upload(data: bytes, *, actor, name: str) -> str:
    payload = {"user": actor.pk, "name": name[:200], "data": base64.b64encode(data).decode("ascii")}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_upload(token: str, *, actor) -> tuple[bytes, str]:
    """The file a person checked; refused when signed for someone else, altered, or left too long."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise FileProblem(f"检查结果已超过{CONFIRM_MAX_AGE // 3600}小时，请重新上传文件。") from None
    except signing.BadSignature:
        raise FileProblem("确认信息无效，请重新上传文件。") from None
    if payload.get("user") != actor.pk:
        raise FileProblem("确认信息无效，请重新上传文件。")
    return base64.b64decode(payload["data"]), payload.get("name", "")
