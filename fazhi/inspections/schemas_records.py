"""The shapes the records API returns: the results of signed on-site records (现场笔录).

Attachments are described (name, kind, size, SHA-256) so a copy obtained otherwise can be checked; the files
themselves do not leave through the API.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from fazhi.core.schemas import MAX_ID

from .choices import ItemResult, RecordFileKind


class RecordFilter(FilterSchema):
    inspection: Annotated[int | None, FilterLookup("inspection_id")] = Field(
        None, ge=1, le=MAX_ID, description="按监督检查编号筛选。")
    entity_credit_code: Annotated[str | None, FilterLookup("inspection__entity__credit_code")] = Field(
        None, min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$",
        description="按被检查单位的统一社会信用代码（18位）筛选。")
    signed_from: Annotated[dt.date | None, FilterLookup("signed_at__date__gte")] = Field(
        None, description="签名日期不早于此日（YYYY-MM-DD）。")
    signed_to: Annotated[dt.date | None, FilterLookup("signed_at__date__lte")] = Field(
        None, description="签名日期不晚于此日（YYYY-MM-DD）。")


class RecordOut(Schema):
    """One row of the list."""

    id: int = Field(..., description="现场笔录编号。")
    number: str = Field(..., description="文书编号，如 开卫现〔2026〕3号。")
    inspection_id: int = Field(..., description="监督检查编号。")
    organisation_id: int = Field(..., description="检查机关（卫生健康局）的机构编号。")
    entity_id: int = Field(..., description="被检查单位（监管对象）编号。", alias="inspection.entity_id")
    entity_name: str = Field(..., description="被检查单位名称。", alias="inspection.entity.name")
    entity_credit_code: str = Field(..., description="被检查单位的统一社会信用代码；没有的为空字符串。",
                                    alias="inspection.entity.credit_code")
    arrived_at: dt.datetime = Field(..., description="到达时间。")
    left_at: dt.datetime | None = Field(None, description="离开时间。")
    signed_at: dt.datetime = Field(..., description="签名锁定时间。")


class RecordOfficerOut(Schema):
    officer_id: int = Field(..., description="执法人员编号。")
    full_name: str = Field(..., description="姓名。", alias="officer.full_name")
    certificate_number: str = Field(..., description="据以执法的执法证号。", alias="certificate.number")
    is_lead: bool = Field(..., description="是否主办人。")


class ItemCheckOut(Schema):
    code: str = Field(..., description="检查事项编码。", alias="item.code")
    title: str = Field(..., description="检查事项。", alias="item.title")
    result: ItemResult = Field(..., description="检查结果代码：compliant 合格，non_compliant 不合格，not_applicable 不适用。")
    result_label: str = Field(..., description="检查结果。")
    finding: str = Field(..., description="发现的问题。")
    provision: str = Field(..., description="违反的条款。")

    @staticmethod
    def resolve_result_label(obj) -> str:
        return obj.get_result_display()


class RecordFileOut(Schema):
    name: str = Field(..., description="原文件名。", alias="original_name")
    kind: RecordFileKind = Field(..., description="类别代码：photo 照片，file 文件。")
    size: int = Field(..., description="大小（字节）。")
    sha256: str = Field(..., description="文件内容的 SHA-256（十六进制）。")
    uploaded_at: dt.datetime = Field(..., description="上传时间。")


class RecordDetailOut(RecordOut):
    """One signed record: who checked, what each item showed, the audio-video record and the attachments."""

    place: str = Field(..., description="检查地点。")
    officers: list[RecordOfficerOut] = Field(..., description="检查人员及其执法证号。")
    checks: list[ItemCheckOut] = Field(..., description="逐项检查结果。")
    bodycam_device: str = Field(..., description="执法记录仪编号；未使用为空字符串。")
    bodycam_file_id: str = Field(..., description="视音频文件编号；未使用为空字符串。")
    bodycam_seconds: int | None = Field(None, description="视音频时长（秒）；未使用为空。")
    bodycam_absent_reason: str = Field(..., description="未使用执法记录仪的原因；使用了为空字符串。")
    files: list[RecordFileOut] = Field(..., description="附件的说明（不含文件本身）。")

    @staticmethod
    def resolve_officers(obj):
        return obj.inspection.team.all()

    @staticmethod
    def resolve_checks(obj):
        return obj.checks.all()

    @staticmethod
    def resolve_files(obj):
        return obj.files.all()
