"""The law library (法律法规库): every text a bureau cites, each version kept with its effective dates, split
into provisions (条/款/项) that discretion bands, inspection items, refusals and documents point at.

A law is one `Law` (its stable name); each text of it is one `LawVersion`; a case is judged under the version
in force when the act ended unless a newer one is lighter (行政处罚法第三十七条), so versions are never
overwritten, only superseded.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import LawLevel, VersionStatus
from .querysets import LawQuerySet, LawVersionQuerySet, ProvisionQuerySet


class Law(models.Model):
    """A law, regulation or rule by its name, whatever its versions."""

    title = models.CharField("标题", max_length=100, unique=True, help_text="全称，如“中华人民共和国行政处罚法”。")
    short_title = models.CharField("简称", max_length=60, unique=True, help_text="引用时的名称，如“行政处罚法”。")
    level = models.CharField("效力层级", max_length=20, choices=LawLevel.choices)
    issuer = models.CharField("制定机关", max_length=200, blank=True)

    objects = LawQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "法律法规"
        ordering = ["level", "short_title"]

    def __str__(self) -> str:
        return self.title


class LawVersion(models.Model):
    """One text of a law, in force from `effective_from` until `effective_to` (exclusive) when superseded."""

    law = models.ForeignKey(Law, verbose_name="法律法规", on_delete=models.PROTECT, related_name="versions")
    version_label = models.CharField("版本", max_length=200, help_text="如“2021年1月22日修订”。")
    promulgated_on = models.DateField("公布（修订）日期", null=True, blank=True)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("失效日期", null=True, blank=True, help_text="被新版本取代或废止之日；为空表示现行。")
    status = models.CharField("效力状态", max_length=20, choices=VersionStatus.choices, default=VersionStatus.IN_FORCE)
    caveats = models.TextField("注意事项", blank=True, help_text="文本来源、可能过时或待核对之处，随文本一并显示。")
    body = models.TextField("正文")
    body_sha256 = models.CharField("正文SHA-256", max_length=64, editable=False)
    source = models.CharField("来源", max_length=300, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects = LawVersionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "法律法规版本"
        ordering = ["law", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["law", "effective_from"], name="law_version_once_per_date",
                                    violation_error_message="该法律法规在同一施行日期已有版本。"),
        ]

    def __str__(self) -> str:
        return f"{self.law.short_title}（{self.version_label}）"

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    @property
    def is_current(self) -> bool:
        """Neither superseded nor repealed (it may still await its effective date)."""
        return self.status == VersionStatus.IN_FORCE and self.effective_to is None


class Provision(models.Model):
    """One citable unit of a version: an article (条), or a paragraph (款) or item (项) within it.

    `paragraph` and `item` are 0 for the whole article (or the whole paragraph); a citation such as
    基本医疗卫生与健康促进法第九十九条第一款 is (article 99, paragraph 1, item 0). Paragraph rows exist only for
    articles of several paragraphs; the items of a single-paragraph article have paragraph 0, as they are
    cited (人口与计划生育法第四十条第（一）项 is (40, 0, 1)). `citations.resolve` accepts either way of citing.
    """

    version = models.ForeignKey(LawVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="provisions")
    chapter = models.CharField("章节", max_length=100, blank=True)
    article = models.PositiveSmallIntegerField("条")
    paragraph = models.PositiveSmallIntegerField("款", default=0)
    item = models.PositiveSmallIntegerField("项", default=0)
    text = models.TextField("条文")
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "条款"
        ordering = ["version", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "article", "paragraph", "item"], name="provision_once"),
        ]

    def __str__(self) -> str:
        from .citations import provision_label

        return provision_label(self)

    @property
    def anchor(self) -> str:
        """The id of this provision in its version's article tree: a58, a58-p1, a58-p1-i2, a40-i1."""
        out = f"a{self.article}"
        if self.paragraph:
            out += f"-p{self.paragraph}"
        if self.item:
            out += f"-i{self.item}"
        return out
