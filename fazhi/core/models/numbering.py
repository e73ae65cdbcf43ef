"""Document numbers (文号): gapless per organisation, year and kind of document."""
from django.db import models

from ..querysets import ScopedQuerySet
from .organisations import Organisation


class DocumentKind(models.Model):
    """A kind of numbered document, e.g. 行政处罚决定书 with the abbreviation 罚 (开卫罚〔2026〕12号)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("文书名称", max_length=50)
    abbreviation = models.CharField("文号代字", max_length=10)

    class Meta:
        verbose_name = "文书种类"
        verbose_name_plural = "文书种类"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last number issued for one (organisation, year, kind). Locked while the next is taken."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.ForeignKey(DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField("已用至", default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "kind"], name="document_sequence_unique")
        ]
