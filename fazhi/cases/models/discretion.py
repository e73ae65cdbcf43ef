"""Discretion bands (裁量基准): for each violation, the provision broken, the penalty provision and the bands
轻微/一般/较重/严重 with their fine ranges (行政处罚法第三十四条). Loaded from a file the bureau can edit."""
from __future__ import annotations

from django.db import models

from ..choices import BandLevel


class Violation(models.Model):
    """One kind of violation with the provisions it cites (each a provision in the law library)."""

    code = models.CharField("编号", max_length=20, unique=True)
    domain = models.ForeignKey("core.Domain", verbose_name="专业类别", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("违法行为", max_length=200)
    provision_broken = models.ForeignKey("laws.Provision", verbose_name="违反条款", on_delete=models.PROTECT,
                                         related_name="violations_broken")
    penalty_provision = models.ForeignKey("laws.Provision", verbose_name="处罚依据", on_delete=models.PROTECT,
                                          related_name="violations_punished")
    provision_broken_cited = models.CharField(
        "违反条款（原文引用）", max_length=200, blank=True,
        help_text="照录引用原文，如“传染病防治法第三十条、第三十七条”；引用多条时，“违反条款”关联其中第一条。")
    penalty_provision_cited = models.CharField(
        "处罚依据（原文引用）", max_length=200, blank=True, help_text="照录引用原文；引用多条时，“处罚依据”关联其中第一条。")
    penalty_text = models.CharField(
        "罚则内容（原文）", max_length=300, blank=True,
        help_text="照录罚则所列的处理和处罚及其适用条件；“处罚种类”只存 PenaltyKind 代码。")
    penalty_kinds = models.CharField("处罚种类", max_length=300, help_text="PenaltyKind 代码，以空格分隔。")
    fine_min = models.DecimalField("罚款下限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    fine_rule = models.CharField("罚款规则（原文）", max_length=300, blank=True,
                                 help_text="按违法所得倍数等计算时，照录条文原话。")
    authority_note = models.CharField("实施机关说明", max_length=200, blank=True,
                                      help_text="如罚则由疾病预防控制部门或生态环境部门实施，在此写明。")
    caveat = models.CharField("核对提示", max_length=300, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "违法行为"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DiscretionBand(models.Model):
    """One band of a violation: its circumstances and fine range; a penalty outside it needs written reasons."""

    violation = models.ForeignKey(Violation, verbose_name="违法行为", on_delete=models.CASCADE, related_name="bands")
    level = models.CharField("裁量阶次", max_length=10, choices=BandLevel.choices)
    circumstances = models.CharField("适用情形", max_length=300, blank=True)
    fine_min = models.DecimalField("罚款下限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    other_penalties = models.CharField("其他处罚", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "裁量阶次"
        ordering = ["violation", "level"]
        constraints = [models.UniqueConstraint(fields=["violation", "level"], name="band_once_per_level")]

    def __str__(self) -> str:
        return f"{self.violation}：{self.get_level_display()}"
