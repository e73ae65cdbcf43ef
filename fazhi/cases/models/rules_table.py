"""The configurable case rule table: what makes a case need legal review (需法制审核), collective deliberation
(需集体讨论) or hearing rights (听证). Seeded from DOMAIN.md; the thresholds of "large" amounts are set by the
province or ministry, so they are rows the administrator edits, not constants."""
from __future__ import annotations

from django.db import models

from ..choices import ConditionKind, PartyKind, PenaltyKind, RuleEffect


class CaseRule(models.Model):
    code = models.CharField("规则编号", max_length=30, unique=True)
    name = models.CharField("规则名称", max_length=100)
    effect = models.CharField("后果", max_length=20, choices=RuleEffect.choices)
    condition = models.CharField("条件", max_length=30, choices=ConditionKind.choices)
    party_kind = models.CharField("适用当事人", max_length=20, choices=PartyKind.choices, blank=True,
                                  help_text="为空表示公民与组织均适用。")
    amount = models.DecimalField("数额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    penalty_kind = models.CharField("处罚种类", max_length=30, choices=PenaltyKind.choices, blank=True)
    basis = models.CharField("依据", max_length=200)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件规则"
        ordering = ["effect", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
