from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.models import ScopedModel
from fazhi.entities.models import NAME_FIELDS

from ..choices import InspectionStatus, VisitReason
from ..querysets import InspectionQuerySet, RatingQuerySet, ThroughInspectionQuerySet
from ..rules import INSPECTION_RULES


class Inspection(ScopedModel):
    """One visit to one entity (监督检查): why, when, by whom, against which published items.

    Its status moves only through `status.INSPECTION_MACHINE`. Before entry it is registered and gets a code
    (亮码入企) the entity can look up on the portal without signing in.
    """

    entity = models.ForeignKey("entities.Entity", verbose_name="监管对象", on_delete=models.PROTECT,
                               related_name="inspections")
    # The entity as the list searches it, kept on the visit so that the search and the list's filters meet in
    # one index (migration 0004). Copied when the visit is made and whenever the entity is renamed
    # (`visits.copy_entity_names`, which the entity services call): always the entity's current name.
    entity_name = models.CharField("监管对象名称", max_length=200, editable=False)
    entity_name_initials = models.CharField("监管对象名称拼音首字母", max_length=200, blank=True, editable=False)
    entity_credit_code = models.CharField("监管对象统一社会信用代码", max_length=18, blank=True, editable=False)
    reason = models.CharField("检查事由", max_length=30, choices=VisitReason.choices)
    plan = models.ForeignKey("inspections.InspectionPlan", verbose_name="抽查计划", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inspections")
    draw = models.ForeignKey("inspections.Draw", verbose_name="随机抽取", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inspections", editable=False)
    campaign = models.ForeignKey("inspections.Campaign", verbose_name="所属专项", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="inspections")
    joint_visit = models.ForeignKey("inspections.JointVisit", verbose_name="联合检查", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="inspections", editable=False)
    opinion = models.ForeignKey("inspections.SupervisionOpinion", verbose_name="复查的监督意见书", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="rechecks")
    window_start = models.DateField("计划检查日期起")
    window_end = models.DateField("计划检查日期止")
    items = models.ManyToManyField("inspections.InspectionItem", verbose_name="检查事项", related_name="inspections")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="检查人员", through="InspectionOfficer",
                                      related_name="inspections")
    status = models.CharField("状态", max_length=20, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED, editable=False)
    code = models.CharField("检查码", max_length=16, null=True, blank=True, unique=True, editable=False)
    code_issued_at = models.DateTimeField("亮码时间", null=True, blank=True, editable=False)
    code_expires_at = models.DateTimeField("检查码失效时间", null=True, blank=True, editable=False)
    # A visit over the annual cap needs a leader's approval unless it is case-driven (rules.CASE_DRIVEN_REASONS).
    over_cap = models.BooleanField("超出年度频次上限", default=False, editable=False)
    cap_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="超频次批准人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+", editable=False)
    cap_approved_at = models.DateTimeField("超频次批准时间", null=True, blank=True, editable=False)
    cap_approval_reason = models.CharField("超频次批准理由", max_length=200, blank=True, editable=False)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监督检查"
        ordering = ["-window_start", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "window_start"], name="inspection_org_status"),
            models.Index(fields=["entity", "window_start"], name="inspection_entity_date"),
            # The list, newest first, for each combination of its status and reason filters: a broad search is
            # answered by walking one of these until a page is full (migration 0004 has the search indexes).
            models.Index(fields=["window_start", "id"], name="inspection_date"),
            models.Index(fields=["status", "window_start", "id"], name="inspection_status_date"),
            models.Index(fields=["reason", "window_start", "id"], name="inspection_reason_date"),
            models.Index(fields=["status", "reason", "window_start", "id"], name="inspection_status_reason_date"),
            models.Index(fields=["entity_credit_code"], name="inspection_entity_credit_code"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(window_end__gte=models.F("window_start")),
                                              name="inspection_window_valid",
                                              violation_error_message="计划检查日期止不能早于日期起。")]

    def __str__(self) -> str:
        return f"{self.entity} {self.window_start:%Y-%m-%d} {self.get_reason_display()}"

    def save(self, *args, **kwargs):
        # A new visit takes its entity's names as they are; bulk inserts fill them with `entity_names`.
        if self._state.adding:
            for name, value in entity_names(self.entity).items():
                setattr(self, name, value)
        super().save(*args, **kwargs)


# What a visit keeps of its entity to be searched by: the visit's field and the entity's it copies, each of the
# fields whose change the entity services pass on.
ENTITY_NAME_FIELDS = {f"entity_{source}": source for source in NAME_FIELDS}


def entity_names(entity) -> dict[str, str]:
    """The visit's copy of `entity`'s names, for a new visit."""
    return {field: getattr(entity, source) for field, source in ENTITY_NAME_FIELDS.items()}


class InspectionOfficer(models.Model):
    """An officer on a visit, with the certificate valid for the visit's domain on its date."""

    inspection = models.ForeignKey(Inspection, verbose_name="监督检查", on_delete=models.CASCADE,
                                   related_name="team")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执法人员", on_delete=models.PROTECT,
                                related_name="+")
    certificate = models.ForeignKey("core.EnforcementCertificate", verbose_name="执法证", on_delete=models.PROTECT,
                                    related_name="+")
    is_lead = models.BooleanField("主办人", default=False)

    objects = ThroughInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查人员"
        ordering = ["-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "officer"], name="inspection_officer_once")]

    def __str__(self) -> str:
        return f"{self.officer}（{self.certificate.number}）"


class VisitRating(models.Model):
    """The entity's confirmation and anonymous rating of a visit: it reaches supervisors, never the officers."""

    inspection = models.ForeignKey(Inspection, verbose_name="监督检查", on_delete=models.PROTECT,
                                   related_name="ratings")
    score = models.PositiveSmallIntegerField(
        "评分", validators=[MinValueValidator(INSPECTION_RULES.rating_min), MaxValueValidator(INSPECTION_RULES.rating_max)]
    )
    comment = models.TextField("意见建议", blank=True, max_length=1000)
    created_at = models.DateTimeField("评价时间", auto_now_add=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查评价"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspection"], name="rating_once_per_visit",
                                               violation_error_message="该次检查已评价。")]

    def __str__(self) -> str:
        return f"{self.inspection_id}：{self.score}分"
