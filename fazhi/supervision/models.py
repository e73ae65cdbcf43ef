"""Early warnings (预警): the legal section's settings of each rule, and the warnings the scan raises.

What a rule is and how it is evaluated is declared in `warning_rules.py`; the `WarningRule` row only holds what
the legal section may change (whether it runs, its severity, how many days ahead it warns). A warning names the
record it concerns by content type and id, and carries copies of the record's organisation, the responsible
officer's section and the officer, so every list is scoped without reaching into the module that owns the record.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from fazhi.core.models import Organisation, ScopedModel

from .choices import UNRESOLVED, Resolution, Severity, WarningStatus
from .querysets import EarlyWarningQuerySet, WarningOfficerQuerySet


class WarningRule(models.Model):
    """One rule of the rule table as the legal section has set it."""

    code = models.CharField("规则编号", max_length=30, unique=True)
    is_active = models.BooleanField("启用", default=True)
    severity = models.CharField("预警级别", max_length=10, choices=Severity.choices)
    lead_days = models.PositiveSmallIntegerField(
        "提前预警天数", null=True, blank=True, help_text="期限届满前多少日开始预警；不按期限预警的规则为空。")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # Bookkeeping of the last scan over every record (the cron run): when, how long, what it left open.
    last_scanned_at = models.DateTimeField("最近全面扫描时间", null=True, blank=True, editable=False)
    last_scan_seconds = models.FloatField("最近全面扫描用时（秒）", null=True, blank=True, editable=False)
    last_scan_found = models.PositiveIntegerField("最近全面扫描发现", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "预警规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EarlyWarning(ScopedModel):
    """A warning raised by a rule on one record: open until acknowledged, resolved by the scan once its condition
    clears. A condition that returns later raises a new warning; a resolved one is never reopened."""

    # The foreign keys lead the composite indexes below, which serve every lookup; one index per key besides would
    # only slow the scan's inserts (a first scan of a province raises hundreds of thousands).
    organisation = models.ForeignKey(Organisation, verbose_name="所属机构", on_delete=models.PROTECT,
                                     related_name="+", db_index=False)
    rule = models.ForeignKey(WarningRule, verbose_name="规则", on_delete=models.PROTECT, related_name="warnings",
                             db_index=False)
    record_type = models.ForeignKey(ContentType, verbose_name="记录类型", on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    record_id = models.PositiveBigIntegerField("记录编号")
    record_label = models.CharField("记录", max_length=200)
    record_url = models.CharField("记录地址", max_length=300, blank=True)
    section = models.ForeignKey("core.Section", verbose_name="科室", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_index=False)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="WarningOfficer", verbose_name="相关执法人员",
                                      related_name="early_warnings")
    severity = models.CharField("预警级别", max_length=10, choices=Severity.choices)
    due_on = models.DateField("期限", null=True, blank=True)
    message = models.CharField("预警内容", max_length=500)
    # A digest of what the rule last said (officers, due date, severity, message, label): the scan compares
    # digests to find, in bulk, the open warnings whose content changed.
    fingerprint = models.CharField("内容摘要", max_length=32, editable=False)
    status = models.CharField("状态", max_length=20, choices=WarningStatus.choices, default=WarningStatus.OPEN,
                              editable=False)
    first_seen = models.DateField("首次发现日期", editable=False)
    last_seen = models.DateField("最近发现日期", editable=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="知悉人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)
    acknowledged_at = models.DateTimeField("知悉时间", null=True, blank=True, editable=False)
    acknowledgement = models.CharField("处置说明", max_length=300, blank=True, editable=False)
    resolved_on = models.DateField("消除日期", null=True, blank=True, editable=False)
    resolution = models.CharField("消除原因", max_length=20, choices=Resolution.choices, blank=True, editable=False)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-first_seen", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-first_seen"], name="warning_org_status"),
            models.Index(fields=["rule", "status"], name="warning_rule_status"),
            models.Index(fields=["officer", "status"], name="warning_officer_status"),
            models.Index(fields=["section", "status"], name="warning_section_status"),
            models.Index(fields=["record_type", "record_id"], name="warning_record"),
        ]
        constraints = [
            # One unresolved warning per rule and record, whatever scans run at the same time.
            models.UniqueConstraint(fields=["rule", "record_type", "record_id"], condition=Q(status__in=UNRESOLVED),
                                    name="warning_unresolved_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.record_label}"

    @property
    def is_unresolved(self) -> bool:
        return self.status in UNRESOLVED


class WarningOfficer(models.Model):
    """An officer a warning concerns (the record's team, the responsible officer first): each sees it."""

    # Indexed by the unique (warning, officer) and the (officer, warning) index below.
    warning = models.ForeignKey(EarlyWarning, verbose_name="预警", on_delete=models.CASCADE, related_name="concerns",
                                db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执法人员", on_delete=models.CASCADE,
                                related_name="+", db_index=False)

    objects = WarningOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警相关人员"
        constraints = [models.UniqueConstraint(fields=["warning", "officer"], name="warning_officer_once")]
        indexes = [models.Index(fields=["officer", "warning"], name="warning_officer_lookup")]
