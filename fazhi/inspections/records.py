"""Writing the on-site record (现场笔录) of a visit: the draft, its attachments, and signing it.

Only an officer of the visit's team writes or signs, only while the visit is registered (已亮码). Saving keeps
a draft; signing checks that it is complete, takes its document number, locks it and moves the visit to
笔录已签, all in one transaction. A submission carries the browser's `client_key`, so a draft re-sent after a
dropped connection is applied once.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import changed_fields, lock_audit_chain, record_create, record_event, snapshot
from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.numbering import next_document_number
from fazhi.core.workflow import StateMachine, Transition

from .choices import InspectionStatus, ItemResult, RecordFileKind, RecordStatus
from .models import Inspection, ItemCheck, OnSiteRecord, RecordFile
from .permissions import INSPECTOR_ROLES
from .status import INSPECTION_MACHINE
from .uploads import received_digest

BODYCAM_RULE = "国卫监督发〔2018〕54号"
LOCKED_MESSAGE = "现场笔录已签名锁定，不能再修改；如需更正，请另行制作补充笔录。"
# The fields of a record an officer types; the rest (number, status, signature) the services fill.
TYPED_FIELDS = (
    "arrived_at", "left_at", "place", "present_person", "present_person_title", "summary",
    "bodycam_device", "bodycam_file_id", "bodycam_seconds", "bodycam_absent_reason",
)

# What an attachment may be, told by its first bytes rather than by the name the phone gave it.
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
# Office files are zip (docx, xlsx, pptx) or OLE (doc, xls, ppt) containers; the extension says which is meant.
OFFICE_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
OFFICE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "doc", "xls", "ppt", "wps", "et"})


@dataclass(frozen=True)
class ItemResultInput:
    """One item's result as typed: `result` is an ItemResult value, or "" while not yet checked."""

    item_id: int
    result: str = ""
    finding: str = ""
    provision: str = ""


@dataclass(frozen=True)
class RecordInput:
    """Everything an officer types into the record form."""

    arrived_at: dt.datetime
    place: str
    left_at: dt.datetime | None = None
    present_person: str = ""
    present_person_title: str = ""
    summary: str = ""
    bodycam_device: str = ""
    bodycam_file_id: str = ""
    bodycam_seconds: int | None = None
    bodycam_absent_reason: str = ""
    results: tuple[ItemResultInput, ...] = field(default_factory=tuple)

    def typed_fields(self) -> dict:
        values = {name: getattr(self, name) for name in TYPED_FIELDS}
        return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


@dataclass(frozen=True)
class SaveOutcome:
    record: OnSiteRecord
    created: bool
    # True when the submission had been received before: nothing was changed, the earlier result is returned.
    replayed: bool = False


# ---- who may write -----------------------------------------------------------------------------------------

def writing_refusal(inspection: Inspection, actor) -> str | None:
    """Why `actor` may not write this visit's record, or None. Views use it to hide the buttons."""
    if actor is None or not actor.has_role(*INSPECTOR_ROLES):
        return "您没有填写现场笔录的权限。"
    if not Inspection.objects.writable_by(actor).filter(pk=inspection.pk).exists():
        return "只能填写本机关检查的现场笔录。"
    if not inspection.team.filter(officer=actor).exists():
        return "您不是本次检查的检查人员，不能填写或签署现场笔录（行政处罚法第四十二条）。"
    return None


def ensure_may_write(inspection: Inspection, actor) -> None:
    message = writing_refusal(inspection, actor)
    if message:
        raise PermissionDenied(message)


def _ensure_open(inspection: Inspection, record: OnSiteRecord | None) -> None:
    if record is not None and record.is_locked:
        raise ValidationError(LOCKED_MESSAGE)
    if inspection.status != InspectionStatus.REGISTERED:
        raise ValidationError(f"检查状态为“{inspection.get_status_display()}”，须先亮码登记后才能填写现场笔录。")


# ---- validation --------------------------------------------------------------------------------------------

def _time_errors(inspection: Inspection, values: dict) -> dict:
    errors = {}
    arrived, left = values["arrived_at"], values["left_at"]
    if arrived is None:
        errors["arrived_at"] = "请填写到达时间。"
    elif timezone.localtime(arrived).date() < inspection.window_start:
        errors["arrived_at"] = f"到达时间不能早于计划检查日期（{inspection.window_start:%Y年%m月%d日}）。"
    if arrived is not None and left is not None and left <= arrived:
        errors["left_at"] = "离开时间须晚于到达时间。"
    return errors


