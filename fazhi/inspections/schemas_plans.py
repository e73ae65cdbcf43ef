"""The shapes the plans API returns. Field descriptions are the contract other systems read.

A draw is given with everything needed to check it elsewhere: the seed, both pools as drawn from, the result,
the three SHA-256 hashes and the algorithm's version (its rules are written out in fazhi/inspections/draws.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import model_serializer

from fazhi.core.choices import SupervisionDomain

from .choices import PlanStatus, VisitReason



def _without_absent_risk(data: dict) -> dict:
    """An unweighted draw's rows have no risk score: leave the key out, so the rows read as stored and hash alike."""
    if data.get("risk") is None:
        data.pop("risk", None)
    return data

class PlanFilter(FilterSchema):
    year: Annotated[int | None, FilterLookup("year")] = Field(None, ge=2000, le=2100, description="按年度筛选。")
    status: Annotated[PlanStatus | None, FilterLookup("status")] = Field(
        None, description="按状态筛选：draft 草稿，published 已公布，drawn 已抽取。")


class PlanOut(Schema):
    """One row of the list."""

    id: int = Field(..., description="抽查计划编号。")
    name: str = Field(..., description="计划名称。")
    year: int = Field(..., description="年度。")
    organisation_id: int = Field(..., description="制定计划的卫生健康局的机构编号。")
    organisation_name: str = Field(..., description="制定计划的机关名称。", alias="organisation.name")
    starts_on: dt.date = Field(..., description="检查开始日期。")
    ends_on: dt.date = Field(..., description="检查结束日期。")
    status: PlanStatus = Field(..., description="状态代码。")
    status_label: str = Field(..., description="状态。")
    published_at: dt.datetime | None = Field(None, description="公布时间；未公布为空。")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class PlanDetailOut(PlanOut):
    """One plan with the parameters its draw runs on."""

    domains: list[SupervisionDomain] = Field(..., description="监管专业代码。")
    townships: list[str] = Field(..., description="乡镇（街道）的区划代码；为空表示本机关全部辖区。")
    sampling_ratios: dict[str, str] = Field(
        ..., description="按信用等级（A–D）的抽查比例，单位%，以文本表示的十进制数，如 {\"A\": \"3\", \"D\": \"20\"}。")
    team_size: int = Field(..., description="每组检查人员数。")
    risk_weighted: bool = Field(False, description="是否按风险评分加权抽取（同一信用等级内，被抽中的机会与评分成正比）。")
    items: list[str] = Field(..., description="列入计划的检查事项编码；为空时按各监管专业本机关已公布的全部事项。")
    campaign_id: int | None = Field(None, description="所属专项执法编号；不属于专项为空。")
    draw_ids: list[int] = Field(..., description="本计划的随机抽取编号（每个计划只能抽取一次）。")

    @staticmethod
    def resolve_domains(obj) -> list[str]:
        return [domain.pk for domain in obj.domains.all()]

    @staticmethod
    def resolve_townships(obj) -> list[str]:
        return [township.code for township in obj.townships.all()]

    @staticmethod
    def resolve_items(obj) -> list[str]:
        return [item.code for item in obj.item_list.all()]

    @staticmethod
    def resolve_draw_ids(obj) -> list[int]:
        return [draw.pk for draw in obj.draws.all()]


class DrawResultRowOut(Schema):
    entity: int = Field(..., description="抽中的监管对象编号。")
    reason: VisitReason = Field(..., description="入选原因代码：random_draw 随机抽中，key_supervision 重点监管全覆盖。")
    team: list[int] = Field(..., description="检查组执法人员编号，第一位为主办人。")
    shortfall: int = Field(0, description="缺少的检查人员数（没有符合条件的人员可派）。")
    risk: int | None = Field(None, description="按风险加权抽取时该对象的风险评分；未加权时不出现。")

    @model_serializer(mode="wrap")
    def _rows_as_stored(self, handler):
        return _without_absent_risk(handler(self))


class EntityPoolRowOut(Schema):
    id: int = Field(..., description="监管对象编号。")
    grade: str = Field(..., description="抽取时的信用等级（A–D）。")
    key: bool = Field(..., description="抽取时是否重点监管。")
    domains: list[str] = Field(..., description="抽取时属于计划范围的监管专业代码。")
    recused: list[int] = Field(..., description="须对该对象回避的执法人员编号。")
    risk: int | None = Field(None, description="按风险加权抽取时抽取当日的风险评分（计入对象池哈希）；未加权时不出现。")

    @model_serializer(mode="wrap")
    def _rows_as_stored(self, handler):
        return _without_absent_risk(handler(self))


class InspectorPoolRowOut(Schema):
    id: int = Field(..., description="执法人员编号。")
    domains: list[str] = Field(..., description="计划开始日持有有效执法证的监管专业代码。")


class DrawOut(Schema):
    """A draw with its hashes and result, checked again on every answer (`verified`)."""

    id: int = Field(..., description="随机抽取编号。")
    plan_id: int = Field(..., description="抽查计划编号。")
    seed: str = Field(..., description="随机种子（十六进制）。")
    algorithm: str = Field(..., description="抽取算法版本。")
    entity_pool_hash: str = Field(..., description="检查对象库规范 JSON 的 SHA-256（十六进制）。")
    inspector_pool_hash: str = Field(..., description="执法人员库规范 JSON 的 SHA-256（十六进制）。")
    result_hash: str = Field(..., description="抽取结果规范 JSON 的 SHA-256（十六进制）。")
    result: list[DrawResultRowOut] = Field(..., description="抽取结果，按监管对象编号排序。")
    drawn_at: dt.datetime = Field(..., description="抽取时间。")
    drawn_by_name: str = Field(..., description="抽取人。", alias="drawn_by.full_name")
    # Set by the endpoint from draws.verify_draw at each answer: never stored, so never stale.
    verified: bool = Field(..., description="本次应答时重新核验：两库及结果的哈希与存档一致，且按种子重新抽取结果相同。")


class DrawDetailOut(DrawOut):
    """A draw with both pools exactly as drawn from, so that it can be re-run elsewhere."""

    entity_pool: list[EntityPoolRowOut] = Field(..., description="检查对象库（抽取时的原样）。")
    inspector_pool: list[InspectorPoolRowOut] = Field(..., description="执法人员库（抽取时的原样）。")
    sampling_ratios: dict[str, str] = Field(..., description="计划的抽查比例（%），重新抽取时使用。",
                                            alias="plan.sampling_ratios")
    team_size: int = Field(..., description="计划的每组检查人员数，重新抽取时使用。", alias="plan.team_size")
