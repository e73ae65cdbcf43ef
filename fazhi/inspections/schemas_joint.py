"""The shapes of the joint-inspection task API. Field descriptions are the contract other departments read."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import ConfigDict

from fazhi.core.schemas import SearchText

from .choices import Department
from .joint import JOINT_LIMITS

ONE_LINE = r"^[^\x00-\x1f]*$"
DEPARTMENT_HELP = "；".join(f"{value} {label}" for value, label in Department.choices if value != Department.HEALTH)
ItemText = Annotated[str, Field(min_length=1, max_length=JOINT_LIMITS.max_item_chars, pattern=ONE_LINE)]


class TaskIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    department: Department = Field(..., description=f"部门代码：{DEPARTMENT_HELP}。卫生健康（health）的任务来自本局检查计划，不能提交。")
    external_id: str = Field(..., min_length=1, max_length=100, pattern=ONE_LINE,
                             description="该部门系统中的任务编号。同一部门同一编号再次提交时更新原任务，不会重复。")
    credit_code: str = Field(..., min_length=1, max_length=30, pattern=ONE_LINE,
                             description="被检查对象的统一社会信用代码，须是调用者所属卫生健康局已登记的监管对象。")
    title: str = Field(..., min_length=1, max_length=200, pattern=ONE_LINE, description="任务名称。")
    items: list[ItemText] = Field(..., min_length=1, max_length=JOINT_LIMITS.max_items_per_task,
                                  description="检查内容（检查事项名称）列表；相同的内容合并时只列一次。")
    window_start: dt.date = Field(..., description="检查日期起（YYYY-MM-DD）。")
    window_end: dt.date = Field(..., description="检查日期止（YYYY-MM-DD），不早于日期起；两个任务的日期有一天重叠即可合并。")


class TasksIn(Schema):
    tasks: list[TaskIn] = Field(..., min_length=1, max_length=JOINT_LIMITS.max_tasks_per_post,
                                description=f"一批任务，最多{JOINT_LIMITS.max_tasks_per_post}条；有任何一条不合格时整批不保存。")


class TaskOut(Schema):
    id: int = Field(..., description="任务记录编号。")
    department: Department = Field(..., description="部门代码。")
    department_label: str = Field(..., description="部门名称。")
    external_id: str = Field(..., description="部门任务编号。")
    entity_id: int = Field(..., description="监管对象编号。")
    entity_name: str = Field(..., description="监管对象名称。", alias="entity.name")
    credit_code: str = Field(..., description="统一社会信用代码。", alias="entity.credit_code")
    title: str = Field(..., description="任务名称。")
    items: list[str] = Field(..., description="检查内容。")
    window_start: dt.date = Field(..., description="检查日期起。")
    window_end: dt.date = Field(..., description="检查日期止。")
    inspection_id: int | None = Field(None, description="本局的监督检查编号（仅卫生健康部门的任务）。")
    joint_visit_id: int | None = Field(None, description="已并入的联合检查编号；未合并为空。")
    organisation_id: int = Field(..., description="所属卫生健康局的机构编号。")
    created_at: dt.datetime = Field(..., description="导入时间。")

    @staticmethod
    def resolve_department_label(obj) -> str:
        return obj.get_department_display()


class TasksSavedOut(Schema):
    created: int = Field(..., description="新增的任务数。")
    updated: int = Field(..., description="更新的任务数。")
    unchanged: int = Field(..., description="内容未变的任务数。")
    tasks: list[TaskOut] = Field(..., description="本批全部任务的当前状态。")


class TaskFilter(FilterSchema):
    department: Annotated[Department | None, FilterLookup("department")] = Field(None, description="按部门代码筛选。")
    merged: bool | None = Field(None, description="true 只列已并入联合检查的任务，false 只列未合并的。")
    credit_code: Annotated[SearchText, FilterLookup("entity__credit_code")] = Field(
        None, description="按监管对象的统一社会信用代码筛选。")
    external_id: Annotated[SearchText, FilterLookup("external_id")] = Field(None, description="按部门任务编号筛选。")
    window_from: Annotated[dt.date | None, FilterLookup("window_end__gte")] = Field(
        None, description="只列检查日期止不早于该日的任务。")
    window_to: Annotated[dt.date | None, FilterLookup("window_start__lte")] = Field(
        None, description="只列检查日期起不晚于该日的任务。")

    def filter_merged(self, value: bool | None) -> Q:
        return Q() if value is None else Q(joint_visit__isnull=not value)
