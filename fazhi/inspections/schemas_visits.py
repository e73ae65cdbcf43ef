"""The shapes the visits API returns. Field descriptions are the contract other systems read.

The entities' ratings are not here: they go to the supervisors' page only.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from fazhi.core.choices import SupervisionDomain
from fazhi.core.schemas import MAX_ID

from .choices import InspectionStatus, VisitReason


class InspectionFilter(FilterSchema):
    entity: Annotated[int | None, FilterLookup("entity_id")] = Field(
        None, ge=1, le=MAX_ID, description="按监管对象编号筛选。")
    status: Annotated[InspectionStatus | None, FilterLookup("status")] = Field(
        None, description="按状态筛选：planned 待检查，registered 已亮码，recorded 笔录已签，closed 已办结，cancelled 已取消。")
    reason: Annotated[VisitReason | None, FilterLookup("reason")] = Field(None, description="按检查事由代码筛选。")
    date_from: Annotated[dt.date | None, FilterLookup("window_start__gte")] = Field(
        None, description="计划检查日期起不早于此日（YYYY-MM-DD）。")
    date_to: Annotated[dt.date | None, FilterLookup("window_start__lte")] = Field(
        None, description="计划检查日期起不晚于此日（YYYY-MM-DD）。")


class InspectionOut(Schema):
    """One row of the list."""

    id: int = Field(..., description="监督检查编号。")
    entity_id: int = Field(..., description="监管对象编号。")
    entity_name: str = Field(..., description="监管对象名称。", alias="entity.name")
    organisation_id: int = Field(..., description="检查机关（卫生健康局）的机构编号。")
    organisation_name: str = Field(..., description="检查机关名称。", alias="organisation.name")
    reason: VisitReason = Field(..., description="检查事由代码。")
    reason_label: str = Field(..., description="检查事由。")
    window_start: dt.date = Field(..., description="计划检查日期起。")
    window_end: dt.date = Field(..., description="计划检查日期止。")
    status: InspectionStatus = Field(..., description="状态代码。")
    status_label: str = Field(..., description="状态。")
    over_cap: bool = Field(..., description="是否超出年度检查频次上限（须经领导批准）。")
    cap_approved: bool = Field(..., description="超频次检查是否已获批准。")
    code_issued_at: dt.datetime | None = Field(None, description="亮码登记时间；未登记为空。")

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj.get_reason_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_cap_approved(obj) -> bool:
        return obj.cap_approved_at is not None


class TeamMemberOut(Schema):
    officer_id: int = Field(..., description="执法人员编号。")
    full_name: str = Field(..., description="姓名。", alias="officer.full_name")
    certificate_number: str = Field(..., description="据以执法的执法证号。", alias="certificate.number")
    is_lead: bool = Field(..., description="是否主办人。")


class InspectionItemOut(Schema):
    id: int = Field(..., description="检查事项编号。")
    code: str = Field(..., description="事项编码。")
    title: str = Field(..., description="检查事项。")
    domain: SupervisionDomain = Field(..., description="监管专业代码。", alias="domain_id")
    legal_basis: str = Field(..., description="检查依据。")


class InspectionDetailOut(InspectionOut):
    """One visit with its team, its items and its inspection code."""

    code: str | None = Field(None, description="检查码（亮码入企）；未登记为空。")
    code_expires_at: dt.datetime | None = Field(None, description="检查码失效时间。")
    cancel_reason: str = Field(..., description="取消原因。")
    closed_at: dt.datetime | None = Field(None, description="办结时间。")
    team: list[TeamMemberOut] = Field(..., description="检查人员及其执法证号。")
    items: list[InspectionItemOut] = Field(..., description="检查事项。")

    @staticmethod
    def resolve_team(obj):
        return obj.team.all()

    @staticmethod
    def resolve_items(obj):
        return obj.items.all()
