"""A penalty case (行政处罚案件) and its officers.

Its status moves only through the procedure's state machine (`status.GENERAL_MACHINE` or `status.SIMPLE_MACHINE`).
The party is copied from the entity when the case is opened, so a document always shows the party as it was;
every later document is filled from these fields and the case's records.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Upper

from fazhi.core.models import ScopedModel

from ..choices import BandLevel, CaseSource, CaseStatus, PartyKind, Procedure
from ..querysets import CaseQuerySet


class Case(ScopedModel):
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices)
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, editable=False)
    cause = models.CharField("案由", max_length=300)
    # where the case came from
    source = models.CharField("案件来源", max_length=20, choices=CaseSource.choices)
    source_inspection = models.ForeignKey("inspections.Inspection", verbose_name="来源检查", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="cases")
    source_opinion = models.ForeignKey("inspections.SupervisionOpinion", verbose_name="来源监督意见书", null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="cases")
    source_detail = models.TextField("来源说明", blank=True)
    received_on = models.DateField("发现或受理日期", help_text="立案决定期限自此日起算。")
    # the party
    entity = models.ForeignKey("entities.Entity", verbose_name="监管对象", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    party_kind = models.CharField("当事人类别", max_length=20, choices=PartyKind.choices)
    party_name = models.CharField("当事人", max_length=200)
    party_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    party_id_number = models.CharField("身份证件号码", max_length=30, blank=True)
    party_representative = models.CharField("法定代表人（负责人）", max_length=50, blank=True)
    party_address = models.CharField("住所（地址）", max_length=300, blank=True)
    party_phone = models.CharField("联系电话", max_length=30, blank=True)
    # the violation and its dates
    domain = models.ForeignKey("core.Domain", verbose_name="专业类别", on_delete=models.PROTECT, related_name="+")
    violation = models.ForeignKey("cases.Violation", verbose_name="违法行为", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cases")
    provision_broken = models.ForeignKey("laws.Provision", verbose_name="违反条款", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    penalty_provision = models.ForeignKey("laws.Provision", verbose_name="处罚依据", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    provision_broken_cited = models.CharField("违反条款（原文引用）", max_length=200, blank=True)
    penalty_provision_cited = models.CharField("处罚依据（原文引用）", max_length=200, blank=True)
    act_ended_on = models.DateField("违法行为终了日期", null=True, blank=True,
                                    help_text="追责时效与新旧法适用均自此日判断（行政处罚法第三十六条、第三十七条）。")
    harms_life_or_health = models.BooleanField("涉及公民生命健康安全且有危害后果", default=False,
                                               help_text="追责时效延长至五年（行政处罚法第三十六条）。")
    newer_law_lighter = models.BooleanField(
        "新的规定处罚较轻", default=False, db_default=False,
        help_text="违法行为终了后法律已修改、且新规定处罚较轻或不认为违法的，适用新规定（行政处罚法第三十七条）。")
    applicable_law_note = models.TextField("法律适用说明", blank=True, db_default="", editable=False)
    is_complex = models.BooleanField("案情复杂", default=False)
    is_major_public_interest = models.BooleanField("涉及重大公共利益", default=False)
    is_first_offence = models.BooleanField("初次违法", default=False)
    harm_minor = models.BooleanField("危害后果轻微", default=False)
    corrected = models.BooleanField("已及时改正", default=False)
    facts = models.TextField("违法事实", blank=True)
    # the proposed (then decided) penalty
    penalty_kinds = models.CharField("处罚种类", max_length=300, blank=True, help_text="PenaltyKind 代码，以空格分隔。")
    fine_amount = models.DecimalField("罚款（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    confiscation_amount = models.DecimalField("没收违法所得（元）", max_digits=12, decimal_places=2, null=True,
                                              blank=True)
    other_penalty_detail = models.CharField("其他处罚内容", max_length=300, blank=True)
    band_level = models.CharField("裁量阶次", max_length=10, choices=BandLevel.choices, blank=True)
    discretion_reasons = models.TextField("裁量理由", blank=True, help_text="拟处罚超出裁量阶次时必须写明（行政处罚法第三十四条）。")
    # the clock
    filing_number = models.CharField("立案编号", max_length=60, blank=True, editable=False)
    filed_on = models.DateField("立案日期", null=True, blank=True, editable=False)
    filing_delay_reason = models.CharField("逾期立案原因", max_length=300, blank=True)
    deadline_on = models.DateField("办案期限", null=True, blank=True, editable=False)
    # prior notice
    notified_fine = models.DecimalField("告知的罚款（元）", max_digits=12, decimal_places=2, null=True, blank=True,
                                        editable=False, help_text="决定不得重于告知（行政处罚法第四十五条）。")
    notified_penalty_kinds = models.CharField("告知的处罚种类", max_length=300, blank=True, editable=False)
    # the decision
    decision_number = models.CharField("决定书文号", max_length=60, blank=True, editable=False)
    decided_on = models.DateField("决定日期", null=True, blank=True, editable=False)
    payment_due_on = models.DateField("缴纳期限", null=True, blank=True, editable=False)
    served_on = models.DateField("送达日期", null=True, blank=True, editable=False)
    # the simple procedure, on the spot
    on_spot_place = models.CharField("当场处罚地点", max_length=200, blank=True)
    cash_collected = models.BooleanField("当场收缴罚款", default=False)
    cash_receipt_number = models.CharField("罚没款收据编号", max_length=50, blank=True)
    cash_hard_to_collect = models.BooleanField("事后难以执行", default=False,
                                               help_text="偏远、交通不便地区当场收缴的情形（行政处罚法第六十九条）。")
    # endings
    outcome_reason = models.TextField("不予立案、不予处罚、移送或撤销的理由", blank=True)
    transferred_to = models.CharField("移送机关", max_length=200, blank=True)
    education_record = models.TextField("教育记录", blank=True,
                                        help_text="不予处罚的，应当对当事人进行教育（行政处罚法第三十三条）。")
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)
    archived_on = models.DateField("归档日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    client_key = models.UUIDField("提交标识", null=True, blank=True, unique=True, editable=False)

    # One upper-cased text of what the search box looks in, kept by the database itself, so one trigram and one
    # bigram index answer a search of party, cause or number at province scale (migration 0005).
    search_text = models.GeneratedField(
        expression=Upper(Concat("party_name", Value(" "), "cause", Value(" "), "filing_number", Value(" "),
                                "decision_number", output_field=models.TextField())),
        output_field=models.TextField(), db_persist=True, verbose_name="检索文本")

    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CaseOfficer", verbose_name="承办人员",
                                      related_name="cases")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政处罚案件"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-received_on", "-id"], name="case_org_received"),
            models.Index(fields=["organisation", "status"], name="case_org_status"),
            models.Index(fields=["decision_number"], name="case_decision_number"),
        ]

    def __str__(self) -> str:
        return self.filing_number or self.decision_number or f"{self.party_name}{self.cause}"

    @property
    def penalty_kind_codes(self) -> list[str]:
        return self.penalty_kinds.split()

    @property
    def is_person(self) -> bool:
        return self.party_kind == PartyKind.PERSON


class CaseOfficer(models.Model):
    """An officer on a case with the certificate they act under (≥2, 行政处罚法第四十二条)."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="team")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人员", on_delete=models.PROTECT,
                                related_name="case_assignments")
    certificate = models.ForeignKey("core.EnforcementCertificate", verbose_name="执法证", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField("主办人", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "承办人员"
        ordering = ["-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_once")]

    def __str__(self) -> str:
        return f"{self.case}：{self.officer}"


class CaseExtension(models.Model):
    """An approved extension of the 90-day limit (行政处罚法第六十条), recorded with who approved it and why."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长天数")
    reason = models.TextField("延期理由")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField("批准日期")
    previous_deadline = models.DateField("原办案期限")
    new_deadline = models.DateField("延长后办案期限")

    class Meta:
        verbose_name = verbose_name_plural = "办案期限延长"
        ordering = ["approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} 延期至 {self.new_deadline}"
