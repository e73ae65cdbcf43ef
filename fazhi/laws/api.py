"""The law library API (/api/v1/laws/): the texts, their versions and provisions, and citation look-up.

Read-only: texts are imported on the platform's page, which audits each import. Any signed-in member of staff
or token may read.
"""
import datetime as dt

from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ApiPagination

from .choices import level_rank
from .citations import resolve
from .models import Law, LawVersion, Provision
from .schemas import LawDetailOut, LawFilter, LawOut, ProvisionOut, ResolvedOut

router = Router(tags=["法律法规库"])


@router.get("/", response={200: list[LawOut], **READ_ERRORS}, summary="法律法规列表")
@paginate(ApiPagination)
def list_laws(request, filters: Query[LawFilter]):
    """库中的法律、法规、规章，可按标题检索、按效力层级筛选。"""
    laws = Law.objects.visible_to(request.auth).annotate(level_rank=level_rank())
    return filters.filter(laws).order_by("level_rank", "short_title")


@router.get("/resolve", response={200: ResolvedOut, **READ_ERRORS}, summary="解析引用")
def resolve_citation(
    request,
    text: str = Query(..., min_length=1, max_length=300, description="引用，如“《行政处罚法》第五十八条第一款第（二）项”；"
                                                                   "可用“、”连接多条。"),
    on: dt.date | None = Query(None, description="按该日（YYYY-MM-DD）施行的版本解析，默认今天。"),
):
    """引用所指的条款。法律法规、该日施行的版本或条款不存在时返回422，并说明缺少什么。"""
    day = on or timezone.localdate()
    provisions = resolve(text, day)
    versions = {p.version_id: p.version for p in provisions}
    return {"text": text, "on": day, "provisions": provisions, "versions": list(versions.values())}


@router.get("/versions/{id}/provisions", response={200: list[ProvisionOut], **READ_ERRORS}, summary="版本的条款")
@paginate(ApiPagination)
def list_provisions(request, id: int = RecordId, article: int | None = Query(None, ge=1, le=9999,
                                                                             description="只列该条（含其款、项）。")):
    """一个版本的全部条款（条、款、项），按条文顺序。"""
    version = visible_or_404(LawVersion.objects.all(), request.auth, id)
    provisions = Provision.objects.visible_to(request.auth).filter(version=version).select_related("version__law")
    if article is not None:
        provisions = provisions.filter(article=article)
    return provisions.order_by("sort_order")


@router.get("/{id}", response={200: LawDetailOut, **READ_ERRORS}, summary="法律法规详情")
def get_law(request, id: int = RecordId):
    """含全部已载入的版本及其施行、失效日期、效力状态和注意事项。"""
    return visible_or_404(Law.objects.all(), request.auth, id)
