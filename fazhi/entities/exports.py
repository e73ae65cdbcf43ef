"""Export of an entity list to .xlsx, streamed: memory stays flat however many rows the filters select.

The columns are the import template's, so an export of one's own bureau can be edited and imported again,
plus the supervising bureau and the time of the last change. Phones are shown in full only on rows the viewer
may edit (as on the entity's page); other rows show them masked.

Rows are read as plain values, a chunk at a time, each chunk with one query for its domains and one for its
licences: a million model instances with their prefetched relations would cost several times as long.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import F

from fazhi.core.masking import mask_phone
from fazhi.core.models import Domain
from fazhi.core.xlsx_stream import Sheet, stream_xlsx

from .choices import CreditGrade, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
from .import_template import BUREAU_HEADER, TEMPLATE_COLUMNS, UPDATED_HEADER
from .models import Entity, Licence
from .permissions import EDITOR_ROLES, can
from .rules import KIND_CHOICES, SUB_KIND_LABELS

EXPORT_COLUMNS: tuple[str, ...] = (*(c.label for c in TEMPLATE_COLUMNS), BUREAU_HEADER, UPDATED_HEADER)
EXPORT_WIDTHS = (*(c.width for c in TEMPLATE_COLUMNS), 24, 17)
# Rows fetched per round trip of the cursor; each chunk also brings its domains and licences in one query each.
EXPORT_CHUNK = 2000
FIELDS = ("id", "name", "credit_code", "no_credit_code_reason", "legal_form", "kind", "sub_kind",
          "legal_representative", "contact_person", "contact_phone", "address", "township__name", "longitude",
          "latitude", "status", "is_key_supervision", "key_supervision_reason", "credit_grade", "note",
          "organisation_id", "organisation__name", "updated_at")

REASONS, LEGAL_FORMS, KINDS = dict(NoCreditCodeReason.choices), dict(LegalForm.choices), dict(KIND_CHOICES)
STATUSES, GRADES, LICENCE_KINDS = dict(EntityStatus.choices), dict(CreditGrade.choices), dict(LicenceKind.choices)
# The licence a row shows: the one valid longest (an open end first), then the latest issued.
LICENCE_ORDER = (F("valid_to").desc(nulls_first=True), F("issued_on").desc(nulls_last=True), "-id")


def entity_row(e, domains: str, licence: tuple | None, *, full_phone: bool) -> list:
    kind, number, issued_on, valid_to = licence or ("", "", None, None)
    return [
        e.name, e.credit_code, "" if e.credit_code else REASONS.get(e.no_credit_code_reason, ""),
        LEGAL_FORMS.get(e.legal_form, e.legal_form), KINDS.get(e.kind, e.kind),
        SUB_KIND_LABELS.get(e.sub_kind, e.sub_kind), domains, e.legal_representative, e.contact_person,
        e.contact_phone if full_phone else mask_phone(e.contact_phone),
        e.address, e.township__name or "", e.longitude, e.latitude, STATUSES.get(e.status, e.status),
        "是" if e.is_key_supervision else "否", e.key_supervision_reason, GRADES.get(e.credit_grade, e.credit_grade),
        LICENCE_KINDS.get(kind, kind), number, issued_on, valid_to, e.note, e.organisation__name, e.updated_at,
    ]


def _domains_of(ids: list[int], names: dict[str, str]) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    through = Entity.domains.through.objects.filter(entity_id__in=ids).order_by("domain__sort_order")
    for entity_id, domain_id in through.values_list("entity_id", "domain_id"):
        found.setdefault(entity_id, []).append(names[domain_id])
    return {entity_id: "、".join(labels) for entity_id, labels in found.items()}


def _licences_of(ids: list[int]) -> dict[int, tuple]:
    first: dict[int, tuple] = {}
    licences = Licence.objects.filter(entity_id__in=ids).order_by("entity_id", *LICENCE_ORDER)
    for entity_id, *licence in licences.values_list("entity_id", "kind", "number", "issued_on", "valid_to"):
        first.setdefault(entity_id, tuple(licence))
    return first


def _rows(queryset, editable: frozenset | None) -> Iterator[list]:
    names = dict(Domain.objects.values_list("code", "name"))
    entities = queryset.values_list(*FIELDS, named=True).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(entities, EXPORT_CHUNK)):
        ids = [e.id for e in chunk]
        domains, licences = _domains_of(ids, names), _licences_of(ids)
        for e in chunk:
            full_phone = editable is None or e.organisation_id in editable
            yield entity_row(e, domains.get(e.id, ""), licences.get(e.id), full_phone=full_phone)


def _editable_bureaus(viewer) -> frozenset | None:
    """The bureaus whose rows the viewer may edit (None: all of them)."""
    if viewer.is_superuser:
        return None
    if can(viewer, EDITOR_ROLES) and viewer.organisation_id:
        return frozenset({viewer.organisation.bureau_id or viewer.organisation_id})
    return frozenset()


def stream_entities_xlsx(queryset, *, viewer) -> Iterable[bytes]:
    """The workbook's bytes, row by row from the queryset (in its order), never the whole list in memory."""
    rows = _rows(queryset, _editable_bureaus(viewer))
    return stream_xlsx(Sheet("监管对象", rows, header=EXPORT_COLUMNS, widths=EXPORT_WIDTHS))
