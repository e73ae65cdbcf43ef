"""The documents (文书) a case has issued: each kind once per case (a revised one replaces its wording, never
its number), with the officer's edits to wording kept apart from the facts that fill it."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class CaseDocument(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书种类", max_length=40)
    number = models.CharField("文号", max_length=60, blank=True)
    wording = models.JSONField("措辞修改", default=dict, blank=True,
                               help_text="段落键 → 承办人修改后的措辞；事实数据不在此处。")
    issued_on = models.DateField("出具日期")
    sha256 = models.CharField("最近生成文件SHA-256", max_length=64, blank=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="出具人", null=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "案件文书"
        ordering = ["issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_document_once_per_kind")]

    def __str__(self) -> str:
        return self.number or self.kind
