"""Inspection codes (亮码入企 / 扫码入企): issued when a visit is registered, shown by the officers, looked up by
the entity on the portal without signing in.

A code is random (the `secrets` module), from an alphabet without characters people confuse when reading a
code aloud or off a phone screen, so it can neither be guessed nor misread; the portal also throttles guessing.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

import segno
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .choices import InspectionStatus
from .models import Inspection
from .rules import INSPECTION_RULES

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: each pair looks alike on a screen or in handwriting.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
# Statuses in which a code still answers on the portal (until it expires); a cancelled visit's never does.
LIVE_STATUSES = (InspectionStatus.REGISTERED, InspectionStatus.RECORDED, InspectionStatus.CLOSED)
_MAX_TRIES = 20


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(INSPECTION_RULES.code_length))


def _unused_code() -> str:
    for _ in range(_MAX_TRIES):
        code = new_code()
        if not Inspection.objects.filter(code=code).exists():
            return code
    # With 25**8 codes this means something is badly wrong (a broken random source), not bad luck.
    raise RuntimeError("could not find an unused inspection code")


def expiry_for(window_end: dt.date) -> dt.datetime:
    """The end of the window's last day, local time, plus the hours a code stays valid after it."""
    next_day = dt.datetime.combine(window_end + dt.timedelta(days=1), dt.time.min)
    return (timezone.make_aware(next_day, timezone.get_current_timezone())
            + dt.timedelta(hours=INSPECTION_RULES.code_valid_hours_after_window))


def issue_code(inspection: Inspection) -> None:
    """Give the visit its code; called by the `register` move inside its transaction, which saves the row."""
    inspection.code = _unused_code()
    inspection.code_issued_at = timezone.now()
    inspection.code_expires_at = expiry_for(inspection.window_end)


_SEPARATORS = re.compile(r"[\s\-_]+")


def normalise(text: str | None) -> str | None:
    """The code as typed, in the stored form, or None when it cannot be a code at all (malformed)."""
    if not text:
        return None
    code = _SEPARATORS.sub("", str(text)).upper()
    if len(code) != INSPECTION_RULES.code_length or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def lookup(code: str | None, *, now: dt.datetime | None = None) -> Inspection | None:
    """The visit a live code belongs to, or None: malformed, unknown, expired and cancelled codes all look alike."""
    code = normalise(code)
    if code is None:
        return None
    return (Inspection.objects.filter(code=code, status__in=LIVE_STATUSES, code_expires_at__gt=now or timezone.now())
            .select_related("entity", "organisation").first())


def portal_path(code: str) -> str:
    return reverse("inspections_portal:code", args=[code])


def portal_url(code: str, request=None) -> str:
    """The address the QR code carries: absolute when a request says which host the portal answers on."""
    path = portal_path(code)
    return request.build_absolute_uri(path) if request is not None else path


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG, drawn in Python (no image files, no outside service)."""
    qr = segno.make(url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=2, title="检查码二维码"))
