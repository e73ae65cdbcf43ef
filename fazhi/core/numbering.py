"""Document numbers (文号) such as 开卫罚〔2026〕12号: gapless per bureau, year and kind of document.

The next number is taken under a row lock on the (bureau, year, kind) sequence inside the caller's
transaction. If that transaction rolls back, the increment rolls back with it and the number is issued
again, so the numbers of documents that exist run 1, 2, 3, ... without a gap or a repeat.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import lock_audit_chain, record_event
from .choices import AuditAction
from .models import DocumentKind, DocumentSequence, Organisation

# Document years follow Beijing time whatever the server's clock zone: a number taken at 00:30 on
# 1 January belongs to the new year.
DOCUMENT_TIME_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DocumentNumber:
    number: int
    year: int
    text: str

    def __str__(self) -> str:
        return self.text


def format_document_number(prefix: str, abbreviation: str, year: int, number: int) -> str:
    return f"{prefix}{abbreviation}〔{year}〕{number}号"


def issuing_bureau(organisation: Organisation) -> Organisation:
    """The bureau in whose name `organisation` issues documents.

    A supervision institute enforces in its bureau's name (委托执法), so its documents carry the bureau's
    prefix and take numbers from the bureau's sequence; a bureau issues in its own name.
    """
    return organisation.bureau if organisation.bureau_id else organisation


def _document_kind(kind_code: str) -> DocumentKind:
    kind = DocumentKind.objects.filter(code=kind_code).first()
    if kind is None:
        raise ValidationError(f"未知的文书种类“{kind_code}”，请先在文书种类中登记该文书及其文号代字。")
    return kind


@transaction.atomic
def next_document_number(organisation: Organisation, kind_code: str, *, year: int | None = None,
                         actor=None) -> DocumentNumber:
    """Issue the next number of `kind_code` for `organisation`'s bureau in `year` (default: this year)."""
    bureau = issuing_bureau(organisation)
    if not bureau.doc_prefix:
        raise ValidationError(f"{bureau}尚未设置文号机关代字（例如“开卫”），请系统管理员在机构信息中填写后再出具文书。")
    kind = _document_kind(kind_code)
    year = year or current_document_year()
    # The audit chain head is locked before the sequence row, as every audited write locks it first;
    # the same order everywhere means a service that records an event and then takes a number cannot
    # deadlock against one that takes a number and then records its event.
    lock_audit_chain()
    # Inserting with ignore_conflicts never fails on a concurrent first use: the loser waits for the
    # winner's row and then locks that one.
    DocumentSequence.objects.bulk_create(
        [DocumentSequence(organisation=bureau, year=year, kind=kind)], ignore_conflicts=True
    )
    sequence = DocumentSequence.objects.select_for_update().get(organisation=bureau, year=year, kind=kind)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    issued = DocumentNumber(sequence.last_number, year, format_document_number(
        bureau.doc_prefix, kind.abbreviation, year, sequence.last_number))
    record_event(
        actor=actor, action=AuditAction.CREATE, obj=sequence, object_repr=issued.text,
        detail={"number": issued.number, "text": issued.text, "kind": kind.code, "requested_by": organisation.pk},
    )
    return issued


def current_document_year(now: dt.datetime | None = None) -> int:
    """The document year of `now` (default: this moment) in Beijing time."""
    return timezone.localtime(now or timezone.now(), DOCUMENT_TIME_ZONE).year
