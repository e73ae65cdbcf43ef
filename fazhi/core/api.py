"""Core endpoints: organisations, sections and staff, each scoped to what the caller may see.

Authentication: a token for other systems (`Authorization: Bearer <key>`) or a signed-in session for people.
"""
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer, SessionAuth

from . import services
from .certificates import may_enforce
from .choices import SupervisionDomain
from .models import ApiToken, Organisation, Section, User
from .permissions import visible_or_404
from .schemas import (
    MAX_ID,
    ApiPagination,
    ErrorOut,
    FieldErrorsOut,
    MayEnforceOut,
    OrganisationFilter,
    OrganisationOut,
    SectionFilter,
    SectionIn,
    SectionOut,
    SectionPatch,
    StaffFilter,
    StaffOut,
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
RecordId = Path(..., ge=1, le=MAX_ID, description="记录编号。")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        record = (
            ApiToken.objects.active()
            .select_related("user__organisation")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        # The caller is `request.auth`. `request.user` stays anonymous: were it set, the session middleware
        # would open a session (and a database row) for every call of a system that never sends a cookie.
        return record.user


class StaffSessionAuth(SessionAuth):
    """A signed-in person who has changed the initial password."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or user.must_change_password:
            return None
        return user


auth_methods = [TokenAuth(), StaffSessionAuth()]
router = Router(tags=["core"])


def _staff():
    return User.objects.staff_listing().prefetch_related("certificates__domains")


@router.get("/organisations", response={200: list[OrganisationOut], **READ_ERRORS}, summary="机构列表")
@paginate(ApiPagination)
def list_organisations(request, filters: Query[OrganisationFilter]):
    """调用者可见的卫生健康局和卫生监督所：县级见本局，市级见本市及所辖县区，省级见全省。"""
    return filters.filter(Organisation.objects.visible_to(request.auth).select_related("region"))


@router.get("/organisations/{id}", response={200: OrganisationOut, **READ_ERRORS}, summary="机构详情")
def get_organisation(request, id: int = RecordId):
    return visible_or_404(Organisation.objects.select_related("region"), request.auth, id)


@router.get("/sections", response={200: list[SectionOut], **READ_ERRORS}, summary="科室列表")
@paginate(ApiPagination)
def list_sections(request, filters: Query[SectionFilter]):
    return filters.filter(Section.objects.visible_to(request.auth).select_related("organisation"))


@router.get("/sections/{id}", response={200: SectionOut, **READ_ERRORS}, summary="科室详情")
def get_section(request, id: int = RecordId):
    return visible_or_404(Section.objects.select_related("organisation"), request.auth, id)


@router.post("/sections", response={201: SectionOut, **WRITE_ERRORS}, summary="新建科室")
def create_section(request, payload: SectionIn):
    """只有系统管理员可在本局或本局所属卫生监督所下新建科室。"""
    fields = payload.dict()
    organisation = Organisation.objects.visible_to(request.auth).filter(pk=fields.pop("organisation_id")).first()
    if organisation is None:
        raise ValidationError({"organisation_id": "所属机构不存在，或不在您的查看范围内，请核对机构编号。"})
    section = services.create_section(actor=request.auth, organisation=organisation, **fields)
    return Status(201, section)


@router.patch("/sections/{id}", response={200: SectionOut, **WRITE_ERRORS}, summary="修改科室")
def update_section(request, payload: SectionPatch, id: int = RecordId):
    """只修改提交的字段；科室不能改属其他机构。"""
    section = visible_or_404(Section.objects.select_related("organisation"), request.auth, id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.update_section(section, actor=request.auth, **changes)


@router.get("/staff", response={200: list[StaffOut], **READ_ERRORS}, summary="人员列表")
@paginate(ApiPagination)
def list_staff(request, filters: Query[StaffFilter]):
    """手机号码和身份证号均已脱敏。"""
    return filters.filter(_staff().visible_to(request.auth))


@router.get("/staff/{id}", response={200: StaffOut, **READ_ERRORS}, summary="人员详情")
def get_staff(request, id: int = RecordId):
    return visible_or_404(_staff(), request.auth, id)


@router.get("/staff/{id}/may-enforce", response={200: MayEnforceOut, **READ_ERRORS}, summary="能否执法")
def get_may_enforce(
    request,
    id: int = RecordId,
    domain: SupervisionDomain = Query(..., description="执法领域代码。"),
    on: dt.date | None = Query(None, description="日期（YYYY-MM-DD），默认今天。"),
):
    """某人某日能否在某领域执法（行政处罚法第四十二条）：是否持有当日有效、含该领域、未被暂扣的执法证。"""
    person = visible_or_404(User.objects.all(), request.auth, id)
    check = may_enforce(person, domain, on or timezone.localdate())
    number = check.certificate.number if check.certificate else None
    return {"allowed": check.allowed, "reason": check.reason, "certificate_number": number}
