"""Prior notice (事先告知, 行政处罚法第四十四条), the party's statement and defence, and the hearing
(第六十三、六十四条)."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class PriorNotice(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="notice")
    number = models.CharField("告知书文号", max_length=60, editable=False)
    hearing_number = models.CharField("听证告知书文号", max_length=60, blank=True, editable=False)
    issued_on = models.DateField("告知日期")
    served_on = models.DateField("告知书送达日期")
    hearing_rights = models.BooleanField("告知听证权利", editable=False)
    statement_until = models.DateField("陈述申辩期限", editable=False)
    hearing_request_until = models.DateField("听证申请期限", null=True, blank=True, editable=False)
    rights_waived_on = models.DateField("当事人书面放弃陈述申辩（听证）日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政处罚事先告知"

    def __str__(self) -> str:
        return self.number


class Statement(models.Model):
    """陈述申辩: what the party said, and whether it was adopted (it never raises the penalty, §45)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="statements")
    received_on = models.DateField("提出日期")
    content = models.TextField("陈述申辩内容")
    adopted = models.BooleanField("是否采纳", default=False)
    response = models.TextField("复核意见")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "陈述申辩"
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} 陈述申辩（{self.received_on}）"


class Hearing(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="hearing")
    requested_on = models.DateField("申请听证日期")
    notified_on = models.DateField("听证通知日期", null=True, blank=True)
    scheduled_for = models.DateField("举行日期", null=True, blank=True)
    place = models.CharField("听证地点", max_length=200, blank=True)
    is_public = models.BooleanField("公开举行", default=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="听证主持人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("实际举行日期", null=True, blank=True)
    record = models.TextField("听证笔录", blank=True)
    chair_opinion = models.TextField("听证意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "听证"

    def __str__(self) -> str:
        return f"{self.case} 听证"
