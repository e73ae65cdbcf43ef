"""On-site record endpoints (/api/v1/inspections/records/), read-only: the results of visits for other systems.

Only signed records are results; a draft is still being written and is neither listed nor found. Scoped like
every read: a county sees its own bureau's records, a city its counties', a province all; anything else is 404.
"""
from django.db.models import Prefetch
from ninja import Query, Router
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ApiPagination

from .choices import RecordStatus
from .models import InspectionOfficer, ItemCheck, OnSiteRecord
from .schemas_records import RecordDetailOut, RecordFilter, RecordOut

router = Router(tags=["现场笔录"])


def _signed():
    return OnSiteRecord.objects.filter(status=RecordStatus.SIGNED).select_related("inspection__entity")


@router.get("/", response={200: list[RecordOut], **READ_ERRORS}, summary="现场笔录列表")
@paginate(ApiPagination)
def list_records(request, filters: Query[RecordFilter]):
    """调用者可见的已签名现场笔录，签名新的在前；可按监督检查、被检查单位信用代码和签名日期筛选。填写中的笔录不提供。"""
    return filters.filter(_signed().visible_to(request.auth)).order_by("-signed_at", "-id")


@router.get("/{id}", response={200: RecordDetailOut, **READ_ERRORS}, summary="现场笔录详情")
def get_record(request, id: int = RecordId):
    """含检查人员（执法证号）、逐项检查结果、执法记录仪信息或未使用的原因，以及附件的名称、大小和 SHA-256。"""
    queryset = _signed().prefetch_related(
        Prefetch("inspection__team", InspectionOfficer.objects.select_related("officer", "certificate")),
        Prefetch("checks", ItemCheck.objects.select_related("item")),
        "files",
    )
    return visible_or_404(queryset, request.auth, id)
