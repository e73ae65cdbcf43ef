"""The bureau's own entries in the official calendar: years the holiday package does not know yet, and corrections."""
from django.conf import settings
from django.db import models

from ..choices import CalendarDayKind


class CalendarDay(models.Model):
    """A holiday or a make-up workday (调休) as announced by the State Council's 办公厅 for that year."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField("节日", max_length=30, blank=True, help_text="例如“春节”“国庆节”。")
    source = models.CharField("依据", max_length=200, blank=True, help_text="例如国务院办公厅关于某年部分节假日安排的通知。")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="维护人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
