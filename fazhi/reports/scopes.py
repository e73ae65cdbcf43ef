"""From a person and the dashboard's filters to scopes: which bureaus a viewer sees as columns, the period, and
the address of the records behind a figure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from fazhi.core.choices import OrganisationKind
from fazhi.core.models import Organisation

from .indicators import Scope

ORGS_SEPARATOR = "."


@dataclass(frozen=True)
class Column:
    """One bureau on the dashboard: its own records and its supervision institutes'."""

    bureau: Organisation
    label: str
    organisation_ids: tuple[int, ...]


def viewable_bureaus(user):
    """The bureaus a person may view the figures of: their own and those below it."""
    return Organisation.objects.visible_to(user).filter(kind=OrganisationKind.BUREAU, is_active=True)


def home_bureau(user) -> Organisation | None:
    """The bureau a person's dashboard opens on: their own (an institute's member: its bureau)."""
    org = user.organisation
    if org is not None:
        return org.bureau or org
    return viewable_bureaus(user).filter(parent__isnull=True).order_by("path").first()


def columns_of(root: Organisation) -> list[Column]:
    """The root bureau alone, or — for a city or province — every bureau below it, the root's own records first
    (本级), each with its institutes."""
    below = list(Organisation.objects.filter(path__startswith=root.path).only("id", "kind", "bureau_id", "path",
                                                                             "name", "short_name").order_by("path"))
    members: dict[int, list[int]] = {}
    for org in below:
        members.setdefault(org.bureau_id or org.pk, []).append(org.pk)
    bureaus = [org for org in below if org.kind == OrganisationKind.BUREAU]
    if len(bureaus) == 1:
        return [Column(root, root.label, tuple(members.get(root.pk, [root.pk])))]
    return [Column(b, f"{b.label}（本级）" if b.pk == root.pk else b.label, tuple(members.get(b.pk, [b.pk])))
            for b in bureaus]


def all_ids(columns: list[Column]) -> tuple[int, ...]:
    return tuple(sorted(pk for column in columns for pk in column.organisation_ids))


def capped_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """A period that runs past today is counted up to today, and last year's up to the same day: the figures
    then compare like with like."""
    return start, min(end, max(start, timezone.localdate()))


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return capped_period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return capped_period(start, following - dt.timedelta(days=1))


def period_text(scope: Scope) -> str:
    return f"{scope.start:%Y-%m-%d}至{scope.end:%Y-%m-%d}"


# ---- the records page's address --------------------------------------------------------------------------------

def scope_query(scope: Scope, **extra) -> str:
    params = {"start": scope.start.isoformat(), "end": scope.end.isoformat(),
              "orgs": ORGS_SEPARATOR.join(str(pk) for pk in sorted(scope.organisation_ids))}
    if scope.section_id:
        params["section"] = str(scope.section_id)
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def records_url_for(code: str):
    """The records_url of an indicator whose rows the reports app lists itself."""
    def url(scope: Scope, part: str = "") -> str:
        return f"{reverse('reports:records', args=[code])}?{scope_query(scope, part=part)}"

    return url


def parse_scope(params) -> Scope | None:
    """The scope in a records address, or None if it is malformed (the page then answers 404)."""
    try:
        start = dt.date.fromisoformat(params.get("start", ""))
        end = dt.date.fromisoformat(params.get("end", ""))
        ids = tuple(sorted({int(pk) for pk in params.get("orgs", "").split(ORGS_SEPARATOR) if pk}))
        section = int(params["section"]) if params.get("section") else None
    except ValueError:
        return None
    if not ids or end < start:
        return None
    return Scope(organisation_ids=ids, start=start, end=end, section_id=section)
