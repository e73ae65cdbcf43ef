from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import ScopedModel

from ..choices import ItemResult, RecordFileKind, RecordStatus
from ..querysets import ThroughRecordQuerySet


class OnSiteRecord(ScopedModel):
    """The on-site record (现场笔录) of one visit; locked once signed.

    `client_key` makes the officer's phone submission idempotent: a draft re-sent after a dropped connection
    finds the record it already made instead of making a second.
    """

    inspection = models.OneToOneField("inspections.Inspection", verbose_name="监督检查", on_delete=models.PROTECT,
                                      related_name="record")
    number = models.CharField("文书编号", max_length=60, blank=True, editable=False)
    arrived_at = models.DateTimeField("到达时间")
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    place = models.CharField("检查地点", max_length=200)
    present_person = models.CharField("被检查单位在场人员", max_length=100, blank=True)
    present_person_title = models.CharField("在场人员职务", max_length=50, blank=True)
    summary = models.TextField("检查情况", blank=True)
    bodycam_device = models.CharField("执法记录仪编号", max_length=50, blank=True)
    bodycam_file_id = models.CharField("视音频文件编号", max_length=100, blank=True)
    bodycam_seconds = models.PositiveIntegerField("视音频时长（秒）", null=True, blank=True)
    bodycam_absent_reason = models.CharField("未使用执法记录仪的原因", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT,
                              editable=False)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签名人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", editable=False)
    client_key = models.UUIDField("提交标识", null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "现场笔录"
        ordering = ["-arrived_at", "-id"]

    def __str__(self) -> str:
        return self.number or f"现场笔录（{self.inspection}）"

    @property
    def is_locked(self) -> bool:
        return self.status == RecordStatus.SIGNED


class ItemCheck(models.Model):
    """One published item's result in a record, with the finding and the provision it breaks."""

    record = models.ForeignKey(OnSiteRecord, verbose_name="现场笔录", on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey("inspections.InspectionItem", verbose_name="检查事项", on_delete=models.PROTECT,
                             related_name="+")
    result = models.CharField("检查结果", max_length=20, choices=ItemResult.choices)
    finding = models.TextField("发现的问题", blank=True)
    provision = models.CharField("违反的条款", max_length=300, blank=True)

    objects = ThroughRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查事项结果"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["record", "item"], name="record_item_once")]


class RecordFile(models.Model):
    """A photo or file attached to a record, stored with its SHA-256 so it can be shown unaltered."""

    record = models.ForeignKey(OnSiteRecord, verbose_name="现场笔录", on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("类别", max_length=10, choices=RecordFileKind.choices)
    file = models.FileField("文件", upload_to="inspections/records/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ThroughRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "现场笔录附件"
        ordering = ["uploaded_at", "id"]
