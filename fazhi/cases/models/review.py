"""The three levels of review before a decision: 科室初审, 法制科复审 (行政处罚法第五十八条) and 集体讨论
(第五十七条), and the investigation's concluding report that they read."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import ReviewAspect, ReviewOutcome, ReviewStage


class InvestigationReport(models.Model):
    """调查终结报告: written once the investigation ends; reviews read it."""

    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                                related_name="investigation_report")
    concluded_on = models.DateField("调查终结日期")
    evidence_summary = models.TextField("证据及证明事项")
    analysis = models.TextField("定性与法律适用")
    proposal = models.TextField("处理意见")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撰写人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "案件调查终结报告"

    def __str__(self) -> str:
        return f"{self.case} 调查终结报告"


class LegalReview(models.Model):
    """One review of a case at one stage, with an opinion per aspect, an outcome and its reasons."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField("审核层级", max_length=10, choices=ReviewStage.choices)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT,
                                 related_name="case_reviews")
    reviewed_on = models.DateField("审核日期")
    outcome = models.CharField("审核结论", max_length=20, choices=ReviewOutcome.choices)
    reasons = models.TextField("理由")
    aspects = models.JSONField("分项意见", default=dict, help_text="ReviewAspect 代码 → 意见。")
    after_hearing = models.BooleanField("听证后审核", default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "法制审核记录"
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()}：{self.get_outcome_display()}"

    @property
    def aspect_opinions(self) -> list[tuple[str, str]]:
        return [(a.label, self.aspects.get(a.value, "")) for a in ReviewAspect]

    @property
    def passed(self) -> bool:
        return self.outcome == ReviewOutcome.AGREE


class Deliberation(models.Model):
    """集体讨论 by the bureau's leaders (行政处罚法第五十七条)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="deliberations")
    held_on = models.DateField("讨论日期")
    place = models.CharField("地点", max_length=100)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="主持人", on_delete=models.PROTECT,
                              related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参加人员", related_name="+")
    minutes = models.TextField("讨论记录")
    conclusion = models.CharField("讨论结论", max_length=20, choices=ReviewOutcome.choices)
    conclusion_text = models.TextField("决定意见")

    class Meta:
        verbose_name = verbose_name_plural = "集体讨论记录"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} 集体讨论（{self.held_on}）"
