"""The case-file review API (/api/v1/reviews/), read-only: the rubric, the automatic findings and a case's automatic
review, and the signed manual reviews. Scoped like every read; anything out of reach is a 404."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from fazhi.cases.models import Case
from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import MAX_ID, ApiPagination

from .choices import Grade, ManualReviewStatus, RubricKind
from .models import AutomaticFinding, AutomaticReview, ManualReview, RubricItem

router = Router(tags=["案卷评查"])


class RubricItemOut(Schema):
    code: str = Field(..., description="条目编号。")
    name: str = Field(..., description="评查内容。")
    category: str = Field(..., description="分类代码：form 案卷形式，substance 案卷实体。", alias="category.code")
    kind: RubricKind = Field(..., description="性质：veto 否决项，score 扣分项。")
    points: Decimal = Field(..., description="扣分分值；否决项为0。")
    check_code: str = Field(..., description="使用的自动检查；为空表示只能人工评查。")
    basis: str = Field(..., description="依据。")
    is_active: bool = Field(..., description="是否启用。")


class FindingOut(Schema):
    id: int = Field(..., description="记录编号。")
    case_id: int = Field(..., description="案件编号。")
    item_code: str = Field(..., description="评查条目编号。", alias="item.code")
    is_veto: bool = Field(..., description="是否否决项。")
    check_code: str = Field(..., description="发现问题的自动检查。")
    document: str = Field(..., description="问题所在的文书或环节。")
    message: str = Field(..., description="问题。")
    basis: str = Field(..., description="依据。")


class FindingFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__code")] = Field(None, max_length=20, description="按条目编号筛选。")
    case_id: Annotated[int | None, FilterLookup("case_id")] = Field(None, ge=1, le=MAX_ID, description="按案件筛选。")
    is_veto: Annotated[bool | None, FilterLookup("is_veto")] = Field(None, description="只看否决项（true）。")


class AutomaticReviewOut(Schema):
    case_id: int = Field(..., description="案件编号。")
    checked_at: dt.datetime = Field(..., description="评查时间。")
    score: Decimal = Field(..., description="按自动检查的条目计算的得分。")
    vetoed: bool = Field(..., description="是否触及否决项。")
    category_scores: dict[str, Decimal] = Field(..., description="各分类得分，键为分类代码。")
    findings: list[FindingOut] = Field(..., description="发现的问题。")

    @staticmethod
    def resolve_findings(obj) -> list:
        return list(obj.findings.select_related("item").order_by("item__sort_order", "id"))


class ManualReviewOut(Schema):
    id: int = Field(..., description="评查表编号。")
    batch_id: int = Field(..., description="评查批次编号。")
    batch_name: str = Field(..., description="评查批次名称。", alias="batch.name")
    year: int = Field(..., description="年度。", alias="batch.year")
    case_id: int = Field(..., description="案件编号。")
    organisation_id: int = Field(..., description="组织评查的机关编号。")
    status: ManualReviewStatus = Field(..., description="状态：draft 评查中，signed 已签署。")
    score: Decimal | None = Field(None, description="得分。")
    vetoed: bool = Field(..., description="是否触及否决项。")
    grade: Grade | None = Field(None, description="结论：excellent 优秀，pass 合格，fail 不合格；签署前为空。")
    signed_at: dt.datetime | None = Field(None, description="签署时间。")

    @staticmethod
    def resolve_grade(obj):
        return obj.grade or None


class ManualReviewFilter(FilterSchema):
    batch_id: Annotated[int | None, FilterLookup("batch_id")] = Field(None, ge=1, le=MAX_ID, description="按批次筛选。")
    year: Annotated[int | None, FilterLookup("batch__year")] = Field(None, ge=2000, le=2100, description="按年度筛选。")
    case_id: Annotated[int | None, FilterLookup("case_id")] = Field(None, ge=1, le=MAX_ID, description="按案件筛选。")
    grade: Annotated[Grade | None, FilterLookup("grade")] = Field(None, description="按结论筛选。")


@router.get("/rubric/", response={200: list[RubricItemOut], **READ_ERRORS}, summary="评查标准")
def list_rubric(request):
    """评查标准的全部条目（含停用的），按排序。"""
    return list(RubricItem.objects.select_related("category").order_by("sort_order", "code"))


@router.get("/findings/", response={200: list[FindingOut], **READ_ERRORS}, summary="自动评查发现的问题")
@paginate(ApiPagination)
def list_findings(request, filters: Query[FindingFilter]):
    """调用者可见的案件最近一次自动评查发现的问题。"""
    findings = AutomaticFinding.objects.visible_to(request.auth).select_related("item")
    return filters.filter(findings).order_by("case_id", "item__sort_order", "id")


@router.get("/cases/{id}", response={200: AutomaticReviewOut, **READ_ERRORS}, summary="案件的自动评查结果")
def get_case_review(request, id: int = RecordId):
    """案件最近一次自动评查的得分、否决和发现的问题；尚未自动评查的为404。"""
    case = visible_or_404(Case.objects.all(), request.auth, id)
    review = AutomaticReview.objects.filter(case=case).first()
    if review is None:
        raise Http404("该案件尚未自动评查。")
    return review


@router.get("/manual/", response={200: list[ManualReviewOut], **READ_ERRORS}, summary="案卷评查表")
@paginate(ApiPagination)
def list_manual_reviews(request, filters: Query[ManualReviewFilter]):
    """调用者可见的已签署案卷评查表，新签署的在前。"""
    reviews = ManualReview.objects.visible_to(request.auth).signed().select_related("batch")
    return filters.filter(reviews).order_by("-signed_at", "-id")
