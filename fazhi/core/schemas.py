"""The shapes the core API reads and writes. Field descriptions are the contract other systems read.

Personal identifiers leave only masked (fazhi.core.masking); passwords and their hashes never leave.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema
from ninja.pagination import PageNumberPagination

from .choices import OrganisationKind, Role, SectionKind, SupervisionDomain
from .masking import mask_id_card, mask_phone

# Free-text search: bounded, and without control characters (PostgreSQL refuses NUL in a string literal).
SearchText = Annotated[str | None, Field(None, max_length=50, pattern=r"^[^\x00-\x1f]*$")]
# Ids are positive 63-bit integers on every supported database.
MAX_ID = 2**63 - 1


class ApiPagination(PageNumberPagination):
    """Page-number pagination with bounds, so a page number cannot push an offset past what a database takes."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="页码，从1开始。")
        page_size: int | None = Field(None, ge=1, le=100, description="每页条数，默认20，最多100。")

    def __init__(self, page_size: int = 20, max_page_size: int = 100, **kwargs):
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)


class ErrorOut(Schema):
    detail: str = Field(..., description="错误说明。")


class FieldErrorsOut(Schema):
    detail: str = Field(..., description="错误说明。")
    errors: dict[str, list[str]] = Field(..., description="按字段列出的错误；`__all__` 为不属于单个字段的错误。")


class OrganisationOut(Schema):
    id: int = Field(..., description="机构编号。")
    name: str = Field(..., description="机构名称。")
    short_name: str = Field(..., description="简称。")
    kind: OrganisationKind = Field(..., description="类型：bureau 卫生健康局（委），institute 卫生监督所（局）。")
    kind_label: str = Field(..., description="类型名称。")
    region_code: str = Field(..., description="所在行政区划代码（GB/T 2260）。", alias="region.code")
    region_name: str = Field(..., description="所在行政区划名称。", alias="region.name")
    parent_id: int | None = Field(None, description="上级机构编号；顶层机构为空。")
    bureau_id: int | None = Field(None, description="数据归属的卫生健康局编号；卫生健康局为其自身。")
    address: str = Field(..., description="地址。")
    public_phone: str = Field(..., description="对外联系电话。")
    is_active: bool = Field(..., description="是否启用。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class OrganisationFilter(FilterSchema):
    kind: Annotated[OrganisationKind | None, FilterLookup("kind")] = Field(None, description="按机构类型筛选。")
    q: Annotated[SearchText, FilterLookup(["name__icontains", "short_name__icontains"])] = Field(
        None, description="按名称或简称检索。"
    )


class SectionOut(Schema):
    id: int = Field(..., description="科室编号。")
    organisation_id: int = Field(..., description="所属机构编号。")
    organisation_name: str = Field(..., description="所属机构名称。", alias="organisation.name")
    name: str = Field(..., description="科室名称。")
    kind: SectionKind = Field(..., description="科室类别。")
    kind_label: str = Field(..., description="科室类别名称。")
    sort_order: int = Field(..., description="排序，小者在前。")
    is_active: bool = Field(..., description="是否启用。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class SectionFilter(FilterSchema):
    organisation: Annotated[int | None, FilterLookup("organisation_id")] = Field(
        None, ge=1, le=MAX_ID, description="按所属机构编号筛选。"
    )
    q: Annotated[SearchText, FilterLookup("name__icontains")] = Field(None, description="按科室名称检索。")


class SectionIn(Schema):
    organisation_id: int = Field(..., ge=1, le=MAX_ID, description="所属机构编号，须为本局或本局所属卫生监督所。")
    name: str = Field(..., min_length=1, max_length=50, description="科室名称，同一机构内不能重复。")
    kind: SectionKind = Field(SectionKind.OTHER, description="科室类别。")
    sort_order: int = Field(0, ge=0, le=32767, description="排序，小者在前。")
    is_active: bool = Field(True, description="是否启用。")


class SectionPatch(Schema):
    """Only the fields given change; a section does not move to another organisation."""

    name: str | None = Field(None, min_length=1, max_length=50, description="科室名称。")
    kind: SectionKind | None = Field(None, description="科室类别。")
    sort_order: int | None = Field(None, ge=0, le=32767, description="排序。")
    is_active: bool | None = Field(None, description="是否启用。")


class CertificateSummary(Schema):
    number: str = Field(..., description="执法证号。")
    issuer: str = Field(..., description="发证机关。")
    domains: list[SupervisionDomain] = Field(..., description="执法领域代码。")
    domain_labels: list[str] = Field(..., description="执法领域名称。")
    valid_from: dt.date = Field(..., description="有效期起。")
    valid_to: dt.date = Field(..., description="有效期至。")
    status: str = Field(..., description="证件状态：valid 有效，suspended 暂扣，revoked 吊销，cancelled 注销。")
    status_label: str = Field(..., description="证件状态名称；有效期已过的不再有效，以 valid_to 为准。")

    @staticmethod
    def resolve_domains(obj) -> list[str]:
        return [d.code for d in obj.domains.all()]

    @staticmethod
    def resolve_domain_labels(obj) -> list[str]:
        return [d.name for d in obj.domains.all()]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class RoleOut(Schema):
    code: Role = Field(..., description="角色代码。")
    label: str = Field(..., description="角色名称。")


class StaffOut(Schema):
    id: int = Field(..., description="人员编号。")
    username: str = Field(..., description="登录名。")
    full_name: str = Field(..., description="姓名。")
    organisation_id: int | None = Field(None, description="所属机构编号。")
    organisation_name: str = Field("", description="所属机构名称。")
    section_id: int | None = Field(None, description="所在科室编号。")
    section_name: str = Field("", description="所在科室名称。")
    job_title: str = Field(..., description="职务。")
    phone_masked: str = Field(..., description="手机号码（已脱敏，如 138****5678）。")
    id_card_masked: str = Field(..., description="居民身份证号（已脱敏，仅留前4位和后4位）。")
    has_legal_qualification: bool = Field(..., description="是否具有法律职业资格。")
    is_active: bool = Field(..., description="账号是否启用。")
    roles: list[RoleOut] = Field(..., description="所任角色。")
    certificates: list[CertificateSummary] = Field(..., description="行政执法证。")

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name if obj.organisation_id else ""

    @staticmethod
    def resolve_section_name(obj) -> str:
        return obj.section.name if obj.section_id else ""

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_card_masked(obj) -> str:
        return mask_id_card(obj.id_card_number)

    @staticmethod
    def resolve_roles(obj) -> list[dict]:
        return [{"code": r, "label": Role(r).label} for r in Role.values if r in obj.roles]

    @staticmethod
    def resolve_certificates(obj):
        return obj.certificates.all()


class StaffFilter(FilterSchema):
    organisation: Annotated[int | None, FilterLookup("organisation_id")] = Field(
        None, ge=1, le=MAX_ID, description="按所属机构编号筛选。"
    )
    section: Annotated[int | None, FilterLookup("section_id")] = Field(
        None, ge=1, le=MAX_ID, description="按所在科室编号筛选。"
    )
    role: Annotated[Role | None, FilterLookup("role_assignments__role")] = Field(None, description="按角色筛选。")
    q: Annotated[SearchText, FilterLookup(["full_name__icontains", "username__icontains"])] = Field(
        None, description="按姓名或登录名检索。"
    )


class MayEnforceOut(Schema):
    allowed: bool = Field(..., description="该日能否在该领域执法。")
    reason: str = Field(..., description="理由（中文），可直接展示给使用者。")
    certificate_number: str | None = Field(None, description="据以执法的执法证号；不能执法时为空。")
