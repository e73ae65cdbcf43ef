"""The annual 法治政府建设情况报告 in preparation: a bureau's edited narrative for one year. The figures are never
stored here; they are computed from the records each time the report is shown or exported."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import ScopedModel


class AnnualReportDraft(ScopedModel):
    """A bureau's draft of its annual report on building a law-based government for one year: the lead-in,
    the introductions of each group of measures, and sections 二、三、四, as edited before export."""

    year = models.PositiveSmallIntegerField("年度")
    narrative = models.JSONField("报告文字", default=dict, blank=True,
                                 help_text="各部分的文字：导语、各项举措的引言、存在问题、第一责任人履职情况、下一年度安排。")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最后修改人", null=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "法治政府建设年度报告草稿"
        ordering = ["-year", "organisation__path"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="annual_report_once_a_year",
                                               violation_error_message="本机关该年度的报告草稿已存在。")]

    def __str__(self) -> str:
        return f"{self.organisation.label}{self.year}年法治政府建设情况报告"
