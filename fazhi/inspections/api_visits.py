"""Visit endpoints (/api/v1/inspections/): the list and one visit, scoped to what the caller may see.

A county sees its own bureau's visits, a city its counties', a province all; anything else is a 404.
"""
from django.db.models import Prefetch
from ninja import Query, Router
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ApiPagination

from .models import Inspection, InspectionOfficer
from .schemas_visits import InspectionDetailOut, InspectionFilter, InspectionOut

router = Router(tags=["监督检查"])


@router.get("/", response={200: list[InspectionOut], **READ_ERRORS}, summary="监督检查列表")
@paginate(ApiPagination)
def list_inspections(request, filters: Query[InspectionFilter]):
    """调用者可见的监督检查，按计划检查日期倒序；可按监管对象、状态、事由和日期筛选。"""
    visits = Inspection.objects.visible_to(request.auth).select_related("entity", "organisation")
    return filters.filter(visits).order_by("-window_start", "-id")


@router.get("/{id}", response={200: InspectionDetailOut, **READ_ERRORS}, summary="监督检查详情")
def get_inspection(request, id: int = RecordId):
    """含检查人员（执法证号）、检查事项（检查依据）和检查码。企业的评价不经接口提供。"""
    queryset = Inspection.objects.select_related("entity", "organisation").prefetch_related(
        Prefetch("team", InspectionOfficer.objects.select_related("officer", "certificate")), "items",
    )
    return visible_or_404(queryset, request.auth, id)