def _bodycam_errors(values: dict) -> dict:
    """A body-cam record is complete (device, file, duration > 0) or absent; never both it and a reason."""
    device, file_id, seconds = values["bodycam_device"], values["bodycam_file_id"], values["bodycam_seconds"]
    if not (device or file_id or seconds is not None):
        return {}
    errors = {}
    if not device:
        errors["bodycam_device"] = "请填写执法记录仪编号。"
    if not file_id:
        errors["bodycam_file_id"] = "请填写视音频文件编号。"
    if seconds is None or seconds <= 0:
        errors["bodycam_seconds"] = "视音频时长须大于0秒。"
    if values["bodycam_absent_reason"]:
        errors["bodycam_absent_reason"] = "已记录执法记录仪视音频的，不填写未使用原因。"
    return errors


def _result_errors(inspection: Inspection, results) -> dict:
    item_ids = set(inspection.items.values_list("pk", flat=True))
    messages = []
    seen = set()
    for entry in results:
        if entry.item_id not in item_ids:
            messages.append("检查结果中有不属于本次检查的事项，请刷新页面后重填。")
            continue
        if entry.item_id in seen:
            messages.append("同一检查事项只能填写一个结果。")
        seen.add(entry.item_id)
        if entry.result and entry.result not in ItemResult.values:
            messages.append("检查结果只能是合格、不合格或不适用。")
        elif entry.result == ItemResult.NON_COMPLIANT and not (entry.finding.strip() and entry.provision.strip()):
            messages.append("检查结果为不合格的事项，须写明发现的问题和违反的条款。")
    return {"results": sorted(set(messages))} if messages else {}


def validate_input(inspection: Inspection, data: RecordInput) -> None:
    """What a draft must already get right: times in order, a whole body-cam record, results that hold."""
    values = data.typed_fields()
    errors = {**_time_errors(inspection, values), **_bodycam_errors(values), **_result_errors(inspection, data.results)}
    if not values["place"]:
        errors["place"] = "请填写检查地点。"
    if errors:
        raise ValidationError(errors)


def completeness_problem(record: OnSiteRecord, context=None) -> str | None:
    """What a record still lacks before it may be signed, or None."""
    if record.left_at is None:
        return "请填写离开时间后再签名。"
    if not record.present_person:
        return "请填写被检查单位在场人员后再签名。"
    has_bodycam = bool(record.bodycam_device and record.bodycam_file_id and (record.bodycam_seconds or 0) > 0)
    if not has_bodycam and not record.bodycam_absent_reason:
        return f"现场检查应使用执法记录仪全程记录；未使用的，须写明原因（{BODYCAM_RULE}）。"
    checks = list(record.checks.all())
    checked = {c.item_id for c in checks}
    missing = [i.title for i in record.inspection.items.all() if i.pk not in checked]
    if missing:
        return f"以下检查事项尚未填写检查结果：{'、'.join(missing[:5])}。"
    if any(c.result == ItemResult.NON_COMPLIANT and not (c.finding and c.provision) for c in checks):
        return "检查结果为不合格的事项，须写明发现的问题和违反的条款。"
    return None


# ---- saving the draft ----------------------------------------------------------------------------------------

def _state(record: OnSiteRecord) -> dict:
    """The record as its audit events show it: the typed fields and each item's result."""
    state = snapshot(record, TYPED_FIELDS)
    state["checks"] = [
        {"item": c.item_id, "result": c.result, "finding": c.finding, "provision": c.provision}
        for c in record.checks.order_by("item_id")
    ]
    return state


def _key_already_applied(record: OnSiteRecord, key: uuid.UUID) -> bool:
    """Whether this submission was applied before: the key the record holds, or one its audit trail names."""
    if record.client_key == key:
        return True
    return AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk),
                                     detail__client_key=str(key)).exists()


def _write_checks(record: OnSiteRecord, results) -> None:
    given = {r.item_id: r for r in results if r.result}
    record.checks.exclude(item_id__in=given).delete()
    for item_id, entry in given.items():
        ItemCheck.objects.update_or_create(record=record, item_id=item_id, defaults={
            "result": entry.result, "finding": entry.finding.strip(), "provision": entry.provision.strip(),
        })


def save_record(inspection: Inspection, data: RecordInput, *, actor,
                client_key: uuid.UUID | None = None) -> SaveOutcome:
    """Create or update the visit's draft record from what the officer typed."""
    ensure_may_write(inspection, actor)
    with transaction.atomic():
        lock_audit_chain()
        # One submission at a time per visit: a retry racing its original waits here, then finds its key.
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        record = OnSiteRecord.objects.filter(inspection=inspection).first()
        if client_key is not None:
            earlier = OnSiteRecord.objects.filter(client_key=client_key).first() or record
            if earlier is not None and _key_already_applied(earlier, client_key):
                if earlier.inspection_id != inspection.pk:
                    raise ValidationError("提交标识与本次检查不符，请刷新页面后重新填写。")
                return SaveOutcome(earlier, created=False, replayed=True)
        _ensure_open(inspection, record)
        validate_input(inspection, data)
        if record is None:
            return SaveOutcome(_create(inspection, data, actor, client_key), created=True)
        _update(record, data, actor, client_key)
        return SaveOutcome(record, created=False)


