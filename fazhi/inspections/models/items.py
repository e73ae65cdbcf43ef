from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import Domain, ScopedModel

from ..choices import ItemStatus


class InspectionItem(ScopedModel):
    """An item of the published inspection list (检查事项清单): what may be checked, and on what legal basis.

    An inspection may only use published items (国办发〔2024〕54号). `organisation` is the bureau that publishes it.
    """

    domain = models.ForeignKey(Domain, verbose_name="监管专业", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("事项编码", max_length=30)
    title = models.CharField("检查事项", max_length=200)
    content = models.TextField("检查内容", blank=True)
    method = models.CharField("检查方式", max_length=200, blank=True, help_text="如：现场检查、查阅资料、采样检测。")
    legal_basis = models.TextField("检查依据", help_text="法律、法规、规章及条款，如《公共场所卫生管理条例》第八条。")
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT,
                              editable=False)
    published_at = models.DateTimeField("公布时间", null=True, blank=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查事项"
        ordering = ["domain__sort_order", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="inspection_item_code_unique",
                                               violation_error_message="本机关已有相同编码的检查事项。")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
