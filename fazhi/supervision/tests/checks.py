"""What the early-warning tests ask of a scan: one rule on one day, and the warnings it left."""
from __future__ import annotations

import datetime as dt

from fazhi.supervision.choices import UNRESOLVED
from fazhi.supervision.models import EarlyWarning
from fazhi.supervision.scan import scan


def warnings_of(code: str, record=None):
    found = EarlyWarning.objects.filter(rule__code=code, status__in=UNRESOLVED)
    return found.of_record(record) if record is not None else found


def scan_on(code: str, day: dt.date, record=None):
    """Scan rule `code` on `day`; the unresolved warning of `record` (or of any record) it leaves, or None."""
    scan(today=day, codes=[code])
    return warnings_of(code, record).first()


def fires(code: str, day: dt.date, record=None) -> bool:
    return scan_on(code, day, record) is not None
