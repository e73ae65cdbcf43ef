"""The shapes the law library's API returns. Field descriptions are the contract other systems read."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from fazhi.core.schemas import SearchText

from .choices import LawLevel, VersionStatus
from .citations import provision_label
from .versions import version_state


class LawFilter(FilterSchema):
    q: Annotated[SearchText, FilterLookup(["title__icontains", "short_title__icontains"])] = Field(
        None, max_length=50, description="按标题或简称检索。")
    level: Annotated[LawLevel | None, FilterLookup("level")] = Field(None, description="按效力层级筛选。")


class VersionOut(Schema):
    id: int = Field(..., description="版本编号。")
    law_id: int = Field(..., description="法律法规编号。")
    version_label: str = Field(..., description="版本说明，如“2021年1月22日修订”。")
    promulgated_on: dt.date | None = Field(None, description="公布（修订）日期。")
    effective_from: dt.date = Field(..., description="施行日期。")
    effective_to: dt.date | None = Field(None, description="失效日期（不含当日）；为空表示现行。")
    status: VersionStatus = Field(..., description="效力状态代码：in_force 现行有效，superseded 已被修订，repealed 已废止。")
    state_label: str = Field(..., description="今日的效力，如“现行有效”“已被修订”“尚未施行”。")
    caveats: str = Field(..., description="注意事项：文本来源、可能过时或待核对之处。引用时须一并考虑。")
    body_sha256: str = Field(..., description="正文的SHA-256。")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return version_state(obj).label


class LawOut(Schema):
    id: int = Field(..., description="法律法规编号。")
    title: str = Field(..., description="全称。")
    short_title: str = Field(..., description="简称（引用时的名称）。")
    level: LawLevel = Field(..., description="效力层级代码。")
    level_label: str = Field(..., description="效力层级。")
    issuer: str = Field(..., description="制定机关。")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class LawDetailOut(LawOut):
    versions: list[VersionOut] = Field(..., description="全部已载入的版本，新的在前。")

    @staticmethod
    def resolve_versions(obj) -> list:
        return list(obj.versions.order_by("-effective_from"))


class ProvisionOut(Schema):
    id: int = Field(..., description="条款编号。")
    version_id: int = Field(..., description="所属版本编号。")
    label: str = Field(..., description="引用写法，如“《行政处罚法》第五十八条第一款第（二）项”。")
    chapter: str = Field(..., description="所在章节。")
    article: int = Field(..., description="条。")
    paragraph: int = Field(..., description="款；0 表示整条。")
    item: int = Field(..., description="项；0 表示整条或整款。")
    text: str = Field(..., description="条文。")

    @staticmethod
    def resolve_label(obj) -> str:
        return provision_label(obj)


class ResolvedOut(Schema):
    text: str = Field(..., description="所查询的引用。")
    on: dt.date = Field(..., description="按哪一天施行的版本解析。")
    provisions: list[ProvisionOut] = Field(..., description="引用所指的条款，按引用顺序。")
    versions: list[VersionOut] = Field(..., description="这些条款所在的版本（含效力和注意事项）。")
