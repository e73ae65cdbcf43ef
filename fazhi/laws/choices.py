from django.db import models


class LawLevel(models.TextChoices):
    """效力层级 of a text in the library."""

    LAW = "law", "法律"
    ADMINISTRATIVE_REGULATION = "regulation", "行政法规"
    MINISTRY_RULE = "ministry_rule", "部门规章"
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    LOCAL_RULE = "local_rule", "地方政府规章"
    PARTY_REGULATION = "party_regulation", "党内法规"
    NORMATIVE_DOCUMENT = "normative", "规范性文件"


class VersionStatus(models.TextChoices):
    IN_FORCE = "in_force", "现行有效"
    SUPERSEDED = "superseded", "已被修订"
    REPEALED = "repealed", "已废止"


def level_rank():
    """An expression ranking 效力层级 from law down (the order LawLevel declares), for sorting lists."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(*(When(level=value, then=Value(rank)) for rank, value in enumerate(LawLevel.values)),
                default=Value(len(LawLevel.values)), output_field=IntegerField())
