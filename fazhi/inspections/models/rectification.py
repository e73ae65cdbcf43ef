from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import ScopedModel

from ..choices import OpinionStatus, RectificationStatus
from ..querysets import ThroughOpinionQuerySet, ThroughRectificationItemQuerySet


class SupervisionOpinion(ScopedModel):
    """A 卫生监督意见书: what the entity must put right, item by item, each by its deadline."""

    inspection = models.ForeignKey("inspections.Inspection", verbose_name="监督检查", on_delete=models.PROTECT,
                                   related_name="opinions")
    number = models.CharField("文书编号", max_length=60, editable=False)
    issued_on = models.DateField("出具日期")
    status = models.CharField("状态", max_length=20, choices=OpinionStatus.choices, default=OpinionStatus.ISSUED,
                              editable=False)
    handed_over_at = models.DateTimeField("转立案时间", null=True, blank=True, editable=False)
    handover_reason = models.CharField("转立案原因", max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="出具人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "卫生监督意见书"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class RectificationItem(models.Model):
    """One thing to put right, with its deadline and the officer's decision on the evidence."""

    opinion = models.ForeignKey(SupervisionOpinion, verbose_name="卫生监督意见书", on_delete=models.CASCADE,
                                related_name="items")
    requirement = models.TextField("整改要求")
    provision = models.CharField("依据条款", max_length=300, blank=True)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=20, choices=RectificationStatus.choices,
                              default=RectificationStatus.PENDING, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    decision_note = models.CharField("审核意见", max_length=300, blank=True, editable=False)

    objects = ThroughOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.requirement[:40]


class RectificationEvidence(models.Model):
    """What the entity uploaded through the portal with its inspection code, with the file's SHA-256."""

    item = models.ForeignKey(RectificationItem, verbose_name="整改事项", on_delete=models.PROTECT,
                             related_name="evidence")
    note = models.TextField("整改情况说明", blank=True, max_length=2000)
    file = models.FileField("整改材料", upload_to="inspections/rectification/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = ThroughRectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改材料"
        ordering = ["submitted_at", "id"]
