"""Vocabularies of early warnings (预警)."""
from django.db import models


class Severity(models.TextChoices):
    """How urgent a warning is, lowest first (the order `SEVERITY_RANK` compares by)."""

    NOTICE = "notice", "提示"
    WARNING = "warning", "警告"
    SERIOUS = "serious", "严重"


SEVERITY_RANK = {Severity.NOTICE: 0, Severity.WARNING: 1, Severity.SERIOUS: 2}


def higher(*severities: str | None) -> str:
    """The most urgent of the given severities (None ignored)."""
    return max((s for s in severities if s), key=lambda s: SEVERITY_RANK[s])


class WarningStatus(models.TextChoices):
    OPEN = "open", "待处置"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    RESOLVED = "resolved", "已消除"


UNRESOLVED = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)


class Source(models.TextChoices):
    """The module whose records a rule looks at."""

    CASES = "cases", "行政处罚"
    INSPECTIONS = "inspections", "监督检查"
    STAFF = "staff", "执法人员"


class Resolution(models.TextChoices):
    CLEARED = "cleared", "预警情形已消除"
    RULE_OFF = "rule_off", "规则已停用"
