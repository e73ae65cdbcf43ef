"""Test data for inspections, written straight to the tables: the services under test build their own."""
from __future__ import annotations

import datetime as dt
from itertools import count

from django.utils import timezone

from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.inspections.choices import InspectionStatus, ItemStatus, VisitReason
from fazhi.inspections.models import Inspection, InspectionItem, InspectionOfficer

_serial = count(1)


def item(bureau, domain: str = "public_place", *, published: bool = True, **fields) -> InspectionItem:
    n = next(_serial)
    values = {
        "code": f"GG{n:04d}", "title": f"检查事项{n}", "content": "查验卫生许可证是否在有效期内并公示。",
        "legal_basis": "《公共场所卫生管理条例》第八条", **fields,
    }
    return InspectionItem.objects.create(
        organisation=bureau, domain_id=domain, status=ItemStatus.PUBLISHED if published else ItemStatus.DRAFT,
        published_at=timezone.now() if published else None, **values,
    )


def certified_officer(org, *domains: str, **fields):
    """An officer of `org` with a certificate valid today for `domains` (default 公共场所)."""
    officer = f.staff(org, Role.OFFICER, **fields)
    cert = f.certificate(officer, *(domains or ("public_place",)))
    return officer, cert


def visit(entity, team, items, *, reason=VisitReason.ROUTINE, day: dt.date | None = None,
          status=InspectionStatus.PLANNED, **fields) -> Inspection:
    """A visit with its team [(officer, certificate), ...] and items, in `status`, without going through services."""
    day = day or timezone.localdate()
    inspection = Inspection.objects.create(
        organisation=entity.organisation, entity=entity, reason=reason, window_start=day, window_end=day,
        status=status, **fields,
    )
    inspection.items.set(items)
    InspectionOfficer.objects.bulk_create(
        InspectionOfficer(inspection=inspection, officer=o, certificate=c, is_lead=n == 0) for n, (o, c) in enumerate(team)
    )
    return inspection
