"""Publication of decisions on the portal (三项制度: within 7 working days), withdrawn within 3 days when changed
or annulled (行政处罚法第四十八条), taken down after 5 years, or 2 when the party is a person."""
from __future__ import annotations

from django.db import models

from ..choices import PublicationStatus
from ..querysets_publication import PublicationQuerySet


class Publication(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                                related_name="publication")
    organisation = models.ForeignKey("core.Organisation", verbose_name="公开机关", on_delete=models.PROTECT,
                                     related_name="+")
    decision_number = models.CharField("决定书文号", max_length=60)
    party_display = models.CharField("当事人（已脱敏）", max_length=200)
    body = models.TextField("公开内容（已脱敏）")
    decided_on = models.DateField("决定日期")
    due_by = models.DateField("应公开期限")
    published_on = models.DateField("公开日期")
    takedown_on = models.DateField("到期撤下日期")
    status = models.CharField("状态", max_length=20, choices=PublicationStatus.choices,
                              default=PublicationStatus.PUBLISHED)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawal_reason = models.CharField("撤回原因", max_length=300, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "处罚决定公开"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["status", "-published_on"], name="publication_status_date")]

    def __str__(self) -> str:
        return self.decision_number
