"""Regions, organisations and their sections: the tree that data scoping follows."""
from __future__ import annotations

from django.db import models

from ..choices import OrganisationKind, RegionLevel, SectionKind
from ..querysets import ScopedQuerySet


class Region(models.Model):
    """An administrative division: GB/T 2260 six-digit code, or a nine-digit township code below it."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Region]:
        """From the province down to this region's parent."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])


class OrganisationQuerySet(ScopedQuerySet):
    scope_field = ""

    def bureaus(self):
        return self.filter(kind=OrganisationKind.BUREAU)


class Organisation(models.Model):
    """A health bureau (卫生健康局) at province, city or county level, or its 卫生监督所.

    A county bureau sits under its city's bureau, which sits under the province's; a supervision
    institute sits under the bureau of its own region and belongs to that bureau for data scoping.
    `path` is the chain of ids from the top, so "everything below me" is one indexed prefix match.
    """

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bureau = models.ForeignKey(
        "self",
        verbose_name="所属卫生健康局",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="数据归属的卫生健康局；卫生健康局指向自身。",
        editable=False,
    )
    path = models.CharField("层级路径", max_length=255, db_index=True, editable=False, default="")
    doc_prefix = models.CharField("文号机关代字", max_length=20, blank=True, help_text="例如“开卫”，用于“开卫罚〔2026〕12号”。")
    address = models.CharField("地址", max_length=200, blank=True)
    public_phone = models.CharField("对外联系电话", max_length=30, blank=True)
    public_intro = models.TextField("机构简介（对外公开）", blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        return self.region.level

    @property
    def label(self) -> str:
        """The name lists and titles show: the short name where there is one."""
        return self.short_name or self.name

    @property
    def bureau_path(self) -> str:
        """The path prefix of everything this organisation's bureau may see."""
        return self.bureau.path if self.bureau_id and self.bureau_id != self.pk else self.path

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk:08d}/"


class ScopedModel(models.Model):
    """Base for every record that belongs to a bureau: it carries its organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_writable_by(self, user) -> bool:
        return type(self).objects.writable_by(user).filter(pk=self.pk).exists()


class Section(ScopedModel):
    """A section (科室) of a bureau or its supervision institute: 法制科, 监督科, 医政科, ..."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="sections"
    )
    name = models.CharField("科室名称", max_length=50)
    kind = models.CharField("科室类别", max_length=20, choices=SectionKind.choices, default=SectionKind.OTHER)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "科室"
        verbose_name_plural = "科室"
        ordering = ["organisation__path", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="section_unique_name",
                violation_error_message="本机构已有同名科室，请换一个名称。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.label}·{self.name}"
