"""The shapes the entity API reads and writes. Field descriptions are the contract other systems read.

Codes are the registry's own: kinds and sub-kinds from `rules.ENTITY_KINDS`, domains from
`SupervisionDomain`, townships by their nine-digit GB/T 2260 code. Phones leave masked in lists; in full only
to callers who may change the entity.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from fazhi.core.choices import SupervisionDomain
from fazhi.core.masking import mask_phone
from fazhi.core.schemas import MAX_ID, SearchText

from .choices import CreditGrade, CreditGradeBasis, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
from .rules import ENTITY_KINDS, ENTITY_RULES
from .tables import SORTS

# Enums built from the rule table, so the schema lists exactly the codes the registry accepts.
EntityKind = Enum("EntityKind", {k.code: k.code for k in ENTITY_KINDS}, type=str)
EntitySubKind = Enum("EntitySubKind", {s.code: s.code for k in ENTITY_KINDS for s in k.sub_kinds}, type=str)
EntitySort = Enum("EntitySort", {f"{sign}{key}": f"{sign}{key}" for key in SORTS for sign in ("", "-")}, type=str)

KIND_HELP = "；".join(f"{k.code} {k.label}" for k in ENTITY_KINDS)
# Text a person typed: no control characters (PostgreSQL refuses NUL; none belongs in a name or an address).
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
ONE_LINE = r"^[^\x00-\x1f]*$"


def Text(max_length: int, description: str, *, required: bool = False, multiline: bool = False):  # noqa: N802
    pattern = PLAIN if multiline else ONE_LINE
    if required:
        return Field(..., min_length=1, max_length=max_length, pattern=pattern, description=description)
    return Field("", max_length=max_length, pattern=pattern, description=description)


def OptionalText(max_length: int, description: str, *, multiline: bool = False):  # noqa: N802
    return Field(None, max_length=max_length, pattern=PLAIN if multiline else ONE_LINE, description=description)


Longitude = Annotated[float, Field(ge=ENTITY_RULES.longitude_range[0], le=ENTITY_RULES.longitude_range[1])]
Latitude = Annotated[float, Field(ge=ENTITY_RULES.latitude_range[0], le=ENTITY_RULES.latitude_range[1])]
TownshipCode = Annotated[str, Field(min_length=9, max_length=12, pattern=r"^[0-9]+$")]


class EntityQuery(Schema):
    """The list's filters: the same as the 监管对象 list page and its Excel export."""

    q: SearchText = Field(None, description="名称片段、拼音首字母（如 kpsrmyy）或完整的统一社会信用代码。")
    licence: SearchText = Field(None, description="证照编号（片段）。")
    township: TownshipCode | None = Field(None, description="所在乡镇（街道）的区划代码（9位）。")
    kind: EntityKind | None = Field(None, description=f"类别代码：{KIND_HELP}。")
    sub_kind: EntitySubKind | None = Field(None, description="细分类别代码，见 sub_kind 的取值。")
    domain: SupervisionDomain | None = Field(None, description="监管专业代码。")
    credit_grade: CreditGrade | None = Field(None, description="信用等级：A、B、C、D。")
    status: EntityStatus | None = Field(None, description="经营状态：operating 在营，suspended 停业，"
                                                          "deregistered 注销，revoked 吊销。")
    key: bool | None = Field(None, description="true 只列重点监管对象，false 只列非重点监管对象。")
    organisation: int | None = Field(None, ge=1, le=MAX_ID, description="监管机关（卫生健康局）的机构编号。")
    ordering: EntitySort = Field(EntitySort("name"), description="排序：name 名称，credit_code 统一社会信用代码，"
                                 "credit_grade 信用等级，status 经营状态，updated_at 更新时间；前加“-”为倒序。")