def _create(inspection, data, actor, client_key) -> OnSiteRecord:
    record = OnSiteRecord.objects.create(
        organisation=inspection.organisation, inspection=inspection, created_by=actor, client_key=client_key,
        **data.typed_fields(),
    )
    _write_checks(record, data.results)
    record.refresh_from_db()
    record_event(actor=actor, action=AuditAction.CREATE, obj=record, after=_state(record),
                 detail={"client_key": str(client_key) if client_key else ""})
    return record


def _update(record, data, actor, client_key) -> None:
    before = _state(record)
    for name, value in data.typed_fields().items():
        setattr(record, name, value)
    if client_key is not None:
        record.client_key = client_key
    record.save()
    _write_checks(record, data.results)
    record.refresh_from_db()  # compare values as stored (times in UTC), not as typed
    old, new = changed_fields(before, _state(record))
    record_event(actor=actor, action=AuditAction.UPDATE, obj=record, before=old, after=new,
                 detail={"client_key": str(client_key) if client_key else ""})


# ---- attachments ---------------------------------------------------------------------------------------------

def _kind_of(upload) -> str:
    """Photo or file, by what the first bytes say; anything that is not an image, PDF or office file is refused."""
    head = upload.read(16)
    upload.seek(0)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    is_heif = head[4:8] == b"ftyp" and extension in {"heic", "heif"}
    if head.startswith(IMAGE_SIGNATURES) or is_webp or is_heif:
        return RecordFileKind.PHOTO
    if head.startswith(b"%PDF-") or (extension in OFFICE_EXTENSIONS and head.startswith(OFFICE_SIGNATURES)):
        return RecordFileKind.FILE
    raise ValidationError({"file": "只能上传照片（JPG、PNG、GIF、WEBP、HEIC）、PDF 或 Office 文档。"})


def attach_file(inspection: Inspection, upload, *, actor) -> RecordFile:
    """Store a photo or file with the record, its SHA-256 computed here from the bytes received."""
    ensure_may_write(inspection, actor)
    sha256, size = received_digest(upload)
    kind = _kind_of(upload)
    with transaction.atomic():
        lock_audit_chain()
        record = OnSiteRecord.objects.select_for_update().filter(inspection=inspection).first()
        if record is None:
            raise ValidationError({"file": "请先保存现场笔录，再上传照片和文件。"})
        _ensure_open(inspection, record)
        stored = RecordFile(record=record, kind=kind, original_name=upload.name[:200], size=size,
                            sha256=sha256, uploaded_by=actor)
        stored.file.save(upload.name, upload, save=False)
        stored.save()
        stored.audit_organisation_id = record.organisation_id
        record_create(stored, actor=actor)
    return stored


# ---- signing -------------------------------------------------------------------------------------------------

def _signer_on_team(record: OnSiteRecord, context) -> str | None:
    return writing_refusal(record.inspection, context.get("signer"))


def _visit_registered(record: OnSiteRecord, context) -> str | None:
    if record.inspection.status != InspectionStatus.REGISTERED:
        return f"检查状态为“{record.inspection.get_status_display()}”，不能签署现场笔录。"
    return None


def _number_and_sign(record: OnSiteRecord, context) -> None:
    signer = context["signer"]
    record.number = next_document_number(record.organisation, "onsite_record", actor=signer).text
    record.signed_at = timezone.now()
    record.signed_by = signer


# The record's own small procedure: a draft is signed once, and then it is locked.
RECORD_MACHINE = StateMachine(
    name="onsite_record",
    labels=dict(RecordStatus.choices),
    transitions=[
        Transition("sign", "签名锁定现场笔录", (RecordStatus.DRAFT,), RecordStatus.SIGNED, frozenset(INSPECTOR_ROLES),
                   guards=(_signer_on_team, _visit_registered, completeness_problem), effect=_number_and_sign),
    ],
)


def sign_record(record: OnSiteRecord, *, actor) -> OnSiteRecord:
    """Sign the record: complete, numbered, locked, and the visit moved to 笔录已签 — or nothing at all."""
    if record.is_locked:
        raise ValidationError(LOCKED_MESSAGE)
    ensure_may_write(record.inspection, actor)
    try:
        with transaction.atomic():
            lock_audit_chain()
            RECORD_MACHINE.fire(record, "sign", actor=actor, signer=actor)
            INSPECTION_MACHINE.fire(record.inspection, "record", actor=actor, note=record.number)
    except Exception:
        record.refresh_from_db()  # the signature rolled back; the object must not claim otherwise
        raise
    return record
