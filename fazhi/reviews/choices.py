"""Vocabularies of case-file review (案卷评查)."""
from django.db import models


class RubricKind(models.TextChoices):
    """A veto item fails the file outright; a scored item takes its points off the file's part (形式 / 实体)."""

    VETO = "veto", "否决项"
    SCORE = "score", "扣分项"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class SamplingMethod(models.TextChoices):
    RANDOM = "random", "随机抽取"
    FILTER = "filter", "按条件选取"


class ManualReviewStatus(models.TextChoices):
    DRAFT = "draft", "评查中"
    SIGNED = "signed", "已签署"


class RunMode(models.TextChoices):
    ALL = "all", "全部案卷"
    CHANGED = "changed", "上次以来有变化的案卷"