class EntityOut(Schema):
    """One row of the list."""

    id: int = Field(..., description="监管对象编号。")
    name: str = Field(..., description="名称。")
    credit_code: str = Field(..., description="统一社会信用代码；没有的为空字符串，原因见 no_credit_code_reason。")
    no_credit_code_reason: NoCreditCodeReason | None = Field(None, description="没有统一社会信用代码的原因代码。")
    no_credit_code_reason_label: str = Field(..., description="没有统一社会信用代码的原因。")
    kind: EntityKind = Field(..., description="类别代码。")
    kind_label: str = Field(..., description="类别名称。")
    sub_kind: EntitySubKind = Field(..., description="细分类别代码。")
    sub_kind_label: str = Field(..., description="细分类别名称。")
    domains: list[SupervisionDomain] = Field(..., description="监管专业代码。")
    domain_labels: list[str] = Field(..., description="监管专业名称。")
    address: str = Field(..., description="地址。")
    township: str | None = Field(None, description="所在乡镇（街道）的区划代码。")
    township_name: str = Field(..., description="所在乡镇（街道）名称。")
    status: EntityStatus = Field(..., description="经营状态代码。")
    status_label: str = Field(..., description="经营状态。")
    credit_grade: CreditGrade = Field(..., description="信用等级。")
    is_key_supervision: bool = Field(..., description="是否列为重点监管。")
    contact_phone_masked: str = Field(..., description="联系电话（已脱敏，如 138****5678）。")
    organisation_id: int = Field(..., description="监管机关（卫生健康局）的机构编号。")
    organisation_name: str = Field(..., description="监管机关名称。")
    updated_at: dt.datetime = Field(..., description="最后更新时间。")

    @staticmethod
    def resolve_no_credit_code_reason(obj) -> str | None:
        return obj.no_credit_code_reason or None

    @staticmethod
    def resolve_no_credit_code_reason_label(obj) -> str:
        return obj.get_no_credit_code_reason_display() if obj.no_credit_code_reason else ""

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_domains(obj) -> list[str]:
        return [d.code for d in obj.domains.all()]

    @staticmethod
    def resolve_domain_labels(obj) -> list[str]:
        return [d.name for d in obj.domains.all()]

    @staticmethod
    def resolve_township(obj) -> str | None:
        return obj.township.code if obj.township_id else None

    @staticmethod
    def resolve_township_name(obj) -> str:
        return obj.township.name if obj.township_id else ""

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_contact_phone_masked(obj) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name


