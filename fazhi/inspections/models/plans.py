from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import Domain, Region, ScopedModel

from ..choices import PlanStatus


class Campaign(ScopedModel):
    """A special enforcement campaign (专项执法): a theme and a period grouping inspections."""

    theme = models.CharField("专项主题", max_length=200)
    description = models.TextField("工作要求", blank=True)
    domains = models.ManyToManyField(Domain, verbose_name="监管专业", related_name="+", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "专项执法"
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_period_valid",
                                              violation_error_message="结束日期不能早于开始日期。")]

    def __str__(self) -> str:
        return self.theme


class InspectionPlan(ScopedModel):
    """A random-inspection plan (双随机抽查计划): domains, area, period and sampling ratios per credit grade.

    Every key-supervision entity in scope is included besides the random sample (优化营商环境条例 §54).
    """

    name = models.CharField("计划名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    domains = models.ManyToManyField(Domain, verbose_name="监管专业", related_name="+")
    townships = models.ManyToManyField(Region, verbose_name="乡镇（街道）", related_name="+", blank=True,
                                       help_text="不选则为本机关全部辖区。")
    starts_on = models.DateField("检查开始日期")
    ends_on = models.DateField("检查结束日期")
    sampling_ratios = models.JSONField("抽查比例（%）", default=dict,
                                       help_text="按信用等级的抽查比例，如 {\"A\": \"3\", \"B\": \"5\", \"C\": \"10\", \"D\": \"20\"}。")
    team_size = models.PositiveSmallIntegerField("每组检查人员数", default=2)
    risk_weighted = models.BooleanField(
        "按风险加权抽取", default=False, db_default=False,
        help_text="勾选后，各信用等级内按监管对象的风险分加权抽取：风险分越高，被抽中的机会越大（风险分加倍，机会加倍）；"
                  "各等级的抽查比例和重点监管全覆盖不变。抽取时的风险分记入对象库，可复核。")
    item_list = models.ManyToManyField("inspections.InspectionItem", verbose_name="检查事项", related_name="plans",
                                       blank=True)
    campaign = models.ForeignKey(Campaign, verbose_name="所属专项", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="plans")
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              editable=False)
    published_at = models.DateTimeField("公布时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查计划"
        ordering = ["-year", "-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="plan_period_valid",
                                              violation_error_message="检查结束日期不能早于开始日期。")]

    def __str__(self) -> str:
        return self.name


class Draw(ScopedModel):
    """One random draw for a plan: reproducible from its seed and both pools, whose hashes it records.

    `entity_pool` and `inspector_pool` hold the ids (with what the draw weighs: grade, key flag, domains,
    recusals) exactly as drawn from, so anyone can re-run the draw and compare `result_hash`.
    """

    plan = models.ForeignKey(InspectionPlan, verbose_name="抽查计划", on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField("随机种子", max_length=64)
    entity_pool = models.JSONField("检查对象库", default=list)
    inspector_pool = models.JSONField("执法人员库", default=list)
    entity_pool_hash = models.CharField("对象库哈希（SHA-256）", max_length=64)
    inspector_pool_hash = models.CharField("人员库哈希（SHA-256）", max_length=64)
    result = models.JSONField("抽取结果", default=list)
    result_hash = models.CharField("结果哈希（SHA-256）", max_length=64)
    algorithm = models.CharField("抽取算法版本", max_length=20)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT,
                                 related_name="+")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "随机抽取"
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} 抽取（{self.seed[:8]}）"


class Recusal(ScopedModel):
    """An officer's interest in an entity (回避, 行政处罚法 §43): the draw and team choice never pair them."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执法人员", on_delete=models.PROTECT,
                                related_name="recusals")
    entity = models.ForeignKey("entities.Entity", verbose_name="监管对象", on_delete=models.PROTECT,
                               related_name="recusals")
    reason = models.CharField("回避事由", max_length=200)
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "回避登记"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["officer", "entity"], condition=models.Q(is_active=True),
                                               name="recusal_once", violation_error_message="该人员对该对象已登记回避。")]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.entity}"
