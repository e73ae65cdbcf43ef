"""After the decision: service (送达), payment with deferral or instalments and the late surcharge
(行政处罚法第六十六、六十七、七十二条), appeals that pause the surcharge, the reminder (催告) and the application
to the court (行政强制法第五十三、五十四条)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import AppealKind, ArrangementKind, ServiceMethod


class Service(models.Model):
    """送达回证: one document delivered to the party."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="services")
    document_kind = models.CharField("送达文书", max_length=40)
    document_number = models.CharField("文书文号", max_length=60, blank=True)
    method = models.CharField("送达方式", max_length=20, choices=ServiceMethod.choices)
    served_on = models.DateField("送达日期")
    place = models.CharField("送达地点", max_length=200, blank=True)
    recipient = models.CharField("受送达人", max_length=100)
    receiver_signature = models.CharField("签收人", max_length=50, blank=True)
    electronic_consent = models.BooleanField("当事人已签署电子送达确认书", default=False)
    late_reason = models.CharField("未在七日内送达的原因", max_length=300, blank=True)
    refusal_witness = models.CharField("拒收见证人或影像记录", max_length=200, blank=True)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="送达人", on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "送达回证"
        ordering = ["served_on", "id"]

    def __str__(self) -> str:
        return f"{self.document_kind} {self.served_on}"


class PaymentArrangement(models.Model):
    """An approved deferral or instalment plan (行政处罚法第六十六条)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="arrangements")
    kind = models.CharField("方式", max_length=20, choices=ArrangementKind.choices)
    requested_on = models.DateField("申请日期")
    reason = models.TextField("理由")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = verbose_name_plural = "暂缓或分期缴纳"
        ordering = ["approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class Instalment(models.Model):
    arrangement = models.ForeignKey(PaymentArrangement, verbose_name="缴纳安排", on_delete=models.CASCADE,
                                    related_name="instalments")
    due_on = models.DateField("应缴日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "分期"
        ordering = ["due_on", "id"]


class Payment(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField("缴纳日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    surcharge = models.DecimalField("其中加处罚款（元）", max_digits=12, decimal_places=2, default=0)
    receipt_number = models.CharField("缴款凭证号", max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "缴款"
        ordering = ["paid_on", "id"]


class Appeal(models.Model):
    """A reconsideration or lawsuit against the decision; the late surcharge pauses while it runs (§72)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="appeals")
    kind = models.CharField("救济途径", max_length=20, choices=AppealKind.choices)
    filed_on = models.DateField("提起日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    result = models.CharField("结果", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "复议与诉讼"
        ordering = ["filed_on", "id"]


class Reminder(models.Model):
    """催告书 (行政强制法第五十四条): the court may be asked only ten days after it is served."""

    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="reminder")
    number = models.CharField("催告书文号", max_length=60, editable=False)
    issued_on = models.DateField("催告日期")
    served_on = models.DateField("送达日期")
    amount_due = models.DecimalField("催缴金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "催告"


class EnforcementApplication(models.Model):
    """申请人民法院强制执行 (行政强制法第五十三条)."""

    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                                related_name="enforcement")
    applied_on = models.DateField("申请日期")
    court = models.CharField("受理法院", max_length=100)
    result = models.CharField("执行结果", max_length=200, blank=True)
    concluded_on = models.DateField("执行终结日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请强制执行"