class LicenceOut(Schema):
    id: int = Field(..., description="证照记录编号。")
    kind: LicenceKind = Field(..., description="证照类别代码。")
    kind_label: str = Field(..., description="证照类别。")
    number: str = Field(..., description="证照编号。")
    issued_on: dt.date | None = Field(None, description="发证日期。")
    valid_to: dt.date | None = Field(None, description="有效期至；空为长期有效或备案凭证。")
    issuer: str = Field(..., description="发证机关。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class GradeChangeOut(Schema):
    from_grade: CreditGrade | None = Field(None, description="原等级；首次评定为空。")
    to_grade: CreditGrade = Field(..., description="新等级。")
    basis: CreditGradeBasis = Field(..., description="依据类别代码。")
    basis_label: str = Field(..., description="依据类别。")
    reason: str = Field(..., description="理由。")
    effective_on: dt.date = Field(..., description="生效日期。")
    changed_by: str = Field(..., description="评定人姓名；系统记录的为“系统”。")
    changed_at: dt.datetime = Field(..., description="记录时间。")

    @staticmethod
    def resolve_from_grade(obj) -> str | None:
        return obj.from_grade or None

    @staticmethod
    def resolve_basis_label(obj) -> str:
        return obj.get_basis_display()

    @staticmethod
    def resolve_changed_by(obj) -> str:
        return str(obj.changed_by) if obj.changed_by_id else "系统"


class EntityDetailOut(EntityOut):
    """Everything known about one entity, with its licences and credit history."""

    legal_form: LegalForm = Field(..., description="主体性质代码。")
    legal_representative: str = Field(..., description="法定代表人（负责人）。")
    contact_person: str = Field(..., description="联系人。")
    contact_phone: str | None = Field(None, description="联系电话（完整）；仅本局可修改该对象的人员可见，其他调用者为空。")
    longitude: float | None = Field(None, description="经度。")
    latitude: float | None = Field(None, description="纬度。")
    key_supervision_reason: str = Field(..., description="列为重点监管的原因。")
    note: str = Field(..., description="备注。")
    created_at: dt.datetime = Field(..., description="登记时间。")
    licences: list[LicenceOut] = Field(..., description="持有的证照。")
    grade_history: list[GradeChangeOut] = Field(..., description="信用等级变更记录，新的在前。")

    @staticmethod
    def resolve_contact_phone(obj) -> str | None:
        # The endpoint sets `caller_may_edit`; without it the number stays back.
        return obj.contact_phone if getattr(obj, "caller_may_edit", False) else None

    @staticmethod
    def resolve_longitude(obj) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None

    @staticmethod
    def resolve_latitude(obj) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_licences(obj):
        return obj.licences.all()

    @staticmethod
    def resolve_grade_history(obj):
        return obj.grade_changes.all()


class EntityIn(Schema):
    # Leading and trailing spaces go, so that a name of spaces is an empty name and refused as such.
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Text(200, "名称。", required=True)
    credit_code: str = Field("", max_length=30, pattern=ONE_LINE,
                             description="统一社会信用代码（18位，按GB 32100-2015校验；空格和连字符会被去掉）。")
    no_credit_code_reason: NoCreditCodeReason | None = Field(
        None, description="没有统一社会信用代码时必填：individual 个体工商户尚未取得，village_clinic 村卫生室等，"
                          "internal_unit 单位内设机构，other 其他。")
    legal_form: LegalForm = Field(LegalForm.ENTERPRISE, description="主体性质代码。")
    kind: EntityKind = Field(..., description=f"类别代码：{KIND_HELP}。")
    sub_kind: EntitySubKind = Field(..., description="细分类别代码，须属于所选类别。")
    domains: list[SupervisionDomain] | None = Field(None, max_length=len(SupervisionDomain.values),
                                                    description="监管专业代码；不填按类别默认。")
    legal_representative: str = Text(50, "法定代表人（负责人）。")
    contact_person: str = Text(50, "联系人。")
    contact_phone: str = Text(30, "联系电话：手机号或带区号的固定电话。")
    address: str = Text(200, "地址。", required=True)
    township: TownshipCode | None = Field(None, description="所在乡镇（街道）的区划代码（9位），须在本局辖区内。")
    longitude: Longitude | None = Field(None, description="经度；与纬度同时填写或都不填。")
    latitude: Latitude | None = Field(None, description="纬度；与经度同时填写或都不填。")
    is_key_supervision: bool = Field(False, description="是否列为重点监管。")
    key_supervision_reason: str = Text(200, "列为重点监管的原因；列为重点监管时必填。")
    note: str = Text(2000, "备注。", multiline=True)


class EntityPatch(Schema):
    """Only the fields given change. Credit grade and operating status each have their own procedure."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=200, pattern=ONE_LINE, description="名称。")
    credit_code: str | None = Field(None, max_length=30, pattern=ONE_LINE, description="统一社会信用代码。")
    no_credit_code_reason: NoCreditCodeReason | None = Field(None, description="没有统一社会信用代码的原因代码。")
    legal_form: LegalForm | None = Field(None, description="主体性质代码。")
    kind: EntityKind | None = Field(None, description="类别代码；改类别时须同时给出细分类别。")
    sub_kind: EntitySubKind | None = Field(None, description="细分类别代码。")
    domains: list[SupervisionDomain] | None = Field(None, min_length=1, max_length=len(SupervisionDomain.values),
                                                    description="监管专业代码（整体替换）。")
    legal_representative: str | None = OptionalText(50, "法定代表人（负责人）。")
    contact_person: str | None = OptionalText(50, "联系人。")
    contact_phone: str | None = OptionalText(30, "联系电话。")
    address: str | None = Field(None, min_length=1, max_length=200, pattern=ONE_LINE, description="地址。")
    township: TownshipCode | None = Field(None, description="所在乡镇（街道）的区划代码；传 null 清除。")
    longitude: Longitude | None = Field(None, description="经度；传 null 清除（须与纬度一起）。")
    latitude: Latitude | None = Field(None, description="纬度；传 null 清除（须与经度一起）。")
    is_key_supervision: bool | None = Field(None, description="是否列为重点监管。")
    key_supervision_reason: str | None = OptionalText(200, "列为重点监管的原因。")
    note: str | None = OptionalText(2000, "备注。", multiline=True)
