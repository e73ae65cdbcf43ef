from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.models import Organisation, ScopedModel

from ..choices import Department


class JointVisit(ScopedModel):
    """Several departments' tasks on one entity merged into one visit (综合查一次): one lead department, one
    combined checklist."""

    entity = models.ForeignKey("entities.Entity", verbose_name="监管对象", on_delete=models.PROTECT,
                               related_name="joint_visits")
    lead_department = models.CharField("牵头部门", max_length=30, choices=Department.choices)
    window_start = models.DateField("联合检查日期起")
    window_end = models.DateField("联合检查日期止")
    checklist = models.JSONField("合并检查清单", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="合并人", null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("合并时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联合检查"
        ordering = ["-window_start", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} 联合检查 {self.window_start:%Y-%m-%d}"


class ExternalTask(ScopedModel):
    """An inspection task of a department (ours or another's), imported by API or Excel, waiting to be merged."""

    # Merging rewrites a year's tasks (joint_visit), and each rewritten row is written into every index that
    # holds it: the bureau's lookups use external_task_once (organisation first), and the indexes on inspection
    # and joint visit hold only the rows that have one (see Meta.indexes).
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    department = models.CharField("部门", max_length=30, choices=Department.choices)
    external_id = models.CharField("部门任务编号", max_length=100)
    entity = models.ForeignKey("entities.Entity", verbose_name="监管对象", on_delete=models.PROTECT,
                               related_name="external_tasks")
    title = models.CharField("任务名称", max_length=200)
    items = models.JSONField("检查内容", default=list, help_text="该部门的检查事项名称列表。")
    window_start = models.DateField("检查日期起")
    window_end = models.DateField("检查日期止")
    inspection = models.ForeignKey("inspections.Inspection", verbose_name="本机关的检查", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="external_tasks", db_index=False)
    joint_visit = models.ForeignKey(JointVisit, verbose_name="并入的联合检查", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="tasks", editable=False, db_index=False)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门检查任务"
        ordering = ["window_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "department", "external_id"], name="external_task_once",
                                    violation_error_message="该部门的这一任务编号已导入。"),
            models.CheckConstraint(condition=models.Q(window_end__gte=models.F("window_start")),
                                   name="external_task_window_valid",
                                   violation_error_message="检查日期止不能早于日期起。"),
        ]
        indexes = [
            models.Index(fields=["inspection"], name="external_task_inspection",
                         condition=models.Q(inspection__isnull=False)),
            models.Index(fields=["joint_visit"], name="external_task_joint_visit",
                         condition=models.Q(joint_visit__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.title}"
