"""Case-file review (案卷评查): the rubric the legal section keeps, the automatic review of every case file
against it, and the manual review of sampled files, scored with the same rubric and signed.

A review never changes a case: it reads the file and records what it found.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import ScopedModel

from .choices import Grade, ManualReviewStatus, RubricKind, RunMode, SamplingMethod
from .querysets import AutomaticReviewQuerySet, FindingQuerySet, ManualReviewQuerySet


class RubricCategory(models.Model):
    """One part of a file's score, 案卷形式 or 案卷实体, worth `weight` points before deductions."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评查标准分类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RubricItem(models.Model):
    """One item of the rubric (评查标准): a veto item fails the file, a scored item takes `points` off its part.

    `check_code` names the automatic check (checks.CHECKS) that looks for the defect in the records; empty when
    only a person can judge it (facts clear, evidence sufficient, a seal on paper).
    """

    code = models.CharField("条目编号", max_length=20, unique=True)
    name = models.CharField("评查内容", max_length=200)
    category = models.ForeignKey(RubricCategory, verbose_name="分类", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField("性质", max_length=10, choices=RubricKind.choices)
    points = models.DecimalField("扣分分值", max_digits=6, decimal_places=2, default=0,
                                 help_text="扣分项存在问题时扣减的分值；否决项不计分。")
    check_code = models.CharField("自动检查", max_length=40, blank=True,
                                  help_text="为空表示只能人工评查。")
    basis = models.CharField("依据", max_length=300)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评查标准条目"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_veto(self) -> bool:
        return self.kind == RubricKind.VETO


class AutomaticReviewRun(models.Model):
    """One run of the automatic review (the cron command, or a full refresh): when, over which files, what it found."""

    mode = models.CharField("范围", max_length=10, choices=RunMode.choices)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    case_count = models.PositiveIntegerField("评查案卷数", default=0)
    flagged_count = models.PositiveIntegerField("发现问题案卷数", default=0)
    vetoed_count = models.PositiveIntegerField("否决案卷数", default=0)
    finding_count = models.PositiveIntegerField("发现问题数", default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "自动评查运行记录"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"自动评查 {self.started_at:%Y-%m-%d %H:%M}（{self.get_mode_display()}）"


class AutomaticReview(ScopedModel):
    """The latest automatic review of one case file: its score against the rubric's checked items and its findings.
    Refreshed, never edited; the organisation is the case's, so it is seen by whoever sees the case."""

    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                                related_name="automatic_review")
    checked_at = models.DateTimeField("评查时间")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    vetoed = models.BooleanField("触及否决项", default=False)
    finding_count = models.PositiveIntegerField("发现问题数", default=0)
    category_scores = models.JSONField("分类得分", default=dict)
    run = models.ForeignKey(AutomaticReviewRun, verbose_name="运行记录", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")

    objects = AutomaticReviewQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "自动评查结果"
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-checked_at", "-id"], name="auto_review_org_checked"),
            models.Index(fields=["organisation", "vetoed"], name="auto_review_org_vetoed"),
            models.Index(fields=["organisation", "finding_count"], name="auto_review_org_findings"),
        ]

    def __str__(self) -> str:
        return f"{self.case} 自动评查"


class AutomaticFinding(ScopedModel):
    """One defect the automatic review found: in which document or step, under which rubric item, by which rule."""

    review = models.ForeignKey(AutomaticReview, verbose_name="自动评查结果", on_delete=models.CASCADE,
                               related_name="findings")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(RubricItem, verbose_name="评查条目", on_delete=models.PROTECT,
                             related_name="automatic_findings")
    check_code = models.CharField("自动检查", max_length=40)
    document = models.CharField("文书或环节", max_length=60)
    message = models.CharField("问题", max_length=500)
    basis = models.CharField("依据", max_length=300)
    is_veto = models.BooleanField("否决项", default=False)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "自动评查发现的问题"
        ordering = ["case", "item__sort_order", "id"]
        indexes = [models.Index(fields=["organisation", "item"], name="auto_finding_org_item")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.document}：{self.message}"


class ReviewBatch(ScopedModel):
    """A batch of files the legal section reviews by hand (评查批次): drawn at random with a recorded seed, or
    chosen by filter, from the files of the bureau (and, for a city, of its counties). The candidates and the
    selection are hashed, so the draw can be made again and compared."""

    name = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    method = models.CharField("选取方式", max_length=10, choices=SamplingMethod.choices)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    sample_size = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    criteria = models.JSONField("筛选条件", default=dict, help_text="状态、程序、科室、承办人、决定日期范围。")
    candidate_count = models.PositiveIntegerField("符合条件的案卷数", default=0)
    candidate_hash = models.CharField("候选案卷摘要", max_length=64)
    selection_hash = models.CharField("抽取结果摘要", max_length=64)
    algorithm = models.CharField("抽取算法", max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "案卷评查批次"
        ordering = ["-year", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"


class ManualReview(ScopedModel):
    """One file of a batch as the legal section reviews it (案卷评查表): a score per rubric item beside the automatic
    findings, veto marks, comments; signing locks it. The organisation is the reviewing bureau's."""

    batch = models.ForeignKey(ReviewBatch, verbose_name="评查批次", on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="manual_reviews")
    status = models.CharField("状态", max_length=10, choices=ManualReviewStatus.choices,
                              default=ManualReviewStatus.DRAFT, editable=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评查人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    comments = models.TextField("评查意见", blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True, editable=False)
    vetoed = models.BooleanField("触及否决项", default=False, editable=False)
    grade = models.CharField("评查结论", max_length=10, choices=Grade.choices, blank=True, editable=False)
    category_scores = models.JSONField("分类得分", default=dict, editable=False)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签署人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ManualReviewQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "案卷评查表"
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "case"], name="manual_review_once_per_batch")]
        indexes = [models.Index(fields=["organisation", "status", "signed_at"], name="manual_review_signed")]

    def __str__(self) -> str:
        return f"{self.batch.name}：{self.case}"

    @property
    def is_signed(self) -> bool:
        return self.status == ManualReviewStatus.SIGNED


class ManualScore(models.Model):
    """The reviewer's mark on one rubric item of one file: points taken off, or the veto, with the reason."""

    review = models.ForeignKey(ManualReview, verbose_name="案卷评查表", on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, verbose_name="评查条目", on_delete=models.PROTECT, related_name="+")
    deducted = models.DecimalField("扣分", max_digits=6, decimal_places=2, default=0)
    vetoed = models.BooleanField("否决", default=False)
    note = models.CharField("扣分或否决理由", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评查条目得分"
        ordering = ["item__sort_order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="manual_score_once_per_item")]

    def __str__(self) -> str:
        return f"{self.review} {self.item.code}"
