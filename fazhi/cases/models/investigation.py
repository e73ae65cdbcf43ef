"""What an investigation gathers: evidence files, interview records (询问笔录) and the measures of 行政处罚法
第五十六条 (证据先行登记保存) and 行政强制法第二十五条 (查封扣押), each with its clock."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import EvidenceKind, MeasureKind


class Evidence(models.Model):
    """One piece of evidence: a stored file with its SHA-256, or a body-cam reference, with who added it when."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("证据种类", max_length=20, choices=EvidenceKind.choices)
    title = models.CharField("证据名称", max_length=200)
    description = models.TextField("证明内容", blank=True)
    file = models.FileField("文件", upload_to="cases/evidence/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True, editable=False)
    bodycam_device = models.CharField("执法记录仪编号", max_length=50, blank=True)
    bodycam_file_id = models.CharField("视音频文件编号", max_length=100, blank=True)
    bodycam_seconds = models.PositiveIntegerField("视音频时长（秒）", null=True, blank=True)
    collected_on = models.DateField("取证日期")
    onsite_record = models.ForeignKey("inspections.OnSiteRecord", verbose_name="来源现场笔录", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="添加人", on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    added_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "证据"
        ordering = ["collected_on", "id"]

    def __str__(self) -> str:
        return self.title


class Interview(models.Model):
    """An interview record (询问笔录): who was asked, by whom, when and where, and what was said."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="interviews")
    interviewee = models.CharField("被询问人", max_length=50)
    interviewee_id_number = models.CharField("被询问人身份证件号码", max_length=30, blank=True)
    interviewee_role = models.CharField("与当事人关系或职务", max_length=50, blank=True)
    place = models.CharField("询问地点", max_length=200)
    started_at = models.DateTimeField("询问开始时间")
    ended_at = models.DateTimeField("询问结束时间")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="询问人", related_name="+")
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                 related_name="+")
    transcript = models.TextField("询问内容", help_text="问答逐条记录。")
    bodycam_file_id = models.CharField("视音频文件编号", max_length=100, blank=True)
    signed = models.BooleanField("被询问人已签名确认", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "询问笔录"
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"询问{self.interviewee}"


class Measure(models.Model):
    """证据先行登记保存 (decision within 7 days) or 查封扣押 (≤30 days, +30 with approval)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField("措施", max_length=20, choices=MeasureKind.choices)
    number = models.CharField("决定书文号", max_length=60, blank=True, editable=False)
    items = models.TextField("物品清单")
    started_on = models.DateField("采取措施日期")
    decided_on = models.DateField("处理决定日期", null=True, blank=True)
    decision = models.CharField("处理决定", max_length=200, blank=True)
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="延长批准人", null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    extension_reason = models.CharField("延长理由", max_length=300, blank=True)
    released_on = models.DateField("解除日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "证据保全与强制措施"
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.started_on}）"
