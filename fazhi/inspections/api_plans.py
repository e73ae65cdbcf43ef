"""Plan and draw endpoints (/api/v1/inspections/plans/), read-only: plans are made, published and drawn on the
platform's pages, which audit each step; here other systems read them and check a draw.

Scoped like every read: a county sees its own bureau's plans, a city its counties', a province all; anything
else is a 404. A draw's `verified` is recomputed at each answer with `draws.verify_draw`.
"""
from django.db.models import Prefetch
from ninja import Path, Query, Router
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import MAX_ID, ApiPagination

from .draws import verify_draw
from .models import Draw, InspectionPlan
from .schemas_plans import DrawDetailOut, DrawOut, PlanDetailOut, PlanFilter, PlanOut

router = Router(tags=["双随机抽查"])

DrawId = Path(..., ge=1, le=MAX_ID, description="随机抽取编号。")


def _draws():
    return Draw.objects.select_related("plan", "drawn_by")


def _checked(draw: Draw) -> Draw:
    draw.verified = verify_draw(draw).ok
    return draw


@router.get("/", response={200: list[PlanOut], **READ_ERRORS}, summary="抽查计划列表")
@paginate(ApiPagination)
def list_plans(request, filters: Query[PlanFilter]):
    """调用者可见的双随机抽查计划，年度新的在前；可按年度和状态筛选。"""
    plans = InspectionPlan.objects.visible_to(request.auth).select_related("organisation")
    return filters.filter(plans).order_by("-year", "-starts_on", "-id")


@router.get("/draws/{draw_id}", response={200: DrawDetailOut, **READ_ERRORS}, summary="随机抽取详情")
def get_draw(request, draw_id: int = DrawId):
    """含随机种子、两库原样、抽取结果和三个哈希，供其他系统按公开的算法复核；`verified` 为平台本次重新核验的结论。"""
    return _checked(visible_or_404(_draws(), request.auth, draw_id))


@router.get("/{id}", response={200: PlanDetailOut, **READ_ERRORS}, summary="抽查计划详情")
def get_plan(request, id: int = RecordId):
    """含监管专业、乡镇（街道）区划代码、检查期间、抽查比例、每组人数、检查事项编码和状态。"""
    queryset = InspectionPlan.objects.select_related("organisation").prefetch_related(
        "domains", "townships", "item_list", Prefetch("draws", Draw.objects.only("pk", "plan_id")),
    )
    return visible_or_404(queryset, request.auth, id)


@router.get("/{id}/draws/", response={200: list[DrawOut], **READ_ERRORS}, summary="抽查计划的随机抽取")
@paginate(ApiPagination)
def list_plan_draws(request, id: int = RecordId):
    """计划的随机抽取（每个计划只抽取一次），各附本次重新核验的结论；两库原样见随机抽取详情。"""
    plan = visible_or_404(InspectionPlan.objects.all(), request.auth, id)
    return [_checked(draw) for draw in _draws().visible_to(request.auth).filter(plan=plan).order_by("-drawn_at", "-id")]
