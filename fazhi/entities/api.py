"""Entity endpoints: list and search, detail, create and update, each scoped to what the caller may see.

The list takes the same filters as the 监管对象 page (it runs the page's own filter set). Writes go through
`fazhi.entities.services`, which check role and bureau again: another bureau's entity is a 404 when the
caller cannot see it and a 403 when the caller sees it but may not change it (a city over its counties).
"""

from enum import Enum
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Query, Router, Status
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, WRITE_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.choices import RegionLevel
from fazhi.core.models import Region
from fazhi.core.schemas import ApiPagination

from . import services
from .filters import EntityFilterSet, supervising_bureaus, visible_townships
from .models import CreditGradeChange, Entity
from .permissions import may_edit
from .schemas import EntityDetailOut, EntityIn, EntityOut, EntityPatch, EntityQuery
from .tables import order_fields

router = Router(tags=["entities"])

# Fields a PATCH may clear with null; for the others null means "leave as it is".
CLEARABLE = {"township", "longitude", "latitude", "no_credit_code_reason"}


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def _as_request(user) -> SimpleNamespace:
    """The filter set scopes its choices by `request.user`; an API caller is `request.auth`."""
    return SimpleNamespace(user=user)


def _filter_data(query: EntityQuery, caller) -> dict | None:
    """The query in the filter set's own terms (a township by its code becomes its id, a flag "1"/"0"), or None
    when it names a township or bureau outside the caller's reach: like any filter that matches nothing."""
    data = {name: _plain(value) for name, value in query.dict(exclude_none=True).items() if name != "ordering"}
    request = _as_request(caller)
    if "township" in data:
        data["township"] = visible_townships(request).filter(code=data["township"]).values_list("pk", flat=True).first()
        if data["township"] is None:
            return None
    if "organisation" in data and not supervising_bureaus(request).filter(pk=data["organisation"]).exists():
        return None
    if "key" in data:
        data["key"] = "1" if data["key"] else "0"
    return data


def _township(code):
    if code is None:
        return None
    township = Region.objects.filter(code=code, level=RegionLevel.TOWNSHIP).first()
    if township is None:
        raise ValidationError({"township": "没有找到该乡镇（街道）代码，请填写9位的乡级区划代码。"})
    return township


def _service_fields(values: dict) -> tuple[dict, list[str] | None]:
    """Input as the services take it: plain codes, the township as a record, no null where blank is meant."""
    fields = {name: _plain(value) for name, value in values.items()}
    domains = fields.pop("domains", None)
    if domains is not None:
        domains = [_plain(d) for d in domains]
    if "township" in fields:
        fields["township"] = _township(fields["township"])
    if "no_credit_code_reason" in fields:
        fields["no_credit_code_reason"] = fields["no_credit_code_reason"] or ""
    return fields, domains


def _detail(caller, pk: int) -> Entity:
    queryset = Entity.objects.select_related("organisation", "township").prefetch_related(
        "domains", "licences",
        Prefetch("grade_changes", queryset=CreditGradeChange.objects.select_related("changed_by")),
    )
    entity = visible_or_404(queryset, caller, pk)
    entity.caller_may_edit = may_edit(caller, entity)
    return entity


@router.get("/", response={200: list[EntityOut], **READ_ERRORS}, summary="监管对象列表")
@paginate(ApiPagination)
def list_entities(request, query: Query[EntityQuery]):
    """调用者可见的监管对象：县级见本局，市级见所辖县区，省级见全省。筛选条件与“监管对象”列表页相同；联系电话已脱敏。"""
    caller, data = request.auth, _filter_data(query, request.auth)
    if data is None:
        return Entity.objects.none()
    filterset = EntityFilterSet(data, queryset=Entity.objects.visible_to(caller).for_listing(),
                                request=_as_request(caller))
    if not filterset.is_valid():  # the schema has checked every value; this is the filter set's own word on it
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs.order_by(*order_fields(_plain(query.ordering)))


@router.get("/{id}", response={200: EntityDetailOut, **READ_ERRORS}, summary="监管对象详情")
def get_entity(request, id: int = RecordId):
    """含证照和信用等级变更记录。完整联系电话只给本局可修改该对象的调用者。"""
    return _detail(request.auth, id)


@router.post("/", response={201: EntityDetailOut, **WRITE_ERRORS}, summary="登记监管对象")
def create_entity(request, payload: EntityIn):
    """在调用者所属卫生健康局登记监管对象（执法人员、科室负责人、审批员、系统管理员）。初始信用等级为默认等级，记入信用档案。"""
    fields, domains = _service_fields(payload.dict())
    entity = services.create_entity(actor=request.auth, domains=domains, **fields)
    return Status(201, _detail(request.auth, entity.pk))


@router.patch("/{id}", response={200: EntityDetailOut, **WRITE_ERRORS}, summary="修改监管对象")
def update_entity(request, payload: EntityPatch, id: int = RecordId):
    """只修改提交的字段；只能修改本局的监管对象。信用等级和经营状态不在此修改。"""
    entity = visible_or_404(Entity.objects.all(), request.auth, id)
    given = payload.dict(exclude_unset=True)
    changes = {name: value for name, value in given.items() if value is not None or name in CLEARABLE}
    fields, domains = _service_fields(changes)
    services.update_entity(entity, actor=request.auth, domains=domains, **fields)
    return _detail(request.auth, id)
